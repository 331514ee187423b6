"""The retention schedule on a table from infra/: what is due goes with its résumé and index entries, the rest
stays, an application moved back is kept, and a second, concurrent or interrupted run is safe. Time moves through
portal.clock; no test sleeps."""
import dataclasses
import datetime
import uuid

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from portal import clock, keys
from portal.applications import retention, status
from portal.applications.resumes import sealed_key
from portal.applications.services import submit_application
from portal.applications.stages import StageConflict, move_stage
from portal.settings import Settings
from tests.factories import make_answers, make_posting
from tests.helpers import with_settings

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # the run; with 24 months the cut-off is 2024-11-23T10:00Z
APPLIED_AT = datetime.datetime(2024, 9, 2, 9, 0, tzinfo=UTC)
LONG_AGO = "2024-10-01T12:00:00Z"  # ended 25 months before the run: due
RECENTLY = "2024-12-01T12:00:00Z"  # ended 23 months before: not yet
PDF = b"%PDF-1.7\n" + b"x" * 200


@pytest.fixture
def moment(monkeypatch):
    """The clock; ``moment.now = ...`` moves it."""

    class Moment:
        now = NOW

    monkeypatch.setattr(clock, "now", lambda: Moment.now)
    return Moment


@pytest.fixture
def run(runtime, moment):
    """run(when=NOW) -> a retention run at that time. Every test starts with nothing ended left by another test of
    the module (a run ten years on), and with the clock at the time its applicants apply."""

    def run_at(when=NOW, **kwargs):
        moment.now = when
        return retention.erase_expired(runtime, **kwargs)

    run_at(NOW.replace(year=NOW.year + 10))
    moment.now = APPLIED_AT
    return run_at


def submit(runtime, *teams, resume=False):
    """A submission to one posting per team, optionally with a résumé and self-ID answers; returns
    (status item, applications in the applicant's order)."""
    resume_key = ""
    if resume:
        resume_key = sealed_key(f"resumes/uploads/{uuid.uuid4().hex[:26].upper()}")
        runtime.resumes.s3.put_object(Bucket=runtime.settings.resume_bucket, Key=resume_key, Body=PDF)
    postings = [make_posting(team=team) for team in teams]
    result = submit_application(runtime, postings, make_answers(), token=f"tok-{uuid.uuid4().hex}",
                                resume_key=resume_key)
    item = status.status_item(runtime, result.status_token)
    runtime.selfid.record(result.reference, {"veteran": "declined"}, ["veteran:declined"], sorted(set(teams)),
                          clock.iso(clock.now()))
    found = runtime.applications.get_many(result.application_ids, consistent=True)
    return item, [found[i] for i in result.application_ids]


def end(runtime, application, stage, at):
    """Screen it, then reject it (or the applicant withdraws it) at ``at``."""
    screened = move_stage(runtime.applications, application, "screened", by="pipeline", at=at)
    if stage == "rejected":
        return move_stage(runtime.applications, screened, "rejected", by="r@example.com", at=at, reason="Not a fit")
    return move_stage(runtime.applications, screened, "withdrawn", by="applicant", at=at)


def items_of(runtime, application_id):
    return runtime.main_table.query(KeyConditionExpression=Key("pk").eq(f"APP#{application_id}"),
                                    ConsistentRead=True)["Items"]


def in_retention_index(runtime, application_id) -> bool:
    items = runtime.main_table.query(IndexName="gsi3",
                                     KeyConditionExpression=Key("gsi3pk").eq(keys.RETENTION_PARTITION))["Items"]
    return application_id in {i["id"] for i in items}


def resume_exists(runtime, key) -> bool:
    found = runtime.resumes.s3.list_objects_v2(Bucket=runtime.settings.resume_bucket, Prefix=key)
    return found.get("KeyCount", 0) > 0


def selfid_exists(runtime, stack, submission_id) -> bool:
    table = boto3.resource("dynamodb").Table(stack["SelfIdTableName"])
    return "Item" in table.get_item(Key=keys.selfid(submission_id), ConsistentRead=True)


def resumes_left(runtime):
    return runtime.applications.resumes_erasing()


def test_the_cutoff_is_calendar_months_before_the_run():
    assert retention.months_before(NOW, 24) == datetime.datetime(2024, 11, 23, 10, 0, tzinfo=UTC)
    assert retention.months_before(datetime.datetime(2026, 3, 31, tzinfo=UTC), 1) == \
        datetime.datetime(2026, 2, 28, tzinfo=UTC)
    assert retention.months_before(datetime.datetime(2026, 1, 15, tzinfo=UTC), 13) == \
        datetime.datetime(2024, 12, 15, tzinfo=UTC)


def test_a_move_to_rejected_or_withdrawn_enters_the_retention_index_with_when(runtime, run):
    _, [rejected, withdrawn] = submit(runtime, "rt-index", "rt-index")
    rejected = end(runtime, rejected, "rejected", LONG_AGO)
    withdrawn = end(runtime, withdrawn, "withdrawn", RECENTLY)
    assert (rejected.ended_at, withdrawn.ended_at) == (LONG_AGO, RECENTLY)
    stored = runtime.main_table.get_item(Key=keys.application(rejected.id))["Item"]
    assert (stored["gsi3pk"], stored["gsi3sk"]) == (keys.RETENTION_PARTITION, f"{LONG_AGO}#{rejected.id}")
    due = runtime.applications.ended_before("2024-11-23T10:00:00Z", 100).items
    assert rejected.id in {a.id for a in due} and withdrawn.id not in {a.id for a in due}


def test_rejected_and_withdrawn_applications_past_the_period_go_with_resume_self_id_and_index(runtime, run, stack):
    rejected_item, [rejected] = submit(runtime, "rt-due", resume=True)
    withdrawn_item, [withdrawn] = submit(runtime, "rt-due")
    end(runtime, rejected, "rejected", LONG_AGO)
    end(runtime, withdrawn, "withdrawn", LONG_AGO)
    runtime.applications.add_note(rejected.id, {"id": "01NOTE0000000000000000000R", "body": "Called them."})
    runtime.main_table.put_item(Item={**keys.application_history(rejected.id, 3), "entity": "application_history"})
    resume_key = rejected_item["resume_key"]
    assert resume_exists(runtime, resume_key)

    result = run()

    assert result.erased == 2 and result.failed == 0 and not result.more
    for item, application in ((rejected_item, rejected), (withdrawn_item, withdrawn)):
        assert items_of(runtime, application.id) == [], "the record, its history and its notes"
        assert not in_retention_index(runtime, application.id)
        assert runtime.applications.get_status(item["pk"].split("#", 1)[1]) is None, "the status page"
        assert runtime.applications.get_submission(item["submission_token"]) is None
        assert not selfid_exists(runtime, stack, item["submission_id"])
    assert not resume_exists(runtime, resume_key)
    assert resumes_left(runtime) == []
    audit = runtime.main_table.get_item(Key=keys.erasure_audit("2026-11", rejected_item["submission_id"]))["Item"]
    assert (audit["requested_by"], int(audit["application_count"]), audit["resume_deleted"], audit["erased_at"]) == \
        ("retention", 1, True, clock.iso(NOW))
    assert rejected_item["contact_email"] not in str(audit) and resume_key not in str(audit)


def test_younger_ones_and_other_stages_are_kept(runtime, run, stack):
    _, [young] = submit(runtime, "rt-keep")
    _, [open_one] = submit(runtime, "rt-keep")
    hired_item, [hired] = submit(runtime, "rt-keep", resume=True)
    young = end(runtime, young, "rejected", RECENTLY)
    open_one = move_stage(runtime.applications, open_one, "screened", by="pipeline", at=LONG_AGO)
    for stage in ("screened", "interview", "offer", "hired"):
        hired = move_stage(runtime.applications, hired, stage, by="r@example.com", at=LONG_AGO)

    assert run().erased == 0

    for application in (young, open_one, hired):
        assert runtime.applications.get(application.id).version == application.version
    assert resume_exists(runtime, hired_item["resume_key"])
    assert selfid_exists(runtime, stack, hired_item["submission_id"])
    # Its time comes: a month later the young one is due, and only it.
    later = run(NOW + datetime.timedelta(days=31))
    assert later.erased == 1 and runtime.applications.get(young.id) is None
    assert runtime.applications.get(hired.id) is not None


def test_one_application_of_a_submission_goes_while_the_others_keep_the_resume_and_the_status_page(runtime, run,
                                                                                                  stack):
    item, [rejected, hired] = submit(runtime, "rt-part", "rt-part", resume=True)
    end(runtime, rejected, "rejected", LONG_AGO)
    for stage in ("screened", "interview", "offer", "hired"):
        hired = move_stage(runtime.applications, hired, stage, by="r@example.com", at=LONG_AGO)

    assert run().erased == 1

    assert items_of(runtime, rejected.id) == []
    assert runtime.applications.get(hired.id).stage == "hired"
    assert resume_exists(runtime, item["resume_key"]) and resumes_left(runtime) == []
    assert selfid_exists(runtime, stack, item["submission_id"])
    assert runtime.applications.get_submission(item["submission_token"]) is not None
    audit = runtime.main_table.get_item(
        Key=keys.erasure_audit("2026-11", item["submission_id"], rejected.id))["Item"]
    assert (audit["requested_by"], int(audit["application_count"]), audit["resume_deleted"]) == ("retention", 1, False)


def test_the_last_application_of_a_submission_takes_the_resume_and_status_page_with_it(runtime, run, stack):
    item, [first, second] = submit(runtime, "rt-last", "rt-last", resume=True)
    end(runtime, first, "rejected", LONG_AGO)
    end(runtime, second, "withdrawn", RECENTLY)
    assert run().erased == 1
    assert resume_exists(runtime, item["resume_key"]), "the withdrawn one still holds it"

    assert run(NOW + datetime.timedelta(days=40)).erased == 1

    assert items_of(runtime, second.id) == []
    assert not resume_exists(runtime, item["resume_key"])
    assert not selfid_exists(runtime, stack, item["submission_id"])
    assert runtime.applications.get_submission(item["submission_token"]) is None


def test_an_application_moved_back_out_of_rejected_before_the_run_is_kept(runtime, run):
    item, [application] = submit(runtime, "rt-back", resume=True)
    rejected = end(runtime, application, "rejected", LONG_AGO)
    # No named move leads out of rejected today; the write a future "reopen" would make is the repository's.
    reopened = runtime.applications.write_stage(rejected, "screened", "r@example.com", RECENTLY, "Reopened")
    assert reopened.ended_at == "" and not in_retention_index(runtime, application.id)

    assert run().erased == 0

    assert runtime.applications.get(application.id).stage == "screened"
    assert resume_exists(runtime, item["resume_key"])


def test_one_changed_between_the_index_and_the_erasure_is_kept(runtime, run, monkeypatch):
    """The index is eventually consistent and a run is not atomic: an application seen due, then changed, stays."""
    item, [application] = submit(runtime, "rt-race", resume=True)
    seen = end(runtime, application, "rejected", LONG_AGO)
    bumped = runtime.applications.write_assignee(seen, "r2@example.com", "r@example.com", RECENTLY)

    # Its guard is the version read: the erasure of what was seen fails as a whole and deletes nothing.
    with pytest.raises(StageConflict):
        runtime.applications.erase(runtime.applications.item_keys_of(seen.id), [], guards=(seen,))
    assert runtime.applications.get(seen.id).version == bumped.version

    # The run reads the submission again before it erases: the stale index entry alone erases nothing.
    real_read = runtime.applications.get_many
    moved_back = {}

    def moved_meanwhile(ids, consistent=False):
        if not moved_back:
            moved_back["now"] = runtime.applications.write_stage(bumped, "screened", "r@example.com", RECENTLY)
        return real_read(ids, consistent=consistent)

    monkeypatch.setattr(runtime.applications, "get_many", moved_meanwhile)
    assert run().erased == 0
    assert runtime.applications.get(seen.id).stage == "screened"
    assert resume_exists(runtime, item["resume_key"])


def test_a_second_run_erases_nothing_more_and_does_not_fail(runtime, run):
    _, [application] = submit(runtime, "rt-again")
    end(runtime, application, "withdrawn", LONG_AGO)
    first = run()
    assert first.erased == 1
    again = run()
    assert (again.erased, again.failed) == (0, 0)
    # Two runs over the same candidate (as two overlapping schedules would be): the second finds it gone.
    _, [other] = submit(runtime, "rt-again")
    candidate = end(runtime, other, "rejected", LONG_AGO)
    cutoff = clock.iso(retention.months_before(NOW, 24))
    assert retention._erase_due_of(runtime, candidate, cutoff, clock.iso(NOW)) == 1
    assert retention._erase_due_of(runtime, candidate, cutoff, clock.iso(NOW)) == 0


def test_a_run_interrupted_before_the_resume_was_deleted_is_finished_by_the_next(runtime, run, monkeypatch):
    item, [application] = submit(runtime, "rt-crash", resume=True)
    end(runtime, application, "rejected", LONG_AGO)
    real_delete = runtime.resumes.delete

    def s3_down(key):
        raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "down"}}, "DeleteObject")

    monkeypatch.setattr(runtime.resumes, "delete", s3_down)
    assert run().erased == 1
    assert items_of(runtime, application.id) == []
    assert resume_exists(runtime, item["resume_key"]) and resumes_left(runtime) == [item["resume_key"]]

    monkeypatch.setattr(runtime.resumes, "delete", real_delete)
    assert run().erased == 0
    assert not resume_exists(runtime, item["resume_key"]) and resumes_left(runtime) == []


def test_a_run_stops_at_its_limit_and_the_next_carries_on(runtime, run):
    for _ in range(3):
        _, [application] = submit(runtime, "rt-limit")
        end(runtime, application, "rejected", LONG_AGO)
    first = run(limit=2)
    assert (first.erased, first.more) == (2, True)
    second = run()
    assert (second.erased, second.more) == (1, False)


def test_the_last_run_is_recorded_with_its_time_and_count(runtime, run):
    runtime.main_table.delete_item(Key=keys.retention_run())  # the fixture's run, ten years on, is newer
    assert retention.last_run(runtime) is None
    _, [application] = submit(runtime, "rt-record")
    end(runtime, application, "withdrawn", LONG_AGO)
    done = run()
    last = retention.last_run(runtime)
    assert last == done
    assert (last.ran_at, last.erased, last.cutoff, last.retention_months) == \
        ("2026-11-23T10:00:00Z", 1, "2024-11-23T10:00:00Z", 24)
    # A run that started earlier but finished later does not hide the newer record.
    runtime.applications.record_retention_run({**dataclasses.asdict(done), "ran_at": "2026-11-23T09:00:00Z",
                                               "erased": 7})
    assert retention.last_run(runtime).erased == 1


def test_the_cli_command_runs_the_schedule(runtime, run, runner, moment):
    _, [application] = submit(runtime, "rt-cli")
    end(runtime, application, "rejected", LONG_AGO)
    moment.now = NOW
    result = runner.invoke(args=["applications", "erase-expired"])
    assert result.exit_code == 0, result.output
    assert "Erased 1 applications rejected or withdrawn before 2024-11-23T10:00:00Z (24 months)." in result.output
    assert runtime.applications.get(application.id) is None
    again = runner.invoke(args=["applications", "erase-expired"])
    assert again.exit_code == 0 and "Erased 0 applications" in again.output


def test_the_period_is_the_retention_months_setting_which_the_environment_overrides(runtime, run, moment):
    assert Settings.load(environ={"PORTAL_RETENTION_MONTHS": "6"}).retention_months == 6
    _, [application] = submit(runtime, "rt-setting")
    end(runtime, application, "rejected", RECENTLY)
    moment.now = NOW
    assert retention.erase_expired(with_settings(runtime, retention_months=24)).erased == 0
    shorter = retention.erase_expired(with_settings(runtime, retention_months=6))
    assert (shorter.erased, shorter.retention_months, shorter.cutoff) == (1, 6, "2026-05-23T10:00:00Z")
