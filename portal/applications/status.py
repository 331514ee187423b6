"""The applicant's private status page: what it shows, and the changes it allows (availability, withdraw, erase)."""
from __future__ import annotations

import dataclasses

from portal.applications import erasure, tokens
from portal.applications.models import WITHDRAWN, Application, Preferences
from portal.applications.resumes import ResumeRefused, belongs_to
from portal.applications.stages import ALLOWED_MOVES, StageConflict, move_stage


@dataclasses.dataclass
class StatusView:
    token_hash: str
    item: dict  # the status item: submission id, reference, application ids, contact name and e-mail, titles
    applications: list[Application]

    @property
    def submission_id(self) -> str:
        return self.item["submission_id"]

    @property
    def open_applications(self) -> list[Application]:
        return [a for a in self.applications if WITHDRAWN in ALLOWED_MOVES.get(a.stage, ())]

    def find(self, application_id: str) -> Application | None:
        return next((a for a in self.applications if a.id == application_id), None)


AVAILABILITY_FIELDS = ("hours_min", "hours_max", "shifts", "start_date", "term_dates", "summer_only")


def status_item(runtime, token: str) -> dict | None:
    """The status item this token opens (submission id, teams, ...), or None when the link is unknown."""
    if not token or len(token) > 100:
        return None
    return runtime.applications.get_status(tokens.token_hash(token))


def load(runtime, token: str) -> StatusView | None:
    """The status of the submission this token opens, or None when the link is unknown (or everything was erased)."""
    item = status_item(runtime, token)
    if item is None:
        return None
    found = runtime.applications.get_many(list(item["application_ids"]), consistent=True)
    return StatusView(tokens.token_hash(token), item, sorted(found.values(), key=lambda a: a.rank))


def update_availability(runtime, view: StatusView, seen_versions: dict[str, int],
                        changes: dict, at: str) -> list[Application]:
    """Apply ``changes`` (availability fields only) to every open application, each guarded by the version seen.

    Returns the applications that changed meanwhile (a recruiter or the pipeline moved them): those keep
    their stored preferences, and the applicant is told to look again.
    """
    changes = {k: v for k, v in changes.items() if k in AVAILABILITY_FIELDS}
    conflicts = []
    for application in view.open_applications:
        seen = dataclasses.replace(application, version=seen_versions.get(application.id, application.version))
        preferences: Preferences = dataclasses.replace(application.preferences, **changes)
        try:
            runtime.applications.update_preferences(seen, preferences, at)
        except StageConflict:
            conflicts.append(application)
    return conflicts


def withdraw(runtime, view: StatusView, application_id: str, seen_version: int,
             at: str) -> Application | None:
    """Withdraw one application of this submission, as the applicant. None when the id is not one of theirs.

    Raises InvalidTransition when it can no longer be withdrawn, StageConflict when it changed since it was shown.
    """
    application = view.find(application_id)
    if application is None:
        return None
    seen = dataclasses.replace(application, version=seen_version)
    return move_stage(runtime.applications, seen, WITHDRAWN, by="applicant", at=at)


def attach_resume(runtime, view: StatusView, key: str, at: str) -> str:
    """Link a sealed copy of an uploaded résumé to the submission once its first bytes prove it a PDF or DOCX
    (resumes.ResumeStore.seal); returns its type.

    Only keys this portal made for this submission are accepted. A résumé uploaded before is replaced.
    Raises ResumeRefused (the object is deleted) otherwise.
    """
    if not belongs_to(key, view.submission_id):
        raise ResumeRefused("That upload is not one of yours. Choose your file and upload it again.")
    key, kind = runtime.resumes.seal(key)
    previous = view.item.get("resume_key") or ""
    runtime.applications.link_resume(view.token_hash, [a.id for a in view.applications], key, at)
    if previous and previous != key:
        runtime.resumes.delete(previous)
    return kind


def erase_everything(runtime, view: StatusView, at: str) -> None:
    """Delete the applications with their history, the status and submission items, the résumé and the self-ID
    answers, and keep an audit record of the erasure that holds no personal data (erasure.erase_submission, which
    the retention schedule uses too).
    """
    erasure.erase_submission(runtime, view.token_hash, view.item, at, erasure.APPLICANT)
