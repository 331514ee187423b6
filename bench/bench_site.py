"""Figures of the static site: render speed, full build speed, and the cost of publishing one posting at 1k and 10k.

Publishing must not grow with the site: the objects written and the time per publish are measured on a site of
1,000 and of 10,000 postings (seeded with batch writes, built once), each the median of a few new postings.
"""
from __future__ import annotations

import dataclasses
import datetime
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUBLISHES = 7


def _postings(count: int, today: datetime.date):
    from portal.local.demo import demo_postings

    return demo_postings(today, count)


def render_pages_per_s(app, postings, today) -> float:
    """Detail pages and every listing page of 10,000 postings, in memory: no DynamoDB, no S3.

    The listing pages are rendered from the postings' cards (search records), as the publisher keeps them.
    """
    from portal.site.feeds import search_record
    from portal.site.listings import every_listing, listing, listings_of
    from portal.site.pages import SiteRenderer

    with app.app_context():
        renderer = SiteRenderer(app.jinja_env, "https://jobs.example.com", today)
        renderer.posting(postings[0])  # templates compiled before the clock starts
        start = time.perf_counter()
        pages = 0
        for posting in postings:
            renderer.posting(posting)
            pages += 1
        size = app.config["PAGE_SIZE"]
        for name in every_listing():
            members = [search_record(p) for p in postings if name in listings_of(p)]
            chunks = [members[i:i + size] for i in range(0, len(members), size)] or [[]]
            for number, chunk in enumerate(chunks, start=1):
                renderer.listing_page(listing(name), number, len(chunks), chunk)
                pages += 1
        return round(pages / (time.perf_counter() - start), 1)


def _seeded_site(env, count: int, today):
    from portal.postings.repository import PostingRepository

    stack = env.new_stack()
    app = env.new_app(stack)
    with app.app_context():
        PostingRepository(app.extensions["aws"].table(app.config["MAIN_TABLE"])).put_many(_postings(count, today))
    return app


def _html_objects(app) -> int:
    from portal.site import site_s3

    with app.app_context():
        s3, bucket = site_s3(), app.config["SITE_BUCKET"]
        count, token = 0, None
        while True:
            resp = s3.list_objects_v2(Bucket=bucket, **({"ContinuationToken": token} if token else {}))
            count += sum(1 for o in resp.get("Contents", []) if o["Key"].endswith(".html"))
            if not resp.get("IsTruncated"):
                return count
            token = resp["NextContinuationToken"]


def full_build(app) -> float:
    """Seconds of one `site build` (render, bookkeeping, uploads to the emulated bucket)."""
    from portal.site import build_site

    with app.app_context():
        start = time.perf_counter()
        build_site()
        return time.perf_counter() - start


def publish_new(app, today, label: str) -> tuple[int, float]:
    """Median objects written and milliseconds for publishing a new posting, over a few new postings."""
    from portal.postings.repository import PostingRepository
    from portal.site import publish_posting

    template = _postings(1, today)[0]
    objects, times = [], []
    with app.app_context():
        repo = PostingRepository(app.extensions["aws"].table(app.config["MAIN_TABLE"]))
        publish_posting(template.id)  # clients and templates warm, as in a running pipeline
        for n in range(PUBLISHES):
            posting = dataclasses.replace(template, id=f"bench-new-{label}-{n}", date_posted=today.isoformat())
            repo.put(posting)
            start = time.perf_counter()
            objects.append(publish_posting(posting.id))
            times.append((time.perf_counter() - start) * 1000)
    return int(statistics.median(objects)), round(statistics.median(times), 1)


def figures(env) -> dict:
    sys.path.insert(0, str(ROOT))
    today = datetime.date.today()
    results = {}

    app = env.new_app(env.new_stack())
    results["site_render_pages_per_s"] = render_pages_per_s(app, _postings(10_000, today), today)
    print("# site: render done", file=sys.stderr, flush=True)

    small = _seeded_site(env, 1_000, today)
    full_build(small)
    results["site_publish_one_objects_1k"], results["site_publish_one_ms_1k"] = publish_new(small, today, "1k")
    print("# site: 1k done", file=sys.stderr, flush=True)

    large = _seeded_site(env, 10_000, today)
    seconds = full_build(large)
    results["site_full_build_pages_per_s"] = round(_html_objects(large) / seconds, 1)
    print(f"# site: 10k build {seconds:.1f} s", file=sys.stderr, flush=True)
    results["site_publish_one_objects_10k"], results["site_publish_one_ms_10k"] = publish_new(large, today, "10k")
    # The one object a publish rewrites whole, whose size grows with the site: Indeed takes only complete feeds.
    results["site_indeed_feed_mb_10k"] = round(_object_bytes(large, "feeds/indeed.xml") / 1e6, 2)
    return results


def _object_bytes(app, key: str) -> int:
    from portal.site import site_s3

    with app.app_context():
        return site_s3().head_object(Bucket=app.config["SITE_BUCKET"], Key=key)["ContentLength"]
