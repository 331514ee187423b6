"""Job postings: what they hold, how they are stored and the rules for showing them."""
