"""DynamoDB features beyond single-item calls, and the clear error a DynamoDB without them (dynalite) gives."""
from __future__ import annotations

from botocore.exceptions import ClientError


class TransactionsUnsupported(RuntimeError):
    """This DynamoDB has no TransactWriteItems (dynalite, for one): nothing was written.

    The portal does not fall back to separate writes where it asked for a transaction: the rule the
    transaction enforces (one submission per token, all of its applications or none) would silently break.
    Run it on AWS DynamoDB, moto or DynamoDB Local instead.
    """


def transact_write_items(client, transact_items: list[dict]) -> None:
    """client.transact_write_items, with "this DynamoDB has no transactions" raised as TransactionsUnsupported."""
    try:
        client.transact_write_items(TransactItems=transact_items)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "UnknownOperationException":
            raise TransactionsUnsupported(
                "TransactWriteItems is not supported by this DynamoDB endpoint (dynalite has none); nothing was written"
            ) from exc
        raise


def batch_get(table, keys: list[dict], consistent: bool = False) -> list[dict]:
    """Items for these keys (missing ones left out), 100 keys per BatchGetItem, unprocessed keys asked again."""
    # The resource's own client converts Python values to and from DynamoDB's typed form, like the Table does.
    client = table.meta.client
    found = []
    for start in range(0, len(keys), 100):
        request = {table.name: {"Keys": keys[start:start + 100], "ConsistentRead": consistent}}
        while request:
            resp = client.batch_get_item(RequestItems=request)
            found += resp["Responses"].get(table.name, [])
            request = resp.get("UnprocessedKeys") or None
    return found
