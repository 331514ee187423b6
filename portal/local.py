"""Local mode (`make run`): an embedded AWS emulator, the stack from infra/, demo data and the portal on one origin.

Local mode only. Nothing here runs on Lambda. Ctrl-C stops everything this started.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import threading

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


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = int(os.environ.get("PORT", "5000"))
    moto_port = int(os.environ.get("MOTO_PORT", "5055"))
    emulator = None
    if not os.environ.get("AWS_ENDPOINT_URL"):
        emulator = start_emulator(moto_port)
    configure_environment(moto_port)

    from werkzeug.serving import make_server

    from portal import create_app, infra
    from portal.aws import resources
    from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo
    from portal.site import build_site, close_expired_postings
    from portal.site.serving import site_dispatcher

    app = create_app()
    with app.app_context():
        outputs = infra.deploy_stack(resources().client("cloudformation"), app.config["STACK_NAME"])
        counts = seed_demo(resources().table(outputs["MainTableName"]))
        close_expired_postings()
        site_objects = build_site()

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
        if emulator is not None:
            emulator.stop()
        print("Stopped the portal and the emulator.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
