"""Figures of the stream pipeline: the handler in-process over one batch of 1,000 application INSERTs, and its DynamoDB calls.

The records come from the emulator's real stream, in the Lambda shape. On moto the time is mostly the emulator's
(every transaction copies the table to be able to undo it), so records per second is a floor; the calls per
record are what carries over to DynamoDB.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import boto3

from bench.common import DynamoCallCounter

ROOT = Path(__file__).resolve().parent.parent
BATCH = 1000


def figures(env) -> dict:
    sys.path.insert(0, str(ROOT))
    from ulid import ULID

    from portal import keys, pipeline
    from portal.accounts.repository import AccountRepository
    from portal.applications.models import Application
    from portal.applications.repository import ApplicationRepository
    from portal.pipeline.repository import PipelineRepository
    from portal.pipeline.streams import lambda_event, read_after, shard_ids, stream_arn
    from portal.postings.repository import PostingRepository
    from tests.factories import make_account, make_answers, make_posting

    stack = env.new_stack()
    app = env.new_app(stack)
    table = boto3.resource("dynamodb").Table(stack["MainTableName"])
    postings = [make_posting(team="bench-team", shifts=["day", "weekend"]),
                make_posting(team="bench-team", hours_min=30, hours_max=40, shifts=["night"])]
    PostingRepository(table).put_many(postings)
    accounts = AccountRepository(table)
    for n in range(3):
        accounts.put(make_account(f"recruiter{n}@example.com", teams=["bench-team"]))
    applications = []
    for n in range(BATCH):
        posting, answers = postings[n % len(postings)], make_answers()
        applications.append(Application(id=str(ULID()), submission_id=str(ULID()), posting_id=posting.id,
                                        posting_title=posting.title, team=posting.team, contact=answers.contact,
                                        location=answers.location, preferences=answers.preferences))
    ApplicationRepository(table).put_many(applications)

    streams = boto3.client("dynamodbstreams")
    arn = stream_arn(boto3.client("dynamodb"), table.name)
    shard = shard_ids(streams, arn)[-1]
    records, position = [], None
    while batch := read_after(streams, arn, shard, position, limit=1000):
        records.extend(r for r in batch if r["eventName"] == "INSERT" and r["dynamodb"]["Keys"]["sk"]["S"] == "APP")
        position = batch[-1]["dynamodb"]["SequenceNumber"]
    assert len(records) == BATCH, len(records)
    event = lambda_event(records, arn)

    counter = DynamoCallCounter(app)
    with counter.counting():
        started = time.perf_counter()
        result = pipeline.handle_batch(app.extensions["portal"], event)
        elapsed = time.perf_counter() - started
    assert result == {"batchItemFailures": []}, result
    counted = sum(PipelineRepository(table).counters(f"POSTING#{p.id}").get("stage_screened", 0) for p in postings)
    assert counted == BATCH, counted
    assert table.get_item(Key=keys.application(applications[-1].id))["Item"]["stage"] == "screened"
    return {"pipeline_records_per_s": round(BATCH / elapsed, 1),
            "pipeline_ddb_calls_per_record": round(counter.calls / BATCH, 2),
            **_local_submit_to_routed(env)}


def _local_submit_to_routed(env, submissions: int = 5) -> dict:
    """Local mode's promise: from the apply POST to the application scored and assigned, through the real stream.

    The same poller as `make run` (0.25 s between reads) runs against a fresh stack; the median over a few
    submissions is the figure, and the issue's bound is 2,000 ms.
    """
    import statistics

    from portal import keys
    from portal.accounts.repository import AccountRepository
    from portal.applications.repository import ApplicationRepository
    from portal.local.poller import StreamPoller
    from portal.postings.repository import PostingRepository
    from tests.factories import apply_form, make_account, make_posting
    from tests.helpers import hidden_fields

    stack = env.new_stack()
    app = env.new_app(stack, APPLY_MIN_FILL_SECONDS=0)  # the bench submits at machine speed
    table = boto3.resource("dynamodb").Table(stack["MainTableName"])
    runtime = app.extensions["portal"]
    boto3.client("ses").verify_email_identity(EmailAddress=runtime.settings.mail_from)  # as `make run` does
    AccountRepository(table).put(make_account("latency@example.com", teams=["latency-team"]))
    posting = make_posting(team="latency-team", shifts=["day", "weekend"])
    PostingRepository(table).put(posting)
    poller = StreamPoller(runtime, poll_seconds=0.25, max_retry_attempts=runtime.settings.pipeline_max_retry_attempts)
    poller.start()
    client = app.test_client()
    latencies = []
    try:
        for n in range(submissions):
            form = hidden_fields(client.get(f"/apply/{posting.id}").get_data(as_text=True))
            started = time.perf_counter()
            response = client.post(f"/apply/{posting.id}", data={**form, **apply_form(email=f"lat{n}@example.com")})
            assert response.status_code == 303, response.status_code
            application_id = ApplicationRepository(table).list_for_team("latency-team", 1).items[0].id
            deadline = started + 30
            while time.perf_counter() < deadline:
                item = table.get_item(Key=keys.application(application_id), ConsistentRead=True).get("Item", {})
                if item.get("assignee"):
                    break
                time.sleep(0.01)
            else:
                raise AssertionError("not routed within 30 s")
            latencies.append((time.perf_counter() - started) * 1000)
    finally:
        poller.stop()
    return {"pipeline_local_submit_to_routed_ms": round(statistics.median(latencies), 1)}
