"""What recruiters do to applications: view, move, assign, note, tag, rate, in bulk too; each written to the audit log.

Every action takes the application as the recruiter saw it (its version included): stage moves and assignments are
guarded by that version in the write itself, so the loser of a race gets StageConflict with the current state.
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
from portal.applications.stages import (
    ALLOWED_MOVES, REASON_REQUIRED, InvalidTransition, StageConflict, move_stage, parse_versions,
)
from portal.audit import services as audit
from portal.errors import FieldProblem

TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9 -]{0,29}$")
NOTE_MAX = 2000
BULK_MAX = 200  # rows a queue page can select at once, with room to spare


class AnnotationError(FieldProblem):
    """A note, tag, rating, assignee or bulk choice that will not do; the message is for the field it names."""


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


def _subject(application: Application) -> str:
    return audit.application_subject(application.id)


def view(runtime, account: Account, application_id: str) -> dict | None:
    """The application with its notes and stage history, or None (missing, or another team's). Logged as a view."""
    application = access.application_for(runtime, account, application_id)
    if application is None:
        return None
    audit.record(runtime, account, "viewed", _subject(application))
    repo = runtime.applications
    return {"application": application, "notes": repo.list_notes(application.id),
            "history": repo.list_history(application.id)}


def move(runtime, account: Account, application: Application, to_stage: str, reason: str = "") -> Application:
    """Move through ``stages.move_stage`` (InvalidTransition / StageConflict reach the caller), then log it.

    A person's first move records when the application was first triaged (for the dashboard).
    """
    at = clock.iso(clock.now())
    moved = move_stage(runtime.applications, application, to_stage, by=account.email, at=at, reason=reason)
    runtime.applications.mark_triaged(application.id, at)
    audit.record(runtime, account, "moved", _subject(application),
                 f"{stage_label(application.stage)} → {stage_label(to_stage)}" + (f": {reason.strip()}" if reason.strip() else ""))
    return moved


def assign(runtime, account: Account, application: Application, assignee: str | None) -> Application:
    """Give the application to a member of its own team (None: nobody); anyone else is refused at the field."""
    if assignee and assignee.lower() not in {m["email"] for m in access.team_members(runtime, application.team)}:
        raise AnnotationError("assignee", "Choose someone in this application's team.")
    assigned = runtime.applications.write_assignee(application, assignee or None, by=account.email,
                                                   at=clock.iso(clock.now()))
    audit.record(runtime, account, "assigned", _subject(application),
                 "unassigned" if not assignee else "assigned to a team member")
    return assigned


def add_note(runtime, account: Account, application: Application, body: str) -> dict:
    body = (body or "").strip()
    if not body:
        raise AnnotationError("body", "Write the note before adding it.")
    if len(body) > NOTE_MAX:
        raise AnnotationError("body", f"Keep a note to {NOTE_MAX} characters or fewer.")
    note = {"id": str(ULID()), "body": body, "by_account_id": account.id, "by_name": account.name,
            "at": clock.iso(clock.now())}
    runtime.applications.add_note(application.id, note)
    audit.record(runtime, account, "noted", _subject(application))
    return note


def parse_tags(text: str) -> set[str]:
    """Tags typed as a comma-separated list: lower case, letters, digits, spaces and hyphens, 30 characters each."""
    tags = {t.strip().lower() for t in (text or "").split(",") if t.strip()}
    if not tags:
        raise AnnotationError("tags", "Enter at least one tag, like night-ok or call-back.")
    bad = sorted(t for t in tags if not TAG_PATTERN.match(t))
    if bad:
        raise AnnotationError("tags", f"Tags use letters, digits, spaces and hyphens, up to 30 characters: {', '.join(bad)}.")
    return tags


def tag(runtime, account: Account, application: Application, add: set[str] = frozenset(),
        remove: set[str] = frozenset()) -> None:
    runtime.applications.change_tags(application.id, add=add, remove=remove)
    detail = ", ".join([f"+{t}" for t in sorted(add)] + [f"-{t}" for t in sorted(remove)])
    audit.record(runtime, account, "tagged", _subject(application), detail)


def parse_rating(text: str) -> int | None:
    if text in ("", None):
        return None
    try:
        rating = int(text)
    except ValueError:
        raise AnnotationError("rating", "Choose a rating from 1 to 5.") from None
    if not 1 <= rating <= 5:
        raise AnnotationError("rating", "Choose a rating from 1 to 5.")
    return rating


def rate(runtime, account: Account, application: Application, rating: int | None) -> None:
    runtime.applications.set_rating(application.id, rating)
    audit.record(runtime, account, "rated", _subject(application), f"{rating} of 5" if rating else "rating cleared")


def parse_selection(values: list[str]) -> dict[str, int]:
    """Bulk selections arrive as ``<id>:<version>``: the version each row showed, so bulk moves lock like single ones."""
    selected = parse_versions(values)
    if len(selected) > BULK_MAX:
        raise AnnotationError("selected", f"Choose at most {BULK_MAX} applications at a time.")
    return selected


def bulk(runtime, account: Account, team_id: str, selected: dict[str, int], action: str, *, to_stage: str = "",
         reason: str = "", assignee: str | None = None, tags_text: str = "") -> list[ItemResult]:
    """Apply one action to each selected application of the team's queue; never stop at the first failure; report each.

    ``action`` is "move" (to ``to_stage``, with ``reason`` when needed), "reject" (with ``reason``), "assign"
    (to ``assignee``) or "tag" (add the tags in ``tags_text``). An application of another team, even one the
    account may see, is reported as not found, like a wrong id: a queue's bulk action acts on that queue only.
    Raises AnnotationError for a choice that no item could take (no reason, bad tags, a stranger as assignee).
    """
    if action == "reject":
        action, to_stage = "move", "rejected"
    if action not in ("move", "assign", "tag"):
        raise AnnotationError("action", "Choose an action.")
    tags = parse_tags(tags_text) if action == "tag" else set()
    if action == "move" and to_stage not in STAGE_LABELS:
        raise AnnotationError("to_stage", "Choose a stage.")
    if action == "move" and to_stage in REASON_REQUIRED and not reason.strip():
        raise AnnotationError("reason", f"Give a reason for moving to {stage_label(to_stage)}.")
    if action == "assign" and assignee and assignee.lower() not in {m["email"] for m in access.team_members(runtime, team_id)}:
        raise AnnotationError("assignee", "Choose someone in this team.")
    found = runtime.applications.get_many(list(selected))
    results = []
    for application_id, version in selected.items():
        application = found.get(application_id)
        if application is None or application.team != team_id or not access.can_see(account, application):
            results.append(ItemResult(application_id, "", False, "Not found: it may have been erased."))
            continue
        name = application.contact.name
        if action != "tag" and application.version != version:
            # Checked before acting, so the message is about the change, not about the stage it led to; the write
            # below is guarded by the same version, for a change made after this read.
            results.append(ItemResult(application_id, name, False,
                                      f"Not changed: someone else changed it first. It is now {application.stage_label}."))
            continue
        seen = dataclasses.replace(application, version=version)
        try:
            if action == "move":
                moved = move(runtime, account, seen, to_stage, reason)
                results.append(ItemResult(application_id, name, True, f"Moved to {moved.stage_label}."))
            elif action == "assign":
                assign(runtime, account, seen, assignee)
                results.append(ItemResult(application_id, name, True, "Assigned." if assignee else "Unassigned."))
            else:
                tag(runtime, account, application, add=tags)
                results.append(ItemResult(application_id, name, True, f"Tagged {', '.join(sorted(tags))}."))
        except InvalidTransition:
            results.append(ItemResult(application_id, name, False,
                                      f"Not moved: {application.stage_label} cannot go to {stage_label(to_stage)}."))
        except StageConflict as conflict:
            now = conflict.current.stage_label if conflict.current else "gone"
            results.append(ItemResult(application_id, name, False,
                                      f"Not changed: someone else changed it first. It is now {now}."))
    return results
