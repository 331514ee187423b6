"""Local mode, tests and bench only: two fixes to the embedded AWS emulator (moto), for streams in transactions
and for writes under concurrency.

moto keeps a table's stream inside the table object, and to undo a cancelled TransactWriteItems it deep-copies the
whole table, stream included, once per item of the transaction, then puts the copy back. Three things follow that
real DynamoDB does not do: a transaction costs time in proportion to everything in the table and everything ever
written to it (the stream only grows), so the pipeline slows down the longer the emulator runs; and after a
cancelled transaction the stream is another object, so a shard iterator taken before it never sees another record.

``fix_streams_in_transactions`` gives moto, for its undo, one copy per table that shares the untouched items and
the stream and holds its own copies of the items the transaction writes; and it drops the records of the writes
a cancelled transaction undid, which is what DynamoDB shows: no records for a transaction that did not happen.

It also makes every write as strict as DynamoDB's under concurrency. moto's threaded server checks a condition and
then writes, and a TransactWriteItems checks all its conditions before any write, without holding anything between
the two, so concurrent transactions for the last seat of a slot can both pass (ten seats let eleven in about one
trial in six, 200 threads). DynamoDB serialises the writes to an item, so here each write operation (PutItem,
UpdateItem, DeleteItem, TransactWriteItems, BatchWriteItem) holds one lock of the emulator's: a test of capacity
then proves the portal's conditions, not moto's luck. Reads take no lock.

Nothing here is imported on Lambda.
"""
from __future__ import annotations

import copy
import functools
import threading

_undo_copies = threading.local()  # the one copy of each table made for the transaction running in this thread
# One write at a time in the emulator (re-entrant: a transaction's own writes run inside it).
_one_write_at_a_time = threading.RLock()
WRITE_OPERATIONS = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")


def fix_streams_in_transactions() -> None:
    """Patch moto in this process (the emulator must run in-process). Safe to call more than once."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import StreamShard, Table

    if getattr(DynamoDBBackend.transact_write_items, "_shares_streams", False):
        return
    StreamShard.__deepcopy__ = lambda self, memo: self  # the undo copy shares the live stream
    Table.__deepcopy__ = _table_deepcopy
    undo_by_copies = DynamoDBBackend.transact_write_items

    @functools.wraps(undo_by_copies)
    def transact_write_items(self, transact_items):
        touched: dict[str, list[dict]] = {}
        for item in transact_items:
            for op_type, op in item.items():
                if isinstance(op, dict) and op.get("TableName") in self.tables:
                    touched.setdefault(op["TableName"], []).append(op.get("Key") or op.get("Item") or {})
        tables = [self.tables[name] for name in touched]
        shards = [(t.stream_shard, len(t.stream_shard.items)) for t in tables if t.stream_shard is not None]
        _undo_copies.by_id = {id(t): _undo_copy(t, touched[t.name]) for t in tables}
        try:
            return undo_by_copies(self, transact_items)
        except Exception:
            for shard, length in shards:
                del shard.items[length:]
            raise
        finally:
            _undo_copies.by_id = {}

    transact_write_items._shares_streams = True
    DynamoDBBackend.transact_write_items = transact_write_items
    for name in WRITE_OPERATIONS:
        setattr(DynamoDBBackend, name, _serialised(getattr(DynamoDBBackend, name)))


def _serialised(write):
    @functools.wraps(write)
    def one_at_a_time(*args, **kwargs):
        with _one_write_at_a_time:
            return write(*args, **kwargs)

    return one_at_a_time


def _table_deepcopy(table, memo):
    ready = getattr(_undo_copies, "by_id", {}).get(id(table))
    if ready is not None:
        return ready
    clone = table.__class__.__new__(table.__class__)
    memo[id(table)] = clone
    clone.__dict__.update(copy.deepcopy(table.__dict__, memo))
    return clone


def _undo_copy(table, keys: list[dict]):
    """The table as it is, sharing every item but those at ``keys``, which the transaction may change in place."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    clone = copy.copy(table)
    clone.items = copy.copy(table.items)
    for key in keys:
        if table.hash_key_attr not in key:
            continue
        hash_value = DynamoType(key[table.hash_key_attr])
        if table.range_key_attr is None:
            if hash_value in table.items:
                clone.items[hash_value] = copy.deepcopy(table.items[hash_value])
            continue
        if table.range_key_attr not in key or hash_value not in table.items:
            continue
        range_value = DynamoType(key[table.range_key_attr])
        clone.items[hash_value] = dict(clone.items[hash_value])
        if range_value in table.items[hash_value]:
            clone.items[hash_value][range_value] = copy.deepcopy(table.items[hash_value][range_value])
    return clone
