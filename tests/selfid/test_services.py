"""Self-ID answers recorded directly through the service on the moto stack: kept in their own table, counted
once per team of the submission, unanswered as declined, never twice."""
import pytest

from portal import keys
from portal.selfid.services import AlreadyAnswered, record_answers

AT = "2026-12-02T10:00:00Z"


def _counts(runtime, team: str) -> dict:
    return runtime.main_table.get_item(Key=keys.counters(f"EEO#{team}")).get("Item", {})


def test_answers_are_stored_apart_and_counted_once_for_each_team(runtime, stack):
    import boto3

    status = {"submission_id": "01SELFIDSVC1", "teams": ["svc-a", "svc-b"]}
    record_answers(runtime, status, {"veteran": "protected", "disability": "no"}, AT)
    stored = boto3.resource("dynamodb").Table(stack["SelfIdTableName"]).get_item(Key=keys.selfid("01SELFIDSVC1"))
    assert stored["Item"]["answers"] == {"veteran": "protected", "disability": "no"}
    for team in ("svc-a", "svc-b"):
        assert (_counts(runtime, team)["veteran:protected"], _counts(runtime, team)["disability:no"]) == (1, 1)
    with pytest.raises(AlreadyAnswered):
        record_answers(runtime, status, {"veteran": "not_protected"}, AT)
    assert _counts(runtime, "svc-a")["veteran:protected"] == 1 and "veteran:not_protected" not in _counts(runtime, "svc-a")


def test_unanswered_or_unknown_answers_count_as_declined(runtime):
    record_answers(runtime, {"submission_id": "01SELFIDSVC2", "teams": ["svc-c"]},
                   {"veteran": "<script>alert(1)</script>", "disability": None}, AT)
    assert _counts(runtime, "svc-c") | {"pk": "", "sk": ""} == {
        "pk": "", "sk": "", "entity": "counters", "veteran:declined": 1, "disability:declined": 1}
