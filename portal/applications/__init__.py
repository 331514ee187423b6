"""Applications: what an applicant sends for one posting, its stage, and how it is stored."""
