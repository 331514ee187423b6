"""Recruiter and admin accounts, their teams, and signing in."""
