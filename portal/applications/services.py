"""Rules for applying: turning one validated submission into application records, exactly once."""
from __future__ import annotations

import dataclasses

from ulid import ULID

from portal import clock
from portal.applications.models import APPLIED, Application, Contact, Location, Preferences
from portal.applications.repository import ApplicationRepository, DuplicateSubmission
from portal.postings.models import Posting


class PostingNotOpen(Exception):
    """The posting cannot take applications (closed, expired or never published)."""


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


def submit_application(
    repo: ApplicationRepository, postings: list[Posting], answers: ApplicationInput, token: str
) -> Submission:
    """Create one application per posting, linked by one submission, or return the earlier one for this token.

    The token comes from the form, so a double click, a browser retry or a re-sent POST all name the same
    submission; the repository's conditional transaction lets only the first one write.
    """
    now = clock.iso(clock.now())
    reference = str(ULID())
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
        )
        for posting in postings
    ]
    try:
        repo.create_submission(token, reference, applications, now)
    except DuplicateSubmission:
        earlier = repo.get_submission(token)
        return Submission(earlier["reference"], list(earlier["application_ids"]), duplicate=True)
    return Submission(reference, [a.id for a in applications])
