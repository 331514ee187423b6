"""Local mode, tests and bench only: one fix to the embedded AWS emulator (moto) for streams and transactions.

moto keeps a table's stream inside the table object, and to undo a cancelled TransactWriteItems it deep-copies the
whole table, stream included, once per item of the transaction, then puts the copy back. Three things follow that
real DynamoDB does not do: a transaction of six writes copies the table six times; every copy costs time in
proportion to everything ever written (the stream only grows), so the pipeline slows down the longer the emulator
runs; and after a cancelled transaction the stream is another object, so a shard iterator taken before it never
sees another record.

``fix_streams_in_transactions`` copies each table once per transaction, lets the copy share the one stream, and
drops the records of the writes a cancelled transaction undid, which is what DynamoDB shows: no records for a
transaction that did not happen. Nothing here is imported on Lambda.
"""
from __future__ import annotations

import copy
import functools
import threading

_undo_copies = threading.local()  # the one copy of each table made for the transaction running in this thread


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
        names = {op.get("TableName") for item in transact_items for op in item.values() if isinstance(op, dict)}
        tables = [self.tables[name] for name in names if name in self.tables]
        shards = [(t.stream_shard, len(t.stream_shard.items)) for t in tables if t.stream_shard is not None]
        _undo_copies.by_id = {id(t): copy.deepcopy(t) for t in tables}
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


def _table_deepcopy(table, memo):
    ready = getattr(_undo_copies, "by_id", {}).get(id(table))
    if ready is not None:
        return ready
    clone = table.__class__.__new__(table.__class__)
    memo[id(table)] = clone
    clone.__dict__.update(copy.deepcopy(table.__dict__, memo))
    return clone
