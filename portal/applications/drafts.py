"""Unfinished applications: each step's answers saved as typed, more jobs suggested from the site's listings, and
the private "finish later" link that resumes one on another device, with no account."""
from __future__ import annotations

import dataclasses
import datetime
import json
import secrets

from portal import clock, keys
from portal.applications.repository import DraftGone, TooManyLinks
from portal.postings.models import REMOTE, Posting
from portal.site.listings import state_listing

__all__ = ["Draft", "DraftGone", "TooManyLinks", "start", "load", "save", "ask_for_link", "suggest_jobs"]

# Cards read from each listing: its newest page and the one before (a newest page may have just begun).
SUGGESTION_PAGES = 2
MAX_SUGGESTIONS = 4


@dataclasses.dataclass
class Draft:
    id: str
    posting_id: str
    posting_title: str
    answers: dict[str, list[str]]
    done: set[str]
    started: str  # the signed stamp of when the first step was shown (portal/applications/spam.py)
    submission_token: str  # the idempotency token the final submission is sent with
    email: str = ""  # normalised, once the contact step passed: where a "finish later" link goes
    links_sent: int = 0
    suggestions: list[dict] = dataclasses.field(default_factory=list)
    suggested_for: str = ""
    expires_at: int = 0
    resume_at: str = ""  # the step to carry on from, after the last one saved

    @classmethod
    def of(cls, item: dict) -> "Draft":
        return cls(
            id=str(item["id"]), posting_id=str(item["posting_id"]), posting_title=str(item.get("posting_title", "")),
            answers={str(k): [str(v) for v in values] for k, values in (item.get("answers") or {}).items()},
            done={str(s) for s in item.get("done") or ()}, started=str(item.get("started", "")),
            submission_token=str(item.get("submission_token", "")), email=str(item.get("email", "")),
            links_sent=int(item.get("links_sent", 0)), suggestions=json.loads(item.get("suggestions") or "[]"),
            suggested_for=str(item.get("suggested_for", "")), expires_at=int(item.get("expires_at", 0)),
            resume_at=str(item.get("resume_at", "")),
        )

    @property
    def key(self) -> dict:
        return keys.draft(self.id)

    def expires_on(self) -> datetime.date:
        return datetime.datetime.fromtimestamp(self.expires_at, datetime.timezone.utc).date()


def _expires_at(runtime, now: datetime.datetime) -> int:
    return int(now.timestamp()) + runtime.settings.unfinished_retention_days * 86400


def start(runtime, posting: Posting, started: str, submission_token: str, client_ip: str) -> Draft:
    """A new unfinished application for ``posting``, counted against the starts allowed from ``client_ip`` an hour
    (RateLimited when over): each is an item kept for weeks, so a robot must not make millions."""
    from portal.applications.services import rate_limits

    now = clock.now()
    runtime.applications.count(rate_limits(runtime, client_ip).draft_counter(
        now, runtime.settings.apply_limit_drafts_per_ip_hour))
    draft = Draft(id=secrets.token_urlsafe(16), posting_id=posting.id, posting_title=posting.title, answers={},
                  done=set(), started=started, submission_token=submission_token, expires_at=_expires_at(runtime, now))
    runtime.drafts.create({
        "id": draft.id, "posting_id": draft.posting_id, "posting_title": draft.posting_title, "answers": {},
        "started": started, "submission_token": submission_token, "created_at": clock.iso(now),
        "updated_at": clock.iso(now), "expires_at": draft.expires_at,
    })
    return draft


def load(runtime, draft_id: str, posting_id: str | None = None) -> Draft | None:
    """The unfinished application, unless it expired (TTL deletes lazily) or belongs to another posting."""
    item = runtime.drafts.get(draft_id) if draft_id else None
    if item is None:
        return None
    draft = Draft.of(item)
    if draft.expires_at <= clock.now().timestamp() or (posting_id and draft.posting_id != posting_id):
        return None
    return draft


def save(runtime, draft: Draft, answers: dict[str, list[str]], *, step: str = "", passed: bool = False,
         **attributes) -> None:
    """Keep these answers; mark ``step`` done when its answers ``passed`` their checks, not done when they did not
    (they are kept as typed either way). Each save starts the retention period again. Raises DraftGone."""
    now = clock.now()
    expires_at = _expires_at(runtime, now)
    runtime.drafts.save(draft.id, answers, done=step if step and passed else "",
                        undone=step if step and not passed and step in draft.done else "",
                        attributes={"updated_at": clock.iso(now), "expires_at": expires_at, **attributes})
    draft.answers.update(answers)
    if step:
        (draft.done.add if passed else draft.done.discard)(step)
    draft.expires_at = expires_at
    for name, value in attributes.items():
        if hasattr(draft, name):
            setattr(draft, name, value)


def ask_for_link(runtime, draft: Draft) -> int:
    """Ask for the "finish later" e-mail (the pipeline sends it, once per ask); TooManyLinks past the limit."""
    number = runtime.drafts.count_link(draft.id, runtime.settings.finish_later_links, clock.iso(clock.now()))
    draft.links_sent = number
    return number


def _fits(card: dict, first_id: str, state: str, shifts: list[str], hours: tuple[int, int], today: str) -> bool:
    if card.get("i") == first_id or (card.get("v") and card["v"] < today):
        return False
    if card.get("w") == REMOTE:
        if card.get("r") and state not in card["r"]:
            return False
    elif card.get("s") != state:
        return False
    if shifts and card.get("sh") and not set(shifts) & set(card["sh"]):
        return False
    low, high = (card.get("h") or [0, 168])[:2]
    return low <= hours[1] and high >= hours[0]


def suggest_jobs(runtime, first: Posting, state: str, workplace: str, shifts: list[str], hours: tuple[int, int],
                 today: datetime.date) -> list[dict]:
    """Up to four open jobs that fit where the applicant lives (on-site in their state, or remote and open to it),
    their shifts and hours; the kind of workplace they asked for first, then the newest. From the site's listing
    pages (the state's and the remote one, newest two pages each): a handful of reads however many jobs there are.
    """
    manifest = runtime.site_state.manifest()
    if manifest is None or not state:
        return []
    refs = []
    for listing in (state_listing(state), "remote"):
        newest = manifest.newest(listing)
        refs += [(listing, n) for n in range(newest, max(newest - SUGGESTION_PAGES, 0), -1)]
    cards, seen = [], set()
    for page in runtime.site_state.pages(refs).values():
        for card in page:
            if card.get("i") not in seen and _fits(card, first.id, state, shifts, hours, today.isoformat()):
                seen.add(card["i"])
                cards.append(card)
    cards.sort(key=lambda c: c.get("d", ""), reverse=True)
    cards.sort(key=lambda c: c.get("w") != workplace)
    return [{"id": c["i"], "title": c["t"], "label": " · ".join(x for x in (c.get("l"), c.get("pl"), c.get("hl"),
                                                                             c.get("sl")) if x)}
            for c in cards[:MAX_SUGGESTIONS]]
