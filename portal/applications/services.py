"""Rules for applying: which postings fit where the applicant lives, and one submission written exactly once."""
from __future__ import annotations

import dataclasses
import datetime
import hmac
import json

from botocore.exceptions import BotoCoreError, ClientError
from ulid import ULID

from portal import clock, geo, keys
from portal.applications import tokens
from portal.applications.models import (
    APPLIED, MAX_POSTINGS_PER_SUBMISSION, Application, Contact, Location, Preferences,
)
from portal.applications.repository import DuplicateSubmission, RateCounter, RateLimited
from portal.postings.models import REMOTE, Posting
from portal.postings.services import is_open

__all__ = ["NotStored", "RateLimited", "submit_application", "more_postings", "other_open_postings", "rate_limits"]


class NotStored(RuntimeError):
    """The store refused or could not be reached after the SDK's retries: nothing was written; send it again."""


class TokenReused(ValueError):
    """The submission token (the form's, or the API's Idempotency-Key) was first sent with other answers: the
    first submission stands, and nothing of it is shown to this request."""


class PostingNotOpen(Exception):
    """The posting cannot take applications (closed, expired or never published)."""


class TooManyPostings(ValueError):
    """More postings than one submission may hold, or the same posting twice."""


@dataclasses.dataclass
class ApplicationInput:
    contact: Contact
    location: Location
    preferences: Preferences


@dataclasses.dataclass
class Submission:
    reference: str
    application_ids: list[str]
    duplicate: bool = False
    status_token: str = ""  # the private status link's token, when the submission has a status page


@dataclasses.dataclass(frozen=True)
class RateLimits:
    """Submissions allowed per IP address an hour and per e-mail address a day, counted in DynamoDB (TTL)."""

    secret_key: str
    client_ip: str
    per_ip_hour: int = 20
    per_email_day: int = 10

    def counters(self, email: str, now: datetime.datetime) -> tuple[RateCounter, ...]:
        hour, day = now.strftime("%Y%m%d%H"), now.strftime("%Y%m%d")
        epoch = int(now.timestamp())
        # A day's slack past the window before TTL removes a counter: DynamoDB deletes expired items lazily anyway.
        return (
            RateCounter("IP", keys.rate_limit("IP", self._hash(self.client_ip), hour), self.per_ip_hour,
                        epoch + 3600 + 86400),
            RateCounter("EMAIL", keys.rate_limit("EMAIL", self._hash(email.lower()), day), self.per_email_day,
                        epoch + 2 * 86400),
        )

    def upload_counter(self, now: datetime.datetime, per_hour: int) -> RateCounter:
        """Résumé uploads started from one IP address in the hour: each lets up to 5 MB into the bucket."""
        return RateCounter("UPLOAD", keys.rate_limit("UPLOAD", self._hash(self.client_ip), now.strftime("%Y%m%d%H")),
                           per_hour, int(now.timestamp()) + 3600 + 86400)

    def draft_counter(self, now: datetime.datetime, per_hour: int) -> RateCounter:
        """Unfinished applications started from one IP address in the hour: each is an item kept for weeks."""
        return RateCounter("DRAFT", keys.rate_limit("DRAFT", self._hash(self.client_ip), now.strftime("%Y%m%d%H")),
                           per_hour, int(now.timestamp()) + 3600 + 86400)

    def _hash(self, value: str) -> str:
        return keys.identity_hash(self.secret_key, f"rate:{value}")


def rate_limits(runtime, client_ip: str) -> RateLimits:
    """The configured limits for submissions and uploads from ``client_ip``."""
    cfg = runtime.settings
    return RateLimits(runtime.secret_key, client_ip or "unknown", cfg.apply_limit_per_ip_hour,
                      cfg.apply_limit_per_email_day)


def location_problems(postings: list[Posting], state: str) -> list[str]:
    """One message per remote posting that does not take applicants living in ``state``."""
    problems = []
    for posting in postings:
        if posting.workplace == REMOTE and posting.remote_states and state not in posting.remote_states:
            problems.append(
                f"{posting.title} is open only to people living in {', '.join(posting.remote_states)}; "
                f"your ZIP code is in {geo.state_name(state)}.")
    return problems


def distances(postings: list[Posting], zip_code: str) -> dict[str, int]:
    """Miles (straight line, rounded) from the applicant's ZIP code to each posting's site, for on-site and hybrid roles."""
    place = geo.lookup_zip(zip_code)
    out = {}
    for posting in postings:
        address = posting.address
        if place is None or posting.workplace == REMOTE or address is None or address.lat is None:
            continue
        out[posting.id] = round(geo.distance_miles(place.lat, place.lon, float(address.lat), float(address.lon)))
    return out


def benefits_notes(postings: list[Posting], hours_max: int) -> list[str]:
    """A note per posting whose benefits threshold is above the most hours the applicant can work. Not an error."""
    return [
        f"{p.title}: benefits start from {p.benefits_hours} hours a week, and you chose at most {hours_max}."
        for p in postings if hours_max < p.benefits_hours
    ]


def submit_application(
    runtime, postings: list[Posting], answers: ApplicationInput, token: str, *,
    limits: RateLimits | None = None, resume_key: str = "", status_page: bool = True, finished_draft: dict | None = None,
) -> Submission:
    """Create one application per posting (ranked in the order given), linked by one submission, exactly once.

    The token comes from the form (or the API's Idempotency-Key), so a double click, a browser retry or a
    re-sent POST all name the same submission; the repository's conditional transaction lets only the first
    one write. With ``status_page`` the transaction also writes the status item of the private status link
    (only the token's hash is stored); with ``limits`` it counts the submission against the rate limits.
    ``resume_key`` names a résumé the caller has already checked (resumes.ResumeStore.check). ``finished_draft``
    (a key) is the unfinished application the answers were saved in, deleted in the same transaction.
    Raises RateLimited, TooManyPostings, TokenReused and NotStored. Where the applicant lives is checked by the callers (location_problems)
    before this, with a message at the ZIP field; the pipeline holds any remote mismatch that still gets through.
    """
    if not postings or len(postings) > MAX_POSTINGS_PER_SUBMISSION:
        raise TooManyPostings(f"Choose from 1 to {MAX_POSTINGS_PER_SUBMISSION} jobs.")
    if len({p.id for p in postings}) != len(postings):
        raise TooManyPostings("Each job can be chosen once.")
    moment = clock.now()
    now = clock.iso(moment)
    reference = str(ULID())
    miles = distances(postings, answers.location.zip)
    applications = [
        Application(
            id=str(ULID()),
            submission_id=reference,
            posting_id=posting.id,
            posting_title=posting.title,
            team=posting.team,
            contact=answers.contact,
            location=answers.location,
            preferences=answers.preferences,
            stage=APPLIED,
            created_at=now,
            updated_at=now,
            rank=rank,
            distance_miles=miles.get(posting.id),
            resume_key=resume_key,
        )
        for rank, posting in enumerate(postings, start=1)
    ]
    repo = runtime.applications
    secret_key = runtime.secret_key if status_page else None
    status_item, status_token = None, ""
    if secret_key is not None:
        status_token = tokens.status_token(secret_key, reference)
        status_item = {
            **keys.status(tokens.token_hash(status_token)),
            "entity": "status",
            "submission_id": reference,
            "reference": reference,
            "submission_token": token,  # the form's idempotency token, so erasure can remove its marker too
            "application_ids": [a.id for a in applications],
            "teams": sorted({a.team for a in applications}),
            "contact_name": answers.contact.name,
            "contact_email": answers.contact.email,
            "posting_titles": [p.title for p in postings],
            "created_at": now,
        }
        if resume_key:
            status_item["resume_key"] = resume_key
    counters = limits.counters(answers.contact.email, moment) if limits else ()
    fingerprint = submission_fingerprint(runtime.secret_key, postings, answers, resume_key)
    try:
        repo.create_submission(token, reference, applications, now, status_item=status_item, rate_counters=counters,
                               fingerprint=fingerprint, finished_draft=finished_draft)
    except (ClientError, BotoCoreError) as exc:
        # Throttled after the SDK's retries, or unreachable: the caller keeps every answer and asks again.
        raise NotStored(type(exc).__name__) from exc
    except DuplicateSubmission:
        earlier = repo.get_submission(token)
        # A retry of the same answers gets the first submission back; anything else with this token is refused,
        # or a reused or guessed key would hand over someone else's status link.
        if earlier is None or not hmac.compare_digest(str(earlier.get("fingerprint", "")), fingerprint):
            raise TokenReused("This submission token was already used with other answers.") from None
        again_token = tokens.status_token(secret_key, earlier["reference"]) if secret_key is not None else ""
        return Submission(earlier["reference"], list(earlier["application_ids"]), duplicate=True,
                          status_token=again_token)
    return Submission(reference, [a.id for a in applications], status_token=status_token)


def was_sent(runtime, token: str) -> bool:
    """Whether a submission was already made with this token."""
    return bool(token) and runtime.applications.get_submission(token) is not None


def status_token_of(runtime, reference: str) -> str:
    """The status link's token of a submission: made again from its reference with the secret, so that nothing
    that carries the reference (the confirmation page's cookie) carries the token."""
    return tokens.status_token(runtime.secret_key, reference)


def submission_fingerprint(secret_key: str, postings: list[Posting], answers: ApplicationInput,
                           resume_key: str) -> str:
    """A keyed hash of everything a submission was sent with, kept on its marker: the token is bound to it."""
    sent = json.dumps({"postings": [p.id for p in postings], "answers": dataclasses.asdict(answers),
                       "resume": resume_key}, sort_keys=True, default=str)
    return keys.identity_hash(secret_key, "submission:" + sent)


def more_postings(runtime, posting_ids: list[str], first: Posting, today: datetime.date) -> tuple[list[Posting], dict]:
    """The further postings chosen, in the order given, and a message for each choice that cannot be taken.

    Messages are keyed by the position in ``posting_ids``. A job chosen twice is taken once, at its first rank:
    the applicant's intent is clear, so it is not an error to fix.
    """
    found = {p.id: p for p in runtime.postings.get_many(posting_ids)}
    chosen, problems, seen = [], {}, {first.id}
    for n, posting_id in enumerate(posting_ids):
        posting = found.get(posting_id)
        if posting_id in seen:
            continue
        if posting is None or not is_open(posting, today):
            problems[n] = "That job no longer takes applications. Choose another, or none."
        else:
            seen.add(posting_id)
            chosen.append(posting)
    return chosen, problems


def other_open_postings(runtime, first: Posting, today: datetime.date, limit: int = 100) -> list[Posting]:
    """Open postings to offer beside ``first`` on the form, newest first (one Query of the published index)."""
    return [p for p in runtime.postings.list_published(limit).items if p.id != first.id and is_open(p, today)]
