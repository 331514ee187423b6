"""Which recruiter gets a new application: the active team member holding the fewest open applications."""
from __future__ import annotations


def least_loaded(members: list[dict]) -> str | None:
    """The e-mail of the active member with the lowest open_count; ties go to the first e-mail in order.

    Deterministic, so a retried record picks the same person when nothing else changed. None when the team
    has no active member: the application then waits unassigned in the team's queue.
    """
    candidates = [m for m in members if m.get("active") and m.get("email")]
    if not candidates:
        return None
    return min(candidates, key=lambda m: (int(m.get("open_count") or 0), str(m["email"]).lower()))["email"]
