"""Rules for postings: which ones the public may see and apply to, which ones an account may work on, and expiry."""
from __future__ import annotations

import datetime
import heapq

from portal import clock
from portal.accounts.models import Account, Team
from portal.postings.models import CLOSED, PUBLISHED, Posting


def is_open(posting: Posting, today: datetime.date) -> bool:
    """Published and not past its valid-through date."""
    if posting.status != PUBLISHED:
        return False
    return not posting.valid_through or posting.valid_through >= today.isoformat()


def get_public_posting(runtime, posting_id: str, recent_will_do: bool = False) -> Posting | None:
    """A posting the public may see: published or closed (a closed job's page stays), never a draft. With
    recent_will_do, this process's read of it from the last PORTAL_POSTING_REUSE_SECONDS will do (for pages that
    show it; whatever accepts an answer reads it afresh)."""
    max_age = runtime.settings.posting_reuse_seconds if recent_will_do else 0
    posting = runtime.postings.get(posting_id, max_age)
    if posting is None or posting.status not in (PUBLISHED, CLOSED):
        return None
    return posting


def list_published(runtime, limit: int, start_key: dict | None = None):
    """A page of published postings, newest first."""
    return runtime.postings.list_published(limit, start_key)


def posting_for(runtime, account: Account, posting_id: str) -> Posting | None:
    """The posting, or None when it does not exist or belongs to a team the account is not in (the two look alike)."""
    posting = runtime.postings.get(posting_id)
    return posting if posting is not None and account.works_for(posting.team) else None


def team_postings(runtime, team_id: str, limit: int = 100) -> list[Posting]:
    """A team's postings in every status, newest first (the caller has checked the team)."""
    return runtime.postings.list_for_team(team_id, limit).items


def postings_of_teams(runtime, teams: list[Team], limit: int = 200) -> list[Posting]:
    """The newest postings across these teams: one query per team, merged by date."""
    per_team = [team_postings(runtime, t.id) for t in teams]
    return list(heapq.merge(*per_team, key=lambda p: p.date_posted or p.created_at, reverse=True))[:limit]


def close_expired(runtime, now: datetime.datetime) -> list[str]:
    """Closes every published posting whose valid-through date has passed; returns the ids it closed.

    Each close is a conditional write, so a posting edited (or closed) meanwhile is left as it is.
    """
    repo = runtime.postings
    today = now.date().isoformat()
    return [pid for pid in repo.published_expired_before(today) if repo.close_if_expired(pid, today, clock.iso(now))]
