"""`make run` (portal/local/__main__.py) as a person runs it: it starts, serves, and stops on Ctrl-C or SIGTERM."""
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def make_run():
    """Starts `python -m portal.local` on free ports, as a new user's shell would (no AWS or portal settings);
    yields the process and its two ports, and kills it if a test left it running."""
    port, moto_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PORTAL_"))}
    env.update(PORT=str(port), MOTO_PORT=str(moto_port))
    proc = subprocess.Popen([sys.executable, "-m", "portal.local"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    yield proc, port, moto_port
    if proc.poll() is None:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_make_run_serves_and_stops_everything_on_a_signal(make_run, signum):
    proc, port, moto_port = make_run
    seen = []
    for line in proc.stdout:  # blocks until the banner; the fixture ends a run that never gets there
        seen.append(line)
        if "Press Ctrl-C" in line:
            break
    assert any("Press Ctrl-C" in line for line in seen), "".join(seen[-30:])
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
        assert response.status == 200
    # A browser keeps its connection open; stopping must not wait for it.
    idle = socket.create_connection(("127.0.0.1", port))
    proc.send_signal(signum)
    # How fast it stops is `make bench` (local_run_stop_ms); this checks that it stops, everything with it.
    rest = proc.communicate(timeout=20)[0]
    idle.close()
    assert proc.returncode == 0, rest
    assert "Stopped the portal and the emulator." in rest
    for busy in (port, moto_port):
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", busy)) != 0, f"port {busy} still answers"


def test_a_signal_while_starting_stops_it_cleanly(make_run):
    proc, _, _ = make_run
    proc.stdout.readline()  # its first log line: the emulator is up, the stack and the demo data are not
    proc.send_signal(signal.SIGINT)
    rest = proc.communicate(timeout=20)[0]
    assert proc.returncode == 0, rest
    assert "Traceback" not in rest and "Stopped" in rest
