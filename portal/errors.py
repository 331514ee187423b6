"""The one error every rule raises about a bad answer: its message belongs next to the form field it names."""
from __future__ import annotations


class FieldProblem(ValueError):
    """A rule refused an answer; ``field`` names the form field (or JSON member) the message belongs next to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
