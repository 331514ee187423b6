"""The audit log: who viewed or changed which application (or posting, or account), and when. Append-only."""
