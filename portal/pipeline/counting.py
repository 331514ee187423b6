"""What one change of an application does to the counters and to its recruiter's load, as deltas to add.

Pure arithmetic. Counters (``keys.counters``) exist per posting, per team and per member (the member's queue),
each with ``total`` and ``stage_<stage>``; a team member's ``open_count`` is how many open applications they hold.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict

from portal.keys import OPEN_STAGES

COUNTERS, MEMBER = "counters", "member"


@dataclasses.dataclass(frozen=True)
class QueueState:
    """The part of an application that the counters depend on."""

    posting_id: str
    team: str
    stage: str
    assignee: str | None

    @classmethod
    def of(cls, item: dict | None) -> "QueueState | None":
        if item is None:
            return None
        return cls(str(item["posting_id"]), str(item["team"]), str(item["stage"]), item.get("assignee") or None)

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


def deltas(old: QueueState | None, new: QueueState | None) -> dict[tuple, dict[str, int]]:
    """Deltas by target: (COUNTERS, scope) or (MEMBER, team, email), each {attribute: non-zero delta}."""
    out: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for state, sign in ((old, -1), (new, +1)):
        if state is None:
            continue
        scopes = [f"POSTING#{state.posting_id}", f"TEAM#{state.team}"]
        if state.assignee:
            scopes.append(f"MEMBER#{state.team}#{state.assignee.lower()}")
            if state.is_open:
                out[(MEMBER, state.team, state.assignee.lower())]["open_count"] += sign
        for scope in scopes:
            out[(COUNTERS, scope)]["total"] += sign
            out[(COUNTERS, scope)][f"stage_{state.stage}"] += sign
    return {target: {name: d for name, d in attrs.items() if d} for target, attrs in out.items()
            if any(attrs.values())}
