"""The emulator fix (portal/emulator.py): a cancelled transaction is undone, leaves no stream records, no stale iterators."""
import boto3
import pytest
from botocore.exceptions import ClientError

from portal.pipeline.streams import shard_ids, stream_arn


def test_a_cancelled_transaction_leaves_the_stream_as_dynamodb_would(main_table):
    streams = boto3.client("dynamodbstreams")
    arn = stream_arn(boto3.client("dynamodb"), main_table.name)
    shard = shard_ids(streams, arn)[-1]
    main_table.put_item(Item={"pk": "EMU#taken", "sk": "X"})
    main_table.put_item(Item={"pk": "EMU#count", "sk": "X", "n": 1})
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    with pytest.raises(ClientError, match="TransactionCanceled"):
        main_table.meta.client.transact_write_items(TransactItems=[
            {"Put": {"TableName": main_table.name, "Item": {"pk": "EMU#new", "sk": "X"}}},
            {"Put": {"TableName": main_table.name, "Item": {"pk": "EMU#count", "sk": "Y"}}},
            {"Update": {"TableName": main_table.name, "Key": {"pk": "EMU#count", "sk": "X"},
                        "UpdateExpression": "ADD n :one", "ExpressionAttributeValues": {":one": 1}}},
            {"Put": {"TableName": main_table.name, "Item": {"pk": "EMU#taken", "sk": "X"},
                     "ConditionExpression": "attribute_not_exists(pk)"}},
        ])
    assert "Item" not in main_table.get_item(Key={"pk": "EMU#new", "sk": "X"})
    assert "Item" not in main_table.get_item(Key={"pk": "EMU#count", "sk": "Y"})
    assert main_table.get_item(Key={"pk": "EMU#count", "sk": "X"})["Item"]["n"] == 1
    main_table.put_item(Item={"pk": "EMU#after", "sk": "X"})
    records = streams.get_records(ShardIterator=iterator)["Records"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == ["EMU#after"]
