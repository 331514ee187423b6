"""Figures of the triage queue: DynamoDB work for one page of 50, and page time at 1k and 100k applications.

All on dynalite (tests/dynalite/server.py), whose query time does not grow with the table as moto's does: queues
of 1,000, 10,000 and 100,000 applications in one table, each page fetched through the real admin route.
"""
from __future__ import annotations

import datetime
import statistics
import sys
import time
from pathlib import Path

from bench.common import DynamoCallCounter

ROOT = Path(__file__).resolve().parent.parent
PAGE = 50
QUEUES = {"q1k": 1_000, "q10k": 10_000, "q100k": 100_000}
RUNS = 30


def _load(table, team: str, count: int) -> None:
    from ulid import ULID

    from portal.applications.repository import ApplicationRepository
    from portal.postings.repository import PostingRepository
    from tests.factories import make_application, make_posting

    postings = [make_posting(team=team, title=f"Picker {n}") for n in range(5)]
    PostingRepository(table).put_many(postings)
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    repo = ApplicationRepository(table)
    batch = []
    for n in range(count):
        moment = start + datetime.timedelta(seconds=n * 30)
        batch.append(make_application(postings[n % 5], id=str(ULID.from_datetime(moment)), score=n % 100,
                                      shifts=["day", "night"] if n % 2 else ["weekend"]))
        if len(batch) == 1000:
            repo.put_many(batch)
            batch = []
    if batch:
        repo.put_many(batch)


def _pages_ms(client, urls: list[str]) -> list[float]:
    """Median time of each page; the pages take turns, so a noisy moment on the shared machine hits them alike."""
    times = {url: [] for url in urls}
    for url in urls:
        client.get(url)  # warm
    for _ in range(RUNS):
        for url in urls:
            started = time.perf_counter()
            resp = client.get(url)
            times[url].append((time.perf_counter() - started) * 1000)
            assert resp.status_code == 200, resp.status_code
    return [round(statistics.median(times[url]), 2) for url in urls]


def figures(env) -> dict:
    sys.path.insert(0, str(ROOT))
    from portal.accounts.models import Team
    from portal.accounts.repository import AccountRepository
    from tests.dynalite.server import Dynalite
    from tests.factories import PASSWORD, make_account
    from tests.helpers import login

    with Dynalite() as dynalite:
        names = dynalite.create_tables("bench-queue")
        table = dynalite.resource().Table(names["MainTable"])
        accounts = AccountRepository(table)
        for team in QUEUES:
            accounts.put_team(Team(team, team))
        accounts.put(make_account("bench@example.com", teams=list(QUEUES)))
        for team, count in QUEUES.items():
            print(f"# loading {count} applications into dynalite", file=sys.stderr, flush=True)
            _load(table, team, count)

        from portal.aws import AwsClients
        from portal.runtime import Runtime
        from portal.web import create_app

        # The app's runtime with its clients pointed at dynalite instead of the bench's moto.
        settings = env.new_runtime({"StackName": "bench-queue"}, main_table=names["MainTable"]).settings
        app = create_app(runtime=Runtime(settings, aws=AwsClients("us-east-1", endpoint_url=dynalite.endpoint_url)))
        client = app.test_client()
        assert login(client, "bench@example.com", PASSWORD).status_code == 303

        counter = DynamoCallCounter(app)
        url = "/admin/queues/{}/?stage=applied&sort=newest"
        client.get(url.format("q10k"))  # warm: templates compiled, connections open
        with counter.counting():
            assert client.get(url.format("q10k")).status_code == 200
        calls, items_read = counter.calls, counter.items_read
        with counter.counting():
            assert client.get(url.format("q10k") + "&shift=night&state=WA").status_code == 200
        filtered_calls, filtered_read = counter.calls, counter.items_read

        ms_1k, ms_100k, ms_100k_fit = _pages_ms(client, [
            url.format("q1k"), url.format("q100k"), "/admin/queues/q100k/?stage=applied&sort=fit&score_min=40&score_max=60"])
    return {
        "queue_page_ddb_calls": calls,
        "queue_page_items_read": items_read,
        "queue_page_filtered_ddb_calls": filtered_calls,
        "queue_page_filtered_items_read": filtered_read,
        "queue_page_ms_1k": ms_1k,
        "queue_page_ms_100k": ms_100k,
        "queue_page_ms_ratio_100k_1k": round(ms_100k / ms_1k, 2),
        "queue_page_fit_range_ms_100k": ms_100k_fit,
    }
