"""Local mode (`make run`): an embedded AWS emulator, the stack from infra/, demo data and the portal on one origin.

Local mode only. Nothing here runs on Lambda. Ctrl-C stops everything this started.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time

log = logging.getLogger(__name__)


def configure_environment(moto_port: int) -> None:
    """Point every boto3 client at the emulator before any is created, with throwaway credentials."""
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    # moto's dynamodbstreams fails ("Not yet implemented") unless account-id endpoints are off.
    os.environ["AWS_ACCOUNT_ID_ENDPOINT_MODE"] = "disabled"
    os.environ.setdefault("AWS_ENDPOINT_URL", f"http://127.0.0.1:{moto_port}")
    os.environ.setdefault("PORTAL_LOCAL_MODE", "true")
    os.environ.setdefault("PORTAL_STACK_NAME", "portal-local")


def start_emulator(port: int):
    """moto as a server on loopback, in this process. Returns it, so it can be stopped."""
    from moto.server import ThreadedMotoServer

    from portal.emulator import fix_streams_in_transactions

    fix_streams_in_transactions()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server


def expire_periodically(app, interval: float, stop: threading.Event) -> threading.Thread:
    """Local mode's stand-in for the Zappa schedule: close expired postings every `interval` seconds."""
    from portal.site import close_expired_postings

    def run():
        while not stop.wait(interval):
            try:
                with app.app_context():
                    closed = close_expired_postings()
                if closed:
                    log.info("closed %d expired postings", closed)
            except Exception:  # keep the timer alive; the next round tries again
                log.exception("closing expired postings failed")

    thread = threading.Thread(target=run, name="expire-postings", daemon=True)
    thread.start()
    return thread


class StreamPoller:
    """Feeds the main table's stream to the pipeline like the Lambda trigger does (local mode only).

    Every shard is read from its oldest record (TRIM_HORIZON), so whatever was written before the poller
    started (the demo data) is handled too. Like the event source mapping, a shard's batch is retried from its
    first failed record; once that record has used up ``max_retry_attempts`` retries, the poller sends the
    on-failure message (portal/pipeline/deadletter.py) to the dead-letter queue and moves past it.
    """

    # Smaller batches than the trigger's 100: Ctrl-C waits for the batch in hand, and a submission for the backlog.
    def __init__(self, app, poll_seconds: float, max_retry_attempts: int, batch_size: int = 25):
        self.app = app
        self.poll_seconds = poll_seconds
        self.max_retry_attempts = max_retry_attempts
        self.batch_size = batch_size
        self.positions: dict[str, str | None] = {}  # shard -> last sequence number done
        self.attempts: dict[tuple[str, str], int] = {}  # (shard, first failed sequence number) -> tries
        self._clients = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "StreamPoller":
        self._thread = threading.Thread(target=self._run, name="stream-poller", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

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
        from portal.aws import resources
        from portal.pipeline.streams import lambda_event, read_after, shard_ids, stream_arn

        with self.app.app_context():
            if self._clients is None:
                # Made once: a boto3 client takes longer to create than a poll of the emulator.
                self._clients = (resources().client("dynamodbstreams"), resources().client("dynamodb"))
            streams, dynamodb = self._clients
            arn = stream_arn(dynamodb, self.app.config["MAIN_TABLE"])
            busy = False
            for shard in shard_ids(streams, arn):
                records = read_after(streams, arn, shard, self.positions.get(shard), self.batch_size)
                if not records:
                    continue
                busy = True
                result = pipeline.handle(lambda_event(records, arn), None)
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

        from portal.aws import resources
        from portal.pipeline.deadletter import failure_message

        message = failure_message(arn, shard, [record], invoke_count)
        resources().client("sqs").send_message(QueueUrl=self.app.config["PIPELINE_DLQ_URL"],
                                               MessageBody=json.dumps(message))
        log.error("stream poller: record %s failed %d times; sent to the dead-letter queue",
                  record["dynamodb"]["SequenceNumber"], invoke_count)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = int(os.environ.get("PORT", "5000"))
    moto_port = int(os.environ.get("MOTO_PORT", "5055"))
    emulator = None
    if not os.environ.get("AWS_ENDPOINT_URL"):
        emulator = start_emulator(moto_port)
    configure_environment(moto_port)
    os.environ.setdefault("PORTAL_PUBLIC_BASE_URL", f"http://127.0.0.1:{port}")  # links in e-mails

    from werkzeug.serving import make_server

    from portal import create_app, infra, mail
    from portal.aws import resources
    from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo
    from portal.site import build_site, close_expired_postings
    from portal.site.serving import site_dispatcher

    app = create_app()
    with app.app_context():
        outputs = infra.deploy_stack(resources().client("cloudformation"), app.config["STACK_NAME"])
        mail.verify_sender(resources().client("ses"), app.config["MAIL_FROM"])
        counts = seed_demo(resources().table(outputs["MainTableName"]))
        close_expired_postings()
        build_started = time.time()
        site_objects = build_site()
    # The full build published every posting written so far: the pipeline need not publish them one by one again.
    app.config["SITE_BUILT_AT"] = build_started
    # From the stream's oldest record, so the demo applications written above are screened and routed too.
    poller = StreamPoller(app, app.config["PIPELINE_POLL_SECONDS"], app.config["PIPELINE_MAX_RETRY_ATTEMPTS"]).start()

    # The site bucket at the same paths as CloudFront serves it; the dynamic paths go to the app.
    server = make_server("127.0.0.1", port, site_dispatcher(app), threaded=True)
    stop_timers = threading.Event()
    expire_periodically(app, float(os.environ.get("PORTAL_EXPIRY_INTERVAL_SECONDS", "60")), stop_timers)
    base = f"http://127.0.0.1:{port}"
    print(
        f"\nThe portal is running on an embedded AWS emulator at {os.environ['AWS_ENDPOINT_URL']}.\n"
        f"  Jobs:   {base}/jobs/ (the static site: {site_objects} objects in the site bucket)\n"
        f"  Admin:  {base}/admin/\n"
        f"  Health: {base}/healthz\n"
        f"Demo data: {counts['postings']} postings, {counts['applications']} applications.\n"
        "Demo accounts (local mode only), password " + DEMO_PASSWORD + ":\n"
        + "".join(f"  {email} ({role})\n" for email, _, role, _ in DEMO_ACCOUNTS)
        + "Press Ctrl-C to stop.\n",
        flush=True,
    )

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop_timers.set()
        server.server_close()
        poller.stop()
        if emulator is not None:
            emulator.stop()
        print("Stopped the portal and the emulator.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
