"""`make run` (`python -m portal.local`): an embedded AWS emulator, the stack from infra/, demo data and the portal
on one origin, with the stream poller and the expiry timer. Ctrl-C stops everything this started."""
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

    from portal.local.emulator import fix_streams_in_transactions

    fix_streams_in_transactions()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server


def expire_periodically(runtime, interval: float, stop: threading.Event) -> threading.Thread:
    """Local mode's stand-in for the schedule (portal/lambda_entry.py): every `interval` seconds, close expired
    postings and rebuild Indeed's feed when postings were published since, then erase the applications past the
    retention period (hourly on AWS; every round here, where a run with nothing due is one Query)."""
    from portal.site import close_expired_postings, rebuild_feeds

    def run():
        while not stop.wait(interval):
            try:
                closed = close_expired_postings(runtime)
                if closed:
                    log.info("closed %d expired postings", closed)
                rebuild_feeds(runtime)
            except Exception:  # keep the timer alive; the next round tries again
                log.exception("the schedule's work failed")
            erase_expired_round(runtime)

    thread = threading.Thread(target=run, name="expire-postings", daemon=True)
    thread.start()
    return thread


def erase_expired_round(runtime) -> None:
    """One retention run of the local schedule, its failure logged and left to the next round (as on Lambda)."""
    from portal.applications.retention import erase_expired

    try:
        run = erase_expired(runtime)
        if run.erased:
            log.info("erased %d applications past the retention period", run.erased)
    except Exception:  # keep the timer alive; the next round tries again
        log.exception("the retention schedule failed")


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as Ctrl-C does, at any moment
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

    from portal import mail
    from portal.local.demo import seed_demo
    from portal.local.infra import deploy_stack
    from portal.local.poller import StreamPoller
    from portal.local.serving import site_dispatcher
    from portal.runtime import Runtime
    from portal.site import build_site, close_expired_postings
    from portal.web import create_app

    runtime = Runtime.from_environment()
    cfg = runtime.settings
    deploy_stack(runtime.client("cloudformation"), cfg.stack_name)
    mail.verify_sender(runtime.client("ses"), cfg.mail_from)
    counts = seed_demo(runtime)
    close_expired_postings(runtime)
    build_started = time.time()
    site_objects = build_site(runtime)
    app = create_app(runtime=runtime)
    # From the stream's oldest record, so the demo applications written above are screened and routed too. The
    # full build published every posting written so far: the pipeline need not publish them one by one again.
    poller = StreamPoller(runtime, cfg.pipeline_poll_seconds, cfg.pipeline_max_retry_attempts,
                          site_built_at=build_started).start()

    # The site bucket at the same paths as CloudFront serves it; the dynamic paths go to the app.
    server = make_server("127.0.0.1", port, site_dispatcher(app), threaded=True)
    stop_timers = threading.Event()
    expire_periodically(runtime, cfg.expiry_interval_seconds, stop_timers)
    base = f"http://127.0.0.1:{port}"
    try:
        _print_banner(base, site_objects, counts)
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


def _print_banner(base: str, site_objects: int, counts: dict) -> None:
    from portal.local.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

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


def exit_now(code: int) -> None:
    """Exit without tearing down the interpreter. Everything this process started is stopped by then, and the
    emulator's tables are hundreds of thousands of objects in this process: freeing them one by one at exit
    takes longer than the rest of Ctrl-C together, for memory the system reclaims at once."""
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    try:
        code = main()
    except KeyboardInterrupt:  # before the portal was serving: nothing to close that exiting does not end
        print("Stopped before the portal was ready.", flush=True)
        code = 0
    exit_now(code)
