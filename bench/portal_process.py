"""The portal as `make run` serves it, in a child process, for tools that need it over HTTP (a real browser,
Lighthouse): `python -m portal.local` on free ports (PORT, MOTO_PORT), its own embedded emulator and the demo
data, the site bucket and the app on one origin.

    with running_portal() as base:      # "http://127.0.0.1:<port>", once /healthz answers
        ...                             # the portal is stopped when the block ends, even on an error

posting_and_apply_paths(base) finds a posting's page and its apply link from the site's own links.

Readiness is polled with a deadline (the portal answers /healthz only once the stack is deployed, the demo data
seeded and the site built). The child's output goes to a log file, whose tail is quoted if it fails to start.
"""
from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.common import free_port

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "build"
START_DEADLINE_S = 180  # deploy, seed and build take 20-60 s on a shared 2-core machine
STOP_DEADLINE_S = 60


def answers(url: str, timeout: float = 5) -> int | None:
    """The HTTP status of a GET of url, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_until(check, deadline_s: float, what: str, interval: float = 0.25, alive=None):
    """Call check() until it returns something truthy (returned), failing after deadline_s seconds or as soon as
    alive() says the process being waited for has gone. The short pause between polls only spaces them out."""
    deadline = time.monotonic() + deadline_s
    while True:
        result = check()
        if result:
            return result
        if alive is not None and not alive():
            raise RuntimeError(f"gave up waiting for {what}: the process exited")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {deadline_s:.0f} s")
        time.sleep(interval)


def links(base: str, path: str, prefix: str) -> list[str]:
    """The hrefs starting with prefix on the page at path, in document order, each once."""
    with urllib.request.urlopen(base + path, timeout=30) as resp:
        html = resp.read().decode("utf-8", "replace")
    return list(dict.fromkeys(re.findall(r'href="(%s[^"]*)"' % re.escape(prefix), html)))


def posting_and_apply_paths(base: str) -> tuple[str, str]:
    """A posting's page and the first apply step it links to: the first /jobs/<id>/ link of /jobs/ that is not a
    listing (the listings are the ones the home page links to) and that links to /apply/."""
    listings = set(links(base, "/", "/jobs/"))
    for href in links(base, "/jobs/", "/jobs/"):
        if href in listings or not re.fullmatch(r"/jobs/[^/]+/", href):
            continue
        applies = links(base, href, "/apply/")
        if applies:
            return href, applies[0]
    raise RuntimeError("no posting with an apply link is linked from /jobs/")


def _tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM (portal.local stops its server, poller and emulator as on Ctrl-C), then SIGKILL past the deadline."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_DEADLINE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def running_portal(name: str = "portal"):
    """Start `python -m portal.local` on free ports with its own emulator; yield its base URL once it answers;
    stop it when the block ends. ``name`` names the log file (build/<name>.log)."""
    LOG_DIR.mkdir(exist_ok=True)
    log_path = LOG_DIR / f"{name}.log"
    port, moto_port = free_port(), free_port()
    # As `make run` on a fresh shell: no AWS_ENDPOINT_URL (so it starts its own moto), no credentials or PORTAL_*
    # settings of the caller (the bench's moto, for instance).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PORTAL_"))}
    env.update(PORT=str(port), MOTO_PORT=str(moto_port), PYTHONUNBUFFERED="1")
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "portal.local"], cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            try:
                wait_until(lambda: answers(f"{base}/healthz") == 200, START_DEADLINE_S, f"{base}/healthz to answer",
                           alive=lambda: process.poll() is None)
            except (RuntimeError, TimeoutError) as exc:
                raise RuntimeError(f"the portal did not start ({exc}); the end of {log_path}:\n{_tail(log_path)}") from None
            yield base
        finally:
            _stop(process)
