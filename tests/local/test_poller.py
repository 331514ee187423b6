"""End to end through the emulator's real stream: the local poller (portal/local/poller.py), the dead-letter queue
and `pipeline replay-dlq`."""
import json
import time
from pathlib import Path

import boto3
import pytest

from portal import keys
from portal.accounts.repository import AccountRepository
from portal.applications.repository import ApplicationRepository
from portal.applications.services import submit_application
from portal.local.poller import StreamPoller
from portal.postings.repository import PostingRepository
from tests.factories import apply_form, make_account, make_answers, make_posting
from tests.helpers import hidden_fields


def _wait_for(condition, seconds: float):
    """Poll ``condition`` until it returns something truthy or the deadline passes; return its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


def _application(table, application_id):
    return table.get_item(Key=keys.application(application_id), ConsistentRead=True).get("Item")


@pytest.fixture
def poller(runtime):
    running = StreamPoller(runtime, poll_seconds=0.1, max_retry_attempts=runtime.settings.pipeline_max_retry_attempts)
    yield running
    running.stop()


def test_an_application_submitted_through_the_form_is_scored_and_routed_by_the_poller(app, client, main_table, poller):
    # How fast (the 2 seconds) is measured by `make bench` (pipeline_local_submit_to_routed_ms); a timed
    # assertion here would only measure how loaded the test machine is.
    AccountRepository(main_table).put(make_account("rita.e2e@example.com", teams=["e2e-team"]))
    posting = make_posting(team="e2e-team", shifts=["day", "weekend"])
    PostingRepository(main_table).put(posting)
    poller.start()
    form = hidden_fields(client.get(f"/apply/{posting.id}").get_data(as_text=True))
    assert client.post(f"/apply/{posting.id}", data={**form, **apply_form()}).status_code == 303
    [application_id] = [a.id for a in ApplicationRepository(main_table).list_for_team("e2e-team", 10).items]

    def routed():
        item = _application(main_table, application_id)
        return item if item.get("assignee") else None

    item = _wait_for(routed, 30.0)
    assert item, "not scored and routed"
    assert item["stage"] == "screened" and item["assignee"] == "rita.e2e@example.com"
    assert item["fit_reasons"] and item["score"] is not None


def test_a_record_that_keeps_failing_goes_to_the_dead_letter_queue_and_replays_once_fixed(runtime, main_table, runner):
    missing = make_posting(team="dlq-team")  # not written yet: the application cannot be scored
    found = make_posting(team="dlq-team")
    PostingRepository(main_table).put(found)
    repo = ApplicationRepository(main_table)
    [poison] = submit_application(runtime, [missing], make_answers(), token="dlq-1").application_ids
    [fine] = submit_application(runtime, [found], make_answers(), token="dlq-2").application_ids
    sqs = boto3.client("sqs")
    queue = runtime.dead_letter_queue_url

    poller = StreamPoller(runtime, poll_seconds=0, max_retry_attempts=runtime.settings.pipeline_max_retry_attempts)
    deadline = time.monotonic() + 30
    while (_application(main_table, fine)["stage"] != "screened" or poller.attempts) and time.monotonic() < deadline:
        poller.poll_once()
    assert _application(main_table, fine)["stage"] == "screened"
    assert _application(main_table, poison)["stage"] == "applied"

    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, VisibilityTimeout=0)["Messages"]
    [body] = [json.loads(m["Body"]) for m in messages]
    info = body["DDBStreamBatchInfo"]
    assert body["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert body["requestContext"]["approximateInvokeCount"] == runtime.settings.pipeline_max_retry_attempts + 1
    assert info["batchSize"] == 1 and info["startSequenceNumber"] == info["endSequenceNumber"]
    assert info["streamArn"].startswith("arn:aws:dynamodb:us-east-1:") and "/stream/" in info["streamArn"]
    assert set(info) >= {"shardId", "approximateArrivalOfFirstRecord", "approximateArrivalOfLastRecord"}
    assert poison not in json.dumps(body)  # a position in the stream, no data

    kept = runner.invoke(args=["pipeline", "replay-dlq"])
    assert kept.exit_code != 0 and "1 kept" in kept.output
    assert _application(main_table, poison)["stage"] == "applied"

    PostingRepository(main_table).put(missing)
    replayed = runner.invoke(args=["pipeline", "replay-dlq"])
    assert replayed.exit_code == 0, replayed.output
    assert "1 replayed (1 records), 0 kept" in replayed.output
    assert _application(main_table, poison)["stage"] == "screened"
    assert sqs.receive_message(QueueUrl=queue, VisibilityTimeout=0).get("Messages", []) == []


def test_the_local_poller_retries_as_often_as_the_deployed_trigger():
    from cfnlint.decode import decode_str

    from portal.local import infra
    from portal.settings import Settings

    template, errors = decode_str(Path(infra.TEMPLATE).read_text())
    assert not errors
    mapping = template["Resources"]["PipelineStreamMapping"]["Properties"]
    assert Settings().pipeline_max_retry_attempts == mapping["MaximumRetryAttempts"]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
