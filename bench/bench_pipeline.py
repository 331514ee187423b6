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
    with app.app_context(), counter.counting():
        started = time.perf_counter()
        result = pipeline.handle(event, None)
        elapsed = time.perf_counter() - started
    assert result == {"batchItemFailures": []}, result
    counted = sum(PipelineRepository(table, 0).counters(f"POSTING#{p.id}").get("stage_screened", 0) for p in postings)
    assert counted == BATCH, counted
    assert table.get_item(Key=keys.application(applications[-1].id))["Item"]["stage"] == "screened"
    return {"pipeline_records_per_s": round(BATCH / elapsed, 1),
            "pipeline_ddb_calls_per_record": round(counter.calls / BATCH, 2)}
