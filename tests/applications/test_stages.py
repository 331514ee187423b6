"""Stage moves on a table from infra/: the allowed path, required reasons, optimistic locking, queue index keys.

The rules are portal/applications/stages.py; the one conditional write is ApplicationRepository's."""
import pytest
from boto3.dynamodb.conditions import Key

from portal.applications.repository import ApplicationRepository
from portal.applications.services import submit_application
from portal.applications.stages import InvalidTransition, StageConflict, move_stage
from tests.factories import make_answers, make_posting

AT = "2026-11-23T10:00:00Z"


@pytest.fixture
def application(main_table, runtime, request):
    repo = ApplicationRepository(main_table)
    posting = make_posting(team="team-stages")
    result = submit_application(runtime, [posting], make_answers(), token=f"tok-{request.node.name}")
    return repo.get(result.application_ids[0])


def _in_index(table, index, pk_name, pk_value, application_id):
    items = table.query(IndexName=index, KeyConditionExpression=Key(pk_name).eq(pk_value))["Items"]
    return application_id in {i["id"] for i in items}


def test_a_move_writes_stage_version_reason_and_the_queue_keys(main_table, application):
    moved = move_stage(ApplicationRepository(main_table), application, "screened", by="pipeline", at=AT,
                       extra={"score": 80, "assignee": "r@example.com"})
    assert (moved.stage, moved.version, moved.moved_by, moved.score) == ("screened", 2, "pipeline", 80)
    assert _in_index(main_table, "gsi2", "gsi2pk", "TEAM#team-stages#STAGE#screened", application.id)
    assert not _in_index(main_table, "gsi2", "gsi2pk", "TEAM#team-stages#STAGE#applied", application.id)
    assert _in_index(main_table, "gsi3", "gsi3pk", "ASSIGNEE#r@example.com", application.id)
    assert _in_index(main_table, "gsi4", "gsi4pk", "TEAM#team-stages#FIT#screened", application.id)


def test_a_closing_move_leaves_the_working_queues(main_table, application):
    screened = move_stage(ApplicationRepository(main_table), application, "screened", by="pipeline", at=AT,
                          extra={"score": 55, "assignee": "r@example.com"})
    withdrawn = move_stage(ApplicationRepository(main_table), screened, "withdrawn", by="applicant", at=AT)
    assert withdrawn.stage == "withdrawn"
    assert not _in_index(main_table, "gsi3", "gsi3pk", "ASSIGNEE#r@example.com", application.id)
    assert not _in_index(main_table, "gsi4", "gsi4pk", "TEAM#team-stages#FIT#screened", application.id)
    assert _in_index(main_table, "gsi2", "gsi2pk", "TEAM#team-stages#STAGE#withdrawn", application.id)


@pytest.mark.parametrize("to_stage, reason", [("hired", ""), ("interview", ""), ("rejected", "  ")])
def test_moves_off_the_path_or_without_a_reason_are_refused(main_table, application, to_stage, reason):
    with pytest.raises(InvalidTransition):
        move_stage(ApplicationRepository(main_table), application, to_stage, by="r@example.com", at=AT, reason=reason)


def test_the_second_of_two_moves_from_the_same_version_gets_a_conflict_with_the_current_state(main_table, application):
    move_stage(ApplicationRepository(main_table), application, "screened", by="a@example.com", at=AT)
    with pytest.raises(StageConflict) as conflict:
        move_stage(ApplicationRepository(main_table), application, "rejected", by="b@example.com", at=AT, reason="No reply")
    assert conflict.value.current.stage == "screened"
    assert conflict.value.current.moved_by == "a@example.com"


def test_the_filter_indexes_follow_the_stage(main_table, application):
    moved = move_stage(ApplicationRepository(main_table), application, "screened", by="pipeline", at=AT, extra={"flags": ["veteran"]})
    team = "team-stages"
    assert _in_index(main_table, "gsi9", "gsi9pk", f"TEAM#{team}#STAGE#screened#SHIFT#day", moved.id)
    assert not _in_index(main_table, "gsi9", "gsi9pk", f"TEAM#{team}#STAGE#applied#SHIFT#day", moved.id)
    assert _in_index(main_table, "gsi14", "gsi14pk", f"TEAM#{team}#STAGE#screened#FLAG#veteran", moved.id)
    assert _in_index(main_table, "gsi5", "gsi5pk", f"POSTING#{moved.posting_id}#STAGE#screened", moved.id)


def test_assigning_keeps_the_stage_bumps_the_version_and_locks_like_a_move(main_table, application):
    assigned = ApplicationRepository(main_table).write_assignee(application, "r2@example.com", by="lead@example.com", at=AT)
    assert (assigned.stage, assigned.version, assigned.assignee) == ("applied", 2, "r2@example.com")
    assert _in_index(main_table, "gsi3", "gsi3pk", "ASSIGNEE#r2@example.com", application.id)
    with pytest.raises(StageConflict) as conflict:
        move_stage(ApplicationRepository(main_table), application, "screened", by="b@example.com", at=AT)
    assert conflict.value.current.assignee == "r2@example.com"
    unassigned = ApplicationRepository(main_table).write_assignee(assigned, None, by="lead@example.com", at=AT)
    assert not _in_index(main_table, "gsi3", "gsi3pk", "ASSIGNEE#r2@example.com", unassigned.id)
