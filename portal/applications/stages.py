"""Stage moves of an application: which transitions are allowed, and the one conditional write that makes each.

Every change of stage, whoever makes it (a recruiter, the pipeline, the applicant withdrawing), goes through
``move_stage``. It is a single UpdateItem guarded by the version the caller last saw (optimistic locking), and
it rewrites the index attributes of the new state in the same write, so queues never disagree with the stage.
The stream pipeline reacts to the resulting MODIFY record (history, counters, e-mail).
"""
from __future__ import annotations

import dataclasses

from botocore.exceptions import ClientError

from portal import keys
from portal.applications.models import (
    APPLIED, HIRED, INTERVIEW, OFFER, ON_HOLD, REJECTED, SCREENED, WITHDRAWN, Application,
)

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


class InvalidTransition(ValueError):
    """The move is not on the allowed path (e.g. applied to hired), or lacks a required reason."""


class StageConflict(Exception):
    """Someone else changed the application first; ``current`` is what it is now (None if it is gone)."""

    def __init__(self, current: Application | None):
        super().__init__("the application changed since it was read")
        self.current = current


def check_transition(from_stage: str, to_stage: str, reason: str = "") -> None:
    if to_stage not in ALLOWED_MOVES.get(from_stage, frozenset()):
        raise InvalidTransition(f"An application cannot move from {from_stage} to {to_stage}.")
    if to_stage in REASON_REQUIRED and not reason.strip():
        raise InvalidTransition(f"Moving an application to {to_stage} needs a reason.")


def application_index_keys(application: Application, stage: str, assignee: str | None, score: int | None) -> dict:
    """The queue and filter index attributes of ``application`` in this stage, for this assignee and score.

    The one place that hands an application's filter values (posting, state, hours, shifts, flags) to
    ``keys.application_queue_keys``, so a stage move, an assignment and the first write all agree.
    """
    return keys.application_queue_keys(
        application.team, stage, assignee, score, application.id,
        posting_id=application.posting_id, state=application.location.state,
        hours_max=application.preferences.hours_max, shifts=application.preferences.shifts, flags=application.flags,
    )


def move_stage(table, application: Application, to_stage: str, by: str, at: str, reason: str = "",
               extra: dict | None = None) -> Application:
    """Move ``application`` (as the caller read it) to ``to_stage``; return the application as written.

    ``by`` is an account e-mail, "pipeline" or "applicant"; ``at`` an ISO timestamp. ``extra`` sets further
    attributes in the same write (the pipeline's score, reasons, flags and assignee). Raises InvalidTransition
    for a move off the path and StageConflict when the stored version is no longer the one the caller saw.
    """
    check_transition(application.stage, to_stage, reason)
    extra = dict(extra or {})
    assignee = extra.get("assignee", application.assignee)
    score = extra.get("score", application.score)
    flagged = dataclasses.replace(application, flags=list(extra.get("flags", application.flags)))
    index_keys = application_index_keys(flagged, to_stage, assignee, score)
    values = {
        **extra,
        "stage": to_stage,
        "updated_at": at,
        "moved_by": by,
        "stage_reason": reason.strip(),
    }
    return _versioned_update(table, application, values, index_keys)


def assign_application(table, application: Application, assignee: str | None, by: str, at: str) -> Application:
    """Give ``application`` (as the caller read it) to ``assignee`` (an e-mail, or None to unassign), keeping its stage.

    The same optimistic lock as a stage move: it bumps the version, so a move and an assignment made from the
    same reading cannot both win. Raises StageConflict with the current state when the version changed.
    """
    index_keys = application_index_keys(application, application.stage, assignee, application.score)
    values = {"assignee": assignee, "updated_at": at, "assigned_by": by}
    return _versioned_update(table, application, values, index_keys)


def _versioned_update(table, application: Application, values: dict, index_keys: dict) -> Application:
    """One UpdateItem: set ``values`` and the index keys, REMOVE the index keys the new state lacks, bump the version."""
    values = {**values, **index_keys, "version": application.version + 1}
    names = {f"#a{i}": name for i, name in enumerate(values)}
    sets = ", ".join(f"#a{i} = :v{i}" for i in range(len(values)))
    removed = [name for name in keys.QUEUE_INDEX_ATTRIBUTES if name not in index_keys]
    names.update({f"#r{i}": name for i, name in enumerate(removed)})
    expression = f"SET {sets}" + (" REMOVE " + ", ".join(f"#r{i}" for i in range(len(removed))) if removed else "")
    names["#version"] = "version"
    try:
        resp = table.update_item(
            Key=keys.application(application.id),
            UpdateExpression=expression,
            ConditionExpression="attribute_exists(pk) AND #version = :expected",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={**{f":v{i}": v for i, v in enumerate(values.values())},
                                       ":expected": application.version},
            ReturnValues="ALL_NEW",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as exc:
        raise version_conflict(table, application.id, exc) from exc
    return Application.from_item(resp["Attributes"])


def version_conflict(table, application_id: str, exc: ClientError) -> StageConflict:
    """The StageConflict for a failed version condition, with the application as it is now; other errors re-raised.

    Every versioned write of an application (stage moves, assignment, the applicant's availability) ends here.
    """
    if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
        raise exc
    old = exc.response.get("Item")
    if old is not None:
        return StageConflict(Application.from_item(_plain(old)))
    # No item back: it is gone, or this DynamoDB ignores ReturnValuesOnConditionCheckFailure (dynalite
    # does). One consistent read tells which, so a conflict is never reported as a deletion.
    current = table.get_item(Key=keys.application(application_id), ConsistentRead=True).get("Item")
    return StageConflict(Application.from_item(current) if current else None)


def _plain(item: dict) -> dict:
    """The low-level item returned on a failed condition, as plain Python values."""
    from boto3.dynamodb.types import TypeDeserializer

    deserialize = TypeDeserializer().deserialize
    return {name: deserialize(value) for name, value in item.items()}
