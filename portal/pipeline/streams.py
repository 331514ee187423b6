"""Reading the main table's stream through the dynamodbstreams API, and turning what it returns into Lambda's event shape.

Used where no Lambda trigger feeds the pipeline: the local poller (portal/local.py) and the dead-letter replay
(portal/pipeline/deadletter.py).
"""
from __future__ import annotations

import datetime


def stream_arn(dynamodb_client, table_name: str) -> str:
    arn = dynamodb_client.describe_table(TableName=table_name)["Table"].get("LatestStreamArn")
    if not arn:
        raise LookupError(f"table {table_name} has no stream")
    return arn


def shard_ids(streams_client, arn: str) -> list[str]:
    """Every shard of the stream, parents before children (the order DescribeStream gives)."""
    found, start = [], None
    while True:
        kwargs = {"StreamArn": arn, **({"ExclusiveStartShardId": start} if start else {})}
        description = streams_client.describe_stream(**kwargs)["StreamDescription"]
        found.extend(shard["ShardId"] for shard in description.get("Shards", []))
        start = description.get("LastEvaluatedShardId")
        if not start:
            return found


def lambda_record(record: dict, arn: str) -> dict:
    """A GetRecords record as Lambda delivers it: with eventSourceARN, and the creation time in epoch seconds."""
    body = dict(record["dynamodb"])
    created = body.get("ApproximateCreationDateTime")
    if isinstance(created, datetime.datetime):
        body["ApproximateCreationDateTime"] = int(created.timestamp())
    out = {name: value for name, value in record.items() if name != "dynamodb"}
    out.update(dynamodb=body, eventSourceARN=arn, eventSource=record.get("eventSource", "aws:dynamodb"))
    return out


def lambda_event(records: list[dict], arn: str) -> dict:
    return {"Records": [lambda_record(r, arn) for r in records]}


def read_after(streams_client, arn: str, shard_id: str, after: str | None, limit: int = 100) -> list[dict]:
    """Up to ``limit`` records of one shard after sequence number ``after`` (from the oldest one when None).

    A fresh iterator each call, from the position the caller keeps: iterators expire (15 minutes on AWS), and
    the emulator swaps a table's shard for a copy whenever a transaction is cancelled, which leaves an older
    iterator reading a shard nobody writes to any more.
    """
    if after is None:
        kwargs = {"ShardIteratorType": "TRIM_HORIZON"}
    else:
        kwargs = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
    iterator = streams_client.get_shard_iterator(StreamArn=arn, ShardId=shard_id, **kwargs)["ShardIterator"]
    return streams_client.get_records(ShardIterator=iterator, Limit=limit).get("Records", [])


def read_range(streams_client, arn: str, shard_id: str, first: str, last: str, limit: int) -> list[dict]:
    """The records of one shard from sequence number ``first`` to ``last`` (both included), at most ``limit``."""
    iterator = streams_client.get_shard_iterator(StreamArn=arn, ShardId=shard_id, ShardIteratorType="AT_SEQUENCE_NUMBER",
                                                 SequenceNumber=first)["ShardIterator"]
    found: list[dict] = []
    empty_reads = 0
    # DynamoDB may answer an empty page before the records that follow it, so a few empty pages are allowed.
    while iterator and len(found) < limit and empty_reads < EMPTY_READS_BEFORE_GIVING_UP:
        resp = streams_client.get_records(ShardIterator=iterator, Limit=min(1000, limit - len(found)))
        records = resp.get("Records", [])
        for record in records:
            if int(record["dynamodb"]["SequenceNumber"]) > int(last):
                return found
            found.append(record)
        empty_reads = 0 if records else empty_reads + 1
        iterator = resp.get("NextShardIterator")
    return found


EMPTY_READS_BEFORE_GIVING_UP = 3
