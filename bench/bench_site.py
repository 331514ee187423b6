"""Figures of the static site: render speed, full build speed, and the cost of publishing one posting at 1k and 10k.

Publishing must not grow with the site: the objects and bytes written and the time per publish are measured on a
site of 1,000 and of 10,000 postings (seeded with batch writes, built once), each the median of a few new postings.
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


def render_pages_per_s(runtime, postings, today) -> float:
    """Detail pages and every listing page of 10,000 postings, in memory: no DynamoDB, no S3.

    The listing pages are rendered from the postings' cards (search records), as the publisher keeps them.
    """
    from portal.site.feeds import search_record
    from portal.site.listings import every_listing, listing, listings_of
    from portal.site.pages import SiteRenderer

    renderer = SiteRenderer(runtime.templates, "https://jobs.example.com", today)
    renderer.posting(postings[0])  # templates compiled before the clock starts
    start = time.perf_counter()
    pages = 0
    for posting in postings:
        renderer.posting(posting)
        pages += 1
    size = runtime.settings.page_size
    for name in every_listing():
        members = [search_record(p) for p in postings if name in listings_of(p)]
        chunks = [members[i:i + size] for i in range(0, len(members), size)] or [[]]
        for number, chunk in enumerate(chunks, start=1):
            renderer.listing_page(listing(name), number, len(chunks), chunk)
            pages += 1
    return round(pages / (time.perf_counter() - start), 1)


def _seeded_site(env, count: int, today):
    runtime = env.new_runtime(env.new_stack())
    runtime.postings.put_many(_postings(count, today))
    return runtime


def _html_objects(runtime) -> int:
    return sum(1 for key in runtime.site_bucket.keys("") if key.endswith(".html"))


def full_build(runtime) -> float:
    """Seconds of one `site build` (render, bookkeeping, uploads to the emulated bucket)."""
    from portal.site import build_site

    start = time.perf_counter()
    build_site(runtime)
    return time.perf_counter() - start


class BytesWritten:
    """Body bytes of every PutObject and UploadPart made through one runtime's S3 client."""

    def __init__(self, runtime):
        self.total = 0
        events = runtime.client("s3").meta.events
        for operation in ("PutObject", "UploadPart"):
            events.register(f"before-parameter-build.s3.{operation}", self._count)

    def _count(self, params, **kwargs):
        body = params.get("Body", b"")
        self.total += len(body.encode() if isinstance(body, str) else body)


def publish_new(runtime, today, label: str) -> tuple[int, float, int]:
    """Median objects written, milliseconds and bytes written for publishing a new posting, over a few."""
    from portal.site import publish_posting

    template = _postings(1, today)[0]
    objects, times, sizes = [], [], []
    written = BytesWritten(runtime)
    publish_posting(runtime, template.id)  # clients and templates warm, as in a running pipeline
    for n in range(PUBLISHES):
        posting = dataclasses.replace(template, id=f"bench-new-{label}-{n}", date_posted=today.isoformat())
        runtime.postings.put(posting)
        before = written.total
        start = time.perf_counter()
        objects.append(publish_posting(runtime, posting.id))
        times.append((time.perf_counter() - start) * 1000)
        sizes.append(written.total - before)
    return int(statistics.median(objects)), round(statistics.median(times), 1), int(statistics.median(sizes))


def emulator_puts_per_s(runtime, body_bytes: int, count: int = 2_000) -> float:
    """The ceiling a build into the emulator cannot pass: bare uploads of page-sized objects through the same
    SiteBucket.put_all (same threads, same client), with nothing rendered and nothing read."""
    from portal.site.pages import SiteObject

    objects = [SiteObject(f"bench-ceiling/{n}.txt", b"x" * body_bytes, "text/plain", "no-cache") for n in range(count)]
    start = time.perf_counter()
    runtime.site_bucket.put_all(objects)
    return round(count / (time.perf_counter() - start), 1)


def figures(env) -> dict:
    from portal.site import rebuild_feeds

    sys.path.insert(0, str(ROOT))
    today = datetime.date.today()
    results = {}

    results["site_render_pages_per_s"] = render_pages_per_s(env.new_runtime(env.new_stack()),
                                                            _postings(10_000, today), today)
    print("# site: render done", file=sys.stderr, flush=True)

    small = _seeded_site(env, 1_000, today)
    full_build(small)
    results["site_publish_one_objects_1k"], results["site_publish_one_ms_1k"], bytes_1k = publish_new(small, today, "1k")
    print("# site: 1k done", file=sys.stderr, flush=True)

    large = _seeded_site(env, 10_000, today)
    seconds = full_build(large)
    results["site_full_build_pages_per_s"] = round(_html_objects(large) / seconds, 1)
    page = large.site_bucket.get(next(k for k in large.site_bucket.keys("jobs/") if k.endswith("/index.html")))
    results["site_emulator_puts_per_s"] = emulator_puts_per_s(small, len(page["body"]))
    print(f"# site: 10k build {seconds:.1f} s", file=sys.stderr, flush=True)
    results["site_publish_one_objects_10k"], results["site_publish_one_ms_10k"], bytes_10k = publish_new(
        large, today, "10k")
    results["site_publish_one_bytes_1k"], results["site_publish_one_bytes_10k"] = bytes_1k, bytes_10k
    results["site_publish_one_bytes_ratio_10k_1k"] = round(bytes_10k / bytes_1k, 2)
    # Indeed's complete feed, rebuilt by the schedule (not by a publish): how big it is at 10k.
    rebuild_feeds(large, force=True)
    feed = large.client("s3").head_object(Bucket=large.settings.site_bucket, Key="feeds/indeed.xml")
    results["site_indeed_feed_mb_10k"] = round(feed["ContentLength"] / 1e6, 2)
    return results
