"""What recruiters do to applications: view, move, assign, note, tag, rate, in bulk too; each written to the audit log.

Tags and rating are plain attribute updates that do not bump the version: they change neither the stage nor a
queue, so they must not make a colleague's stage move fail as a conflict, and the pipeline (which reacts to a new
version or stage) treats their MODIFY records as nothing to do. Notes are separate append-only items.
"""
from __future__ import annotations

import dataclasses
import re

from ulid import ULID

from portal import clock
from portal.accounts.models import Account
from portal.applications import access
from portal.applications.models import STAGE_LABELS, Application
from portal.applications.repository import ApplicationRepository
from portal.applications.stages import (
    ALLOWED_MOVES, REASON_REQUIRED, InvalidTransition, StageConflict, assign_application, move_stage,
)
from portal.audit import services as audit
from portal.audit.repository import AuditRepository

TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9 -]{0,29}$")
NOTE_MAX = 2000


class AnnotationError(ValueError):
    """A note, tag or rating that will not do; the message says why, for the field it belongs to."""


@dataclasses.dataclass
class ItemResult:
    """The outcome of a bulk action for one application, shown in a list after the action."""

    application_id: str
    name: str
    ok: bool
    message: str


def stage_label(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage)


def next_stages(application: Application) -> list[str]:
    """Where this application may go from here, in the order of the path."""
    order = list(STAGE_LABELS)
    return sorted(ALLOWED_MOVES.get(application.stage, ()), key=order.index)


def view(repo: ApplicationRepository, audit_repo: AuditRepository, account: Account, application_id: str) -> dict | None:
    """The application with its notes and stage history, or None (missing, or another team's). Logged as a view."""
    application = access.get_application_for(repo, account, application_id)
    if application is None:
        return None
    audit.record(audit_repo, account, "viewed", audit.application_subject(application.id))
    return {"application": application, "notes": repo.list_notes(application.id),
            "history": repo.list_history(application.id)}


def move(repo: ApplicationRepository, audit_repo: AuditRepository, account: Account, application: Application,
         to_stage: str, reason: str = "") -> Application:
    """Move through ``stages.move_stage`` (InvalidTransition / StageConflict reach the caller), then log it.

    A person's first move records when the application was first triaged (for the dashboard).
    """
    at = clock.iso(clock.now())
    moved = move_stage(repo.table, application, to_stage, by=account.email, at=at, reason=reason)
    repo.mark_triaged(application.id, at)
    audit.record(audit_repo, account, "moved", audit.application_subject(application.id),
                 f"{stage_label(application.stage)} → {stage_label(to_stage)}" + (f": {reason.strip()}" if reason.strip() else ""))
    return moved


def assign(repo: ApplicationRepository, audit_repo: AuditRepository, account: Account, application: Application,
           assignee: str | None) -> Application:
    assigned = assign_application(repo.table, application, assignee, by=account.email, at=clock.iso(clock.now()))
    audit.record(audit_repo, account, "assigned", audit.application_subject(application.id),
                 "unassigned" if not assignee else "assigned to a team member")
    return assigned


def add_note(repo: ApplicationRepository, audit_repo: AuditRepository, account: Account, application: Application,
             body: str) -> dict:
    body = (body or "").strip()
    if not body:
        raise AnnotationError("Write the note before adding it.")
    if len(body) > NOTE_MAX:
        raise AnnotationError(f"Keep a note to {NOTE_MAX} characters or fewer.")
    note = {"id": str(ULID()), "body": body, "by_account_id": account.id, "by_name": account.name,
            "at": clock.iso(clock.now())}
    repo.add_note(application.id, note)
    audit.record(audit_repo, account, "noted", audit.application_subject(application.id))
    return note


def parse_tags(text: str) -> set[str]:
    """Tags typed as a comma-separated list: lower case, letters, digits, spaces and hyphens, 30 characters each."""
    tags = {t.strip().lower() for t in (text or "").split(",") if t.strip()}
    if not tags:
        raise AnnotationError("Enter at least one tag, like night-ok or call-back.")
    bad = sorted(t for t in tags if not TAG_PATTERN.match(t))
    if bad:
        raise AnnotationError(f"Tags use letters, digits, spaces and hyphens, up to 30 characters: {', '.join(bad)}.")
    return tags


def tag(repo: ApplicationRepository, audit_repo: AuditRepository, account: Account, application: Application,
        add: set[str] = frozenset(), remove: set[str] = frozenset()) -> None:
    repo.change_tags(application.id, add=add, remove=remove)
    detail = ", ".join([f"+{t}" for t in sorted(add)] + [f"-{t}" for t in sorted(remove)])
    audit.record(audit_repo, account, "tagged", audit.application_subject(application.id), detail)


def parse_rating(text: str) -> int | None:
    if text in ("", None):
        return None
    try:
        rating = int(text)
    except ValueError:
        raise AnnotationError("Choose a rating from 1 to 5.") from None
    if not 1 <= rating <= 5:
        raise AnnotationError("Choose a rating from 1 to 5.")
    return rating


def rate(repo: ApplicationRepository, audit_repo: AuditRepository, account: Account, application: Application,
         rating: int | None) -> None:
    repo.set_rating(application.id, rating)
    audit.record(audit_repo, account, "rated", audit.application_subject(application.id),
                 f"{rating} of 5" if rating else "rating cleared")


def parse_selection(values: list[str]) -> dict[str, int]:
    """Bulk selections arrive as ``<id>:<version>``: the version each row showed, so bulk moves lock like single ones."""
    selected = {}
    for value in values:
        application_id, _, version = value.partition(":")
        if application_id and version.isdigit():
            selected[application_id] = int(version)
    return selected


def bulk(repo: ApplicationRepository, audit_repo: AuditRepository, account: Account, selected: dict[str, int],
         action: str, *, to_stage: str = "", reason: str = "", assignee: str | None = None,
         tags: set[str] = frozenset()) -> list[ItemResult]:
    """Apply one action to each selected application; never stop at the first failure; report each item.

    ``action`` is "move" (to ``to_stage``, with ``reason`` when needed), "reject" (with ``reason``), "assign"
    (to ``assignee``) or "tag" (add ``tags``). Another team's id is reported as not found, like a wrong id.
    """
    if action == "reject":
        action, to_stage = "move", "rejected"
    if action == "move" and to_stage in REASON_REQUIRED and not reason.strip():
        raise AnnotationError(f"Give a reason for moving to {stage_label(to_stage)}.")
    found = repo.get_many(list(selected))
    results = []
    for application_id, version in selected.items():
        application = found.get(application_id)
        if application is None or not access.can_see(account, application):
            results.append(ItemResult(application_id, "", False, "Not found: it may have been erased."))
            continue
        name = application.contact.name
        if action != "tag" and application.version != version:
            results.append(ItemResult(application_id, name, False,
                                      f"Not changed: someone else changed it first. It is now {application.stage_label}."))
            continue
        try:
            if action == "move":
                moved = move(repo, audit_repo, account, application, to_stage, reason)
                results.append(ItemResult(application_id, name, True, f"Moved to {moved.stage_label}."))
            elif action == "assign":
                assign(repo, audit_repo, account, application, assignee)
                results.append(ItemResult(application_id, name, True, "Assigned." if assignee else "Unassigned."))
            elif action == "tag":
                tag(repo, audit_repo, account, application, add=tags)
                results.append(ItemResult(application_id, name, True, f"Tagged {', '.join(sorted(tags))}."))
            else:
                raise AnnotationError("Choose an action.")
        except InvalidTransition:
            results.append(ItemResult(application_id, name, False,
                                      f"Not moved: {application.stage_label} cannot go to {stage_label(to_stage)}."))
        except StageConflict as conflict:
            now = conflict.current.stage_label if conflict.current else "gone"
            results.append(ItemResult(application_id, name, False,
                                      f"Not changed: someone else changed it first. It is now {now}."))
    return results
