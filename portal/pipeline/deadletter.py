"""Dead letters of the stream pipeline: the message that describes a failed batch, and replaying it.

On AWS the event source mapping sends the message itself once a batch has used up its retries (its on-failure
destination, the SQS queue ``<stack>-pipeline-dlq``); locally the stream poller sends one of the same shape.
The message holds no records, only where they are in the stream (``DDBStreamBatchInfo``), so a replay reads
them back from the stream, which keeps them for 24 hours.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
import logging
import uuid
from typing import Callable

from portal import clock
from portal.pipeline.streams import lambda_event, read_range

log = logging.getLogger("portal.pipeline")


def failure_message(stream_arn: str, shard_id: str, records: list[dict], invoke_count: int,
                    function_arn: str = "local-stream-poller") -> dict:
    """The on-failure destination's message for ``records`` (one shard, in order), as Lambda writes it."""
    first, last = records[0]["dynamodb"], records[-1]["dynamodb"]
    return {
        "requestContext": {"requestId": str(uuid.uuid4()), "functionArn": function_arn,
                           "condition": "RetryAttemptsExhausted", "approximateInvokeCount": invoke_count},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "version": "1.0",
        "timestamp": clock.iso(clock.now()),
        "DDBStreamBatchInfo": {
            "shardId": shard_id,
            "startSequenceNumber": first["SequenceNumber"],
            "endSequenceNumber": last["SequenceNumber"],
            "approximateArrivalOfFirstRecord": _iso(first.get("ApproximateCreationDateTime")),
            "approximateArrivalOfLastRecord": _iso(last.get("ApproximateCreationDateTime")),
            "batchSize": len(records),
            "streamArn": stream_arn,
        },
    }


def _iso(moment) -> str:
    if isinstance(moment, (int, float)):
        moment = datetime.datetime.fromtimestamp(moment, datetime.timezone.utc)
    return clock.iso(moment) if isinstance(moment, datetime.datetime) else clock.iso(clock.now())


@dataclasses.dataclass
class ReplayReport:
    replayed: int = 0  # messages whose records all succeeded: deleted from the queue
    kept: int = 0  # messages left in the queue (records failed again, gone from the stream, or unreadable)
    records: int = 0


def replay(sqs, queue_url: str, streams_client, handle: Callable[[dict], dict], visibility_seconds: int = 120
           ) -> ReplayReport:
    """Feed every message's records back to ``handle``; delete a message only when all of its records succeed.

    A message that cannot be replayed is made visible again at once, for the next run; this run stops when the
    queue is empty or gives back only messages it has seen.
    """
    report = ReplayReport()
    seen: set[str] = set()
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                       VisibilityTimeout=visibility_seconds).get("Messages", [])
        fresh = [m for m in messages if m["MessageId"] not in seen]
        for message in messages:
            if message not in fresh:
                sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"],
                                              VisibilityTimeout=0)
        if not fresh:
            return report
        for message in fresh:
            seen.add(message["MessageId"])
            if _replay_one(message, streams_client, handle, report):
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
                report.replayed += 1
            else:
                sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"],
                                              VisibilityTimeout=0)
                report.kept += 1


def _replay_one(message: dict, streams_client, handle, report: ReplayReport) -> bool:
    try:
        info = json.loads(message["Body"])["DDBStreamBatchInfo"]
        arn, shard = info["streamArn"], info["shardId"]
        first, last, size = info["startSequenceNumber"], info["endSequenceNumber"], int(info["batchSize"])
    except (KeyError, TypeError, ValueError):
        log.error("dead letter %s is not a stream batch description; kept", message.get("MessageId"))
        return False
    try:
        records = read_range(streams_client, arn, shard, first, last, size)
    except streams_client.exceptions.TrimmedDataAccessException:
        records = []
    if not records:
        log.error("dead letter %s: its records are no longer in the stream (kept 24 hours); kept for a person",
                  message.get("MessageId"))
        return False
    report.records += len(records)
    failures = handle(lambda_event(records, arn)).get("batchItemFailures") or []
    if failures:
        log.error("dead letter %s: %d of its %d records failed again; kept", message.get("MessageId"),
                  len(failures), len(records))
        return False
    return True
