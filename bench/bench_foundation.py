"""Figures of the foundation: cold import time, and DynamoDB calls for one /jobs/ page (applying: bench_apply.py).

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


def cold_import_ms(runs: int = 5) -> float:
    """Median wall time of `python -c "import portal.wsgi"` in fresh processes."""
    env = {**os.environ, "PORTAL_SECRET_KEY": "bench"}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import portal.wsgi"], cwd=ROOT, env=env, check=True)
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def figures(env) -> dict:
    sys.path.insert(0, str(ROOT))
    from portal.postings.repository import PostingRepository
    from tests.factories import make_posting

    stack = env.new_stack()
    app = env.new_app(stack)
    with app.app_context():
        table = app.extensions["aws"].table(app.config["MAIN_TABLE"])
        postings = [make_posting() for _ in range(60)]
        PostingRepository(table).put_many(postings)
    counter = DynamoCallCounter(app)

    from werkzeug.test import Client

    from portal.site import build_site
    from portal.local.serving import site_dispatcher

    with app.app_context():
        build_site()
    visitor = Client(site_dispatcher(app))
    with counter.counting():
        assert visitor.get("/jobs/").status_code == 200
    jobs_calls = counter.calls

    return {"cold_import_ms": cold_import_ms(), "jobs_page_ddb_calls": jobs_calls}
