"""Stage moves, withdrawals, reassignment and erasure (MODIFY and REMOVE records), confirmation e-mails and postings."""
import copy
import datetime

import pytest
from boto3.dynamodb.conditions import Key

from portal import keys
from portal.accounts.repository import AccountRepository
from portal.applications.models import Application
from portal.applications.stages import move_stage
from portal.applications.tokens import status_token, token_hash
from portal.pipeline.repository import PipelineRepository
from portal.postings.repository import PostingRepository
from tests.factories import make_answers
from tests.helpers import sent_mail

AT = "2026-11-23T11:00:00Z"


def _application(table, application_id) -> Application:
    return Application.from_item(table.get_item(Key=keys.application(application_id), ConsistentRead=True)["Item"])


def _counters(table, scope):
    return PipelineRepository(table, 0).counters(scope)


def _load(table, team):
    return {m["email"]: int(m["open_count"]) for m in AccountRepository(table).list_members(team) if m.get("active")}


@pytest.fixture
def screened(main_table, stream, handle, posting, recruiters, submit):
    """One application, screened and routed by the pipeline; returns it with the applicant's answers."""
    answers = make_answers()
    [application_id] = submit([posting], answers)
    handle(stream.event())
    handle(stream.event())  # the screening's own MODIFY: nothing more to do
    return _application(main_table, application_id), answers


def test_a_stage_move_is_recorded_in_history_counted_and_mailed_once(runtime, main_table, stream, handle, posting, screened,
                                                                     team):
    application, answers = screened
    moved = move_stage(runtime.applications, application, "interview", by="ana@example.com", at=AT)
    event = stream.event()
    assert handle(event) == {"batchItemFailures": []}
    assert handle(copy.deepcopy(event)) == {"batchItemFailures": []}

    history = main_table.query(KeyConditionExpression=Key("pk").eq(f"APP#{application.id}")
                               & Key("sk").begins_with(keys.HISTORY_PREFIX), ConsistentRead=True)["Items"]
    assert [(h["from_stage"], h["to_stage"], h["by"]) for h in history] == [
        ("", "applied", "applicant"), ("applied", "screened", "pipeline"), ("screened", "interview", "ana@example.com")]
    assert history[-1]["sk"] == keys.application_history(application.id, moved.version)["sk"]
    assert _counters(main_table, f"POSTING#{posting.id}") == {
        "total": 1, "stage_applied": 0, "stage_screened": 0, "stage_interview": 1}
    mail = sent_mail(answers.contact.email)
    assert len(mail) == 1
    assert posting.title in mail[0].subject and "interview" in mail[0].subject.lower()
    token = status_token("test-secret", application.submission_id)
    assert f"http://127.0.0.1:5000/applications/{token}" in mail[0].body


def test_a_withdrawal_leaves_the_queue_adjusts_the_load_and_confirms(runtime, main_table, stream, handle, posting, screened,
                                                                     team):
    application, answers = screened
    assert _load(main_table, team)[application.assignee] == 1
    move_stage(runtime.applications, application, "withdrawn", by="applicant", at=AT)
    handle(stream.event())
    assert _load(main_table, team)[application.assignee] == 0
    assert _counters(main_table, f"MEMBER#{team}#{application.assignee}") == {
        "total": 1, "stage_screened": 0, "stage_withdrawn": 1}
    [mail] = sent_mail(answers.contact.email)
    assert "withdrew" in mail.subject


def test_an_applicant_who_withdrew_and_then_erased_everything_gets_no_withdrawal_mail(runtime, main_table, stream, handle,
                                                                                       screened):
    application, answers = screened
    move_stage(runtime.applications, application, "withdrawn", by="applicant", at=AT)
    main_table.delete_item(Key=keys.application(application.id))  # erased before the pipeline saw the withdrawal
    assert handle(stream.event()) == {"batchItemFailures": []}
    assert sent_mail(answers.contact.email) == []


def test_a_reassignment_moves_the_load_without_a_history_entry(main_table, stream, handle, screened, recruiters, team):
    application, _ = screened
    other = next(r for r in recruiters if r != application.assignee)
    main_table.update_item(Key=keys.application(application.id), UpdateExpression="SET assignee = :a",
                           ExpressionAttributeValues={":a": other})
    event = stream.event()
    handle(event)
    handle(event)
    assert _load(main_table, team) == {application.assignee: 0, other: 1}
    assert _counters(main_table, f"MEMBER#{team}#{other}") == {"total": 1, "stage_screened": 1}
    history = main_table.query(KeyConditionExpression=Key("pk").eq(f"APP#{application.id}")
                               & Key("sk").begins_with(keys.HISTORY_PREFIX))["Items"]
    assert len(history) == 2


def test_an_erasure_takes_the_application_off_the_counters_and_the_load(main_table, stream, handle, posting,
                                                                        screened, team):
    application, _ = screened
    main_table.delete_item(Key=keys.application(application.id))
    event = stream.event()
    assert handle(event) == {"batchItemFailures": []}
    handle(event)
    assert _load(main_table, team)[application.assignee] == 0
    assert _counters(main_table, f"POSTING#{posting.id}") == {"total": 0, "stage_applied": 0, "stage_screened": 0}


def test_a_status_item_sends_the_confirmation_with_the_status_link_once(app, main_table, stream, handle):
    submission_id = "01SUBMISSIONCONFIRM0000001"
    token = status_token(app.config["SECRET_KEY"], submission_id)
    main_table.put_item(Item={
        **keys.status(token_hash(token)), "entity": "status", "submission_id": submission_id,
        "reference": "FX-7Q2K", "application_ids": ["a1", "a2"], "contact_name": "Dana Ortiz",
        "contact_email": "dana.ortiz@example.com", "posting_titles": ["Picker", "Packer"],
        "created_at": AT,
    })
    event = stream.event()
    handle(event)
    handle(event)
    [mail] = sent_mail("dana.ortiz@example.com")
    assert "FX-7Q2K" in mail.subject
    assert f"http://127.0.0.1:5000/applications/{token}" in mail.body
    assert "Picker" in mail.body and "Packer" in mail.body and "Dana Ortiz" in mail.body


def test_a_failed_send_is_given_back_and_sent_on_the_retry(app, main_table, stream, handle, monkeypatch):
    from portal import mail

    submission_id = "01SUBMISSIONRETRY000000001"
    main_table.put_item(Item={**keys.status(token_hash("x")), "entity": "status", "submission_id": submission_id,
                              "reference": "FX-RETRY", "application_ids": [], "contact_name": "Lee",
                              "contact_email": "lee.retry@example.com", "posting_titles": ["Picker"],
                              "created_at": AT})
    event = stream.event()

    def refuse(self, *args, **kwargs):
        raise RuntimeError("SES is down")

    with monkeypatch.context() as patch:
        patch.setattr(mail.Mailer, "send", refuse)
        assert len(handle(event)["batchItemFailures"]) == 1
    assert sent_mail("lee.retry@example.com") == []
    assert handle(event) == {"batchItemFailures": []}
    assert len(sent_mail("lee.retry@example.com")) == 1


def test_posting_changes_publish_that_posting_and_bookkeeping_does_not(app, main_table, stream, handle, posting,
                                                                       monkeypatch):
    from portal.pipeline.services import Pipeline

    published = []
    monkeypatch.setattr(Pipeline, "publish_posting", lambda self, posting_id: published.append(posting_id))
    repo = PostingRepository(main_table)
    stream.records()  # the posting's first INSERT, written after the stream fixture started reading
    main_table.update_item(Key=keys.posting(posting.id), UpdateExpression="SET updated_at = :u",
                           ExpressionAttributeValues={":u": AT})
    handle(stream.event())
    assert published == []
    posting.status = "closed"
    repo.put(posting)
    posting.valid_through = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()
    repo.put(posting)
    main_table.delete_item(Key=keys.posting(posting.id))
    handle(stream.event())
    assert published == [posting.id] * 3


def test_a_published_posting_reaches_the_site_bucket_through_the_pipeline(app, main_table, stack, stream, handle,
                                                                          team):
    import boto3

    from tests.factories import make_posting

    fresh = make_posting(team=team, title="Weekend Stower")
    PostingRepository(main_table).put(fresh)
    assert handle(stream.event()) == {"batchItemFailures": []}
    page = boto3.client("s3").get_object(Bucket=stack["SiteBucketName"], Key=f"jobs/{fresh.id}/index.html")
    assert "Weekend Stower" in page["Body"].read().decode()


def test_posting_records_from_before_a_full_site_build_are_not_published_again(runtime, main_table, stream, team,
                                                                                monkeypatch):
    from portal import pipeline
    from portal.pipeline.services import Pipeline
    from tests.factories import make_posting

    published = []
    monkeypatch.setattr(Pipeline, "publish_posting", lambda self, posting_id: published.append(posting_id))
    posting = make_posting(team=team)
    PostingRepository(main_table).put(posting)
    event = stream.event()
    written = event["Records"][-1]["dynamodb"]["ApproximateCreationDateTime"]
    pipeline.handle_batch(runtime, event, site_built_at=written + 5)  # a build started after the write
    assert published == []
    pipeline.handle_batch(runtime, event, site_built_at=written - 5)  # a build from before it
    assert published == [posting.id]
