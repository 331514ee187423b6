"""Figures of the foundation: cold imports of the web app and of the pipeline, and DynamoDB calls for one /jobs/
page (applying: bench_apply.py; the unzipped Lambda package's cold invocations: bench_deploy.py).

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
            "python_startup_ms": cold_ms("pass"), "jobs_page_ddb_calls": counter.calls}
