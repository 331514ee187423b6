"""Rules for postings: which ones the public may see and apply to."""
from __future__ import annotations

import datetime

from portal.postings.models import CLOSED, PUBLISHED, Posting
from portal.postings.repository import PostingRepository


def is_open(posting: Posting, today: datetime.date) -> bool:
    """Published and not past its valid-through date."""
    if posting.status != PUBLISHED:
        return False
    return not posting.valid_through or posting.valid_through >= today.isoformat()


def get_public_posting(repo: PostingRepository, posting_id: str) -> Posting | None:
    """A posting the public may see: published or closed (a closed job's page stays), never a draft."""
    posting = repo.get(posting_id)
    if posting is None or posting.status not in (PUBLISHED, CLOSED):
        return None
    return posting



def close_expired(repo: PostingRepository, now: datetime.datetime) -> list[str]:
    """Closes every published posting whose valid-through date has passed; returns the ids it closed.

    Each close is a conditional write, so a posting edited (or closed) meanwhile is left as it is.
    """
    today = now.date().isoformat()
    stamp = now.astimezone(datetime.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    return [pid for pid in repo.published_expired_before(today) if repo.close_if_expired(pid, today, stamp)]
