"""Figures of the foundation: cold imports of the web app and of the pipeline, DynamoDB calls for one /jobs/
page, and how long `make run` takes to stop on Ctrl-C (applying: bench_apply.py; the unzipped Lambda package's
cold invocations: bench_deploy.py).

/jobs/ is a static page in the site bucket (portal/site), so a visit costs no DynamoDB call at all.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import DynamoCallCounter

ROOT = Path(__file__).resolve().parent.parent
COLD_RUNS = 5
# What each cold figure times, in a fresh interpreter: the web app as Zappa and gunicorn import it, and the
# stream function's first step, importing the pipeline and handling a batch (an empty one: no AWS call).
WEB_APP = "import portal.wsgi"
PIPELINE = "import portal.pipeline; portal.pipeline.handle({'Records': []}, None)"


def cold_ms(code: str, runs: int = COLD_RUNS) -> float:
    """Median wall time of `python -c CODE` in fresh processes (after one unmeasured run that warms the disk cache)."""
    env = {**os.environ, "PORTAL_SECRET_KEY": "bench", "PORTAL_STACK_NAME": "bench-cold"}
    times = []
    for n in range(runs + 1):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
        if n:
            times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def local_stop_ms(runs: int = 3) -> float:
    """Median milliseconds from Ctrl-C (SIGINT) to the exit of `make run` (python -m portal.local, on its own
    embedded emulator), signalled once the banner is printed and the poller is still working through the demo."""
    import signal

    from bench.common import free_port

    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PORTAL_"))}
    times = []
    for _ in range(runs):
        proc = subprocess.Popen([sys.executable, "-m", "portal.local"], cwd=ROOT, text=True, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, env={**env, "PORT": str(free_port()),
                                                               "MOTO_PORT": str(free_port())})
        for line in proc.stdout:
            if "Press Ctrl-C" in line:
                break
        start = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=60)[0]
        times.append((time.perf_counter() - start) * 1000)
        assert proc.returncode == 0, rest[-3000:]
    return round(statistics.median(times), 1)


def figures(env) -> dict:
    sys.path.insert(0, str(ROOT))
    from werkzeug.test import Client

    from portal.local.serving import site_dispatcher
    from portal.site import build_site
    from tests.factories import make_posting

    app = env.new_app(env.new_stack())
    runtime = app.extensions["portal"]
    runtime.postings.put_many([make_posting() for _ in range(60)])
    build_site(runtime)
    counter = DynamoCallCounter(app)
    visitor = Client(site_dispatcher(app))
    with counter.counting():
        assert visitor.get("/jobs/").status_code == 200
    return {"cold_import_ms": cold_ms(WEB_APP), "pipeline_cold_import_ms": cold_ms(PIPELINE),
            "python_startup_ms": cold_ms("pass"), "jobs_page_ddb_calls": counter.calls,
            "local_run_stop_ms": local_stop_ms()}
