"""Stage moves of an application: which transitions are allowed, and the one function that makes each.

Every change of stage, whoever makes it (a recruiter, the pipeline, the applicant withdrawing), goes through
``move_stage``: the rules here, then the repository's one conditional write (ApplicationRepository.write_stage).
The stream pipeline reacts to the resulting MODIFY record (history, counters, e-mail).
"""
from __future__ import annotations

from portal.applications.models import (
    APPLIED, HIRED, INTERVIEW, OFFER, ON_HOLD, REJECTED, SCREENED, STAGE_LABELS, WITHDRAWN, Application,
)
from portal.applications.repository import StageConflict
from portal.errors import FieldProblem

__all__ = ["ALLOWED_MOVES", "REASON_REQUIRED", "InvalidTransition", "StageConflict", "check_transition", "move_stage",
           "parse_version", "parse_versions"]


def parse_version(text: str | None) -> int | None:
    """The version a page showed, sent back in a form, or None. ASCII digits only: str.isdigit() also passes "²",
    which int() then refuses."""
    text = text or ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def parse_versions(pairs) -> dict[str, int]:
    """``<application id>:<version>`` pairs as pages send them back, by id; a pair without both is left out."""
    found = {}
    for pair in pairs:
        application_id, _, version = pair.partition(":")
        if application_id and (number := parse_version(version)) is not None:
            found[application_id] = number
    return found


ALLOWED_MOVES: dict[str, frozenset[str]] = {
    APPLIED: frozenset({SCREENED, ON_HOLD, REJECTED, WITHDRAWN}),
    SCREENED: frozenset({INTERVIEW, ON_HOLD, REJECTED, WITHDRAWN}),
    INTERVIEW: frozenset({OFFER, ON_HOLD, REJECTED, WITHDRAWN}),
    OFFER: frozenset({HIRED, REJECTED, WITHDRAWN}),
    ON_HOLD: frozenset({SCREENED, INTERVIEW, REJECTED, WITHDRAWN}),
    HIRED: frozenset(),
    REJECTED: frozenset(),
    WITHDRAWN: frozenset(),
}
REASON_REQUIRED = frozenset({REJECTED, ON_HOLD})


class InvalidTransition(FieldProblem):
    """The move is not on the allowed path (e.g. applied to hired: field ``to_stage``), or lacks a required
    reason (field ``reason``)."""


def check_transition(from_stage: str, to_stage: str, reason: str = "") -> None:
    if to_stage not in ALLOWED_MOVES.get(from_stage, frozenset()):
        raise InvalidTransition("to_stage", f"An application cannot move from {STAGE_LABELS.get(from_stage, from_stage)} "
                                            f"to {STAGE_LABELS.get(to_stage, to_stage)}.")
    if to_stage in REASON_REQUIRED and not reason.strip():
        raise InvalidTransition("reason", f"Give a reason for moving to {STAGE_LABELS.get(to_stage, to_stage)}.")


def move_stage(repo, application: Application, to_stage: str, by: str, at: str, reason: str = "",
               extra: dict | None = None) -> Application:
    """Move ``application`` (as the caller read it) to ``to_stage``; return the application as written.

    ``repo`` is the ApplicationRepository; ``by`` is an account e-mail, "pipeline" or "applicant"; ``at`` an ISO
    timestamp; ``extra`` sets further attributes in the same write. Raises InvalidTransition for a move off the
    path and StageConflict when the stored version is no longer the one the caller saw.
    """
    check_transition(application.stage, to_stage, reason)
    return repo.write_stage(application, to_stage, by, at, reason, extra)
