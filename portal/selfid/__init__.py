"""Voluntary self-identification (veteran, disability): optional, kept apart, never shown to those who decide."""
