"""Local mode's stand-in for the Lambda trigger: reads the main table's stream and hands it to the pipeline."""
from __future__ import annotations

import logging
import threading

log = logging.getLogger("portal.local")


class StreamPoller:
    """Feeds the main table's stream to the pipeline like the Lambda trigger does (local mode only).

    Every shard is read from its oldest record (TRIM_HORIZON), so whatever was written before the poller
    started (the demo data) is handled too. Like the event source mapping, a shard's batch is retried from its
    first failed record; once that record has used up ``max_retry_attempts`` retries, the poller sends the
    on-failure message (portal/pipeline/deadletter.py) to the dead-letter queue and moves past it.
    """

    # Smaller batches than the trigger's 100: a submission waits less behind the demo backlog.
    def __init__(self, runtime, poll_seconds: float, max_retry_attempts: int, batch_size: int = 25,
                 site_built_at: float | None = None):
        self.runtime = runtime
        self.site_built_at = site_built_at
        self.poll_seconds = poll_seconds
        self.max_retry_attempts = max_retry_attempts
        self.batch_size = batch_size
        self.positions: dict[str, str | None] = {}  # shard -> last sequence number done
        self.attempts: dict[tuple[str, str], int] = {}  # (shard, first failed sequence number) -> tries
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "StreamPoller":
        self._thread = threading.Thread(target=self._run, name="stream-poller", daemon=True)
        self._thread.start()
        return self

    def stop(self, wait_seconds: float = 1.0) -> None:
        """Stop polling, waiting at most ``wait_seconds`` for the batch in hand. Leaving one unfinished loses
        nothing: positions live in memory, so the next start reads every shard from its oldest record again,
        and every pipeline step is idempotent."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=wait_seconds)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.poll_once()
            except Exception:  # noqa: BLE001 - the emulator restarting must not end local mode
                log.exception("stream poller: reading the stream failed; trying again")
                busy = False
            if not busy:
                self._stop.wait(self.poll_seconds)

    def poll_once(self) -> bool:
        """One read of every shard, handed to the pipeline. True if there were records."""
        from portal import pipeline
        from portal.pipeline.streams import lambda_event, read_after, shard_ids, stream_arn

        streams, dynamodb = self.runtime.client("dynamodbstreams"), self.runtime.client("dynamodb")
        arn = stream_arn(dynamodb, self.runtime.settings.main_table)
        busy = False
        for shard in shard_ids(streams, arn):
            records = read_after(streams, arn, shard, self.positions.get(shard), self.batch_size)
            if not records:
                continue
            busy = True
            result = pipeline.handle_batch(self.runtime, lambda_event(records, arn), site_built_at=self.site_built_at)
            self._advance(shard, arn, records, {f["itemIdentifier"] for f in result.get("batchItemFailures", [])})
        return busy

    def _advance(self, shard: str, arn: str, records: list[dict], failed: set[str]) -> None:
        sequence = [r["dynamodb"]["SequenceNumber"] for r in records]
        if not failed:
            self.positions[shard] = sequence[-1]
            return
        index = next((i for i, seq in enumerate(sequence) if seq in failed), 0)
        if index:
            self.positions[shard] = sequence[index - 1]  # the checkpoint: everything before the failure is done
        key = (shard, sequence[index])
        self.attempts[key] = self.attempts.get(key, 0) + 1
        if self.attempts[key] > self.max_retry_attempts:
            self._dead_letter(shard, arn, records[index], self.attempts.pop(key))
            self.positions[shard] = sequence[index]

    def _dead_letter(self, shard: str, arn: str, record: dict, invoke_count: int) -> None:
        import json

        from portal.pipeline.deadletter import failure_message

        message = failure_message(arn, shard, [record], invoke_count)
        self.runtime.client("sqs").send_message(QueueUrl=self.runtime.dead_letter_queue_url,
                                                MessageBody=json.dumps(message))
        log.error("stream poller: record %s failed %d times; sent to the dead-letter queue",
                  record["dynamodb"]["SequenceNumber"], invoke_count)
