"""The incremental publish: one posting's change rewrites only what it touches, in an order that never breaks a link."""
import re

import pytest

from portal.runtime import Runtime
from portal.web import create_app
from tests.conftest import settings_for
from portal.postings.models import CLOSED, DRAFT
from tests.factories import make_posting, make_remote_posting
from tests.helpers import jsonld_blocks

PAGE_SIZE = 3


@pytest.fixture(scope="module")
def settings_overrides():
    """Small pages, so a handful of postings spans several and a new page opens often."""
    return {"page_size": PAGE_SIZE}


@pytest.fixture(scope="module")
def initial(site):
    postings = [make_posting(title=f"Initial {n}") for n in range(7)]
    site.put(*postings)
    site.build()
    return postings


@pytest.fixture
def written_keys(runtime):
    """The keys the site's S3 client writes or deletes, in order."""
    keys = []

    def record(params, **kwargs):
        keys.append(params["Key"])

    events = runtime.site_bucket.s3.meta.events
    events.register("before-parameter-build.s3.PutObject", record)
    events.register("before-parameter-build.s3.DeleteObject", record)
    yield keys
    events.unregister("before-parameter-build.s3.PutObject", record)
    events.unregister("before-parameter-build.s3.DeleteObject", record)


def indeed_jobs(site) -> list:
    """The <job> elements of Indeed's feed, parsed as Indeed would, in feed order."""
    import xml.etree.ElementTree as ET

    return ET.fromstring(site.html("/feeds/indeed.xml")).findall("job")


def indeed_ids(site) -> list[str]:
    """The posting behind each <job> of Indeed's feed (its requisition id: one role, perhaps in several places)."""
    return [job.findtext("requisitionid") for job in indeed_jobs(site)]


def assert_every_link_resolves(site):
    keys = site.keys()
    for key in (k for k in keys if k.endswith(".html")):
        html = site.s3.get_object(Bucket=site.bucket, Key=key)["Body"].read().decode()
        for href in re.findall(r'href="(/jobs/[^"?]*)"', html):
            assert href.lstrip("/") + "index.html" in keys, (key, href)


def test_a_new_posting_appears_everywhere_and_writes_few_objects(site, initial, written_keys):
    new = make_remote_posting(title="Brand New Remote Role", employment_types=["PART_TIME", "FULL_TIME"])
    site.put(new)
    count = site.publish(new.id)
    assert count == len(written_keys) <= 25
    assert written_keys[0] == f"jobs/{new.id}/index.html", "the detail page first"
    assert new.id in re.findall(r'href="/jobs/([^/"]+)/"', site.html("/jobs/"))
    assert new.id in site.listing_ids("/jobs/remote/") and new.id in site.listing_ids("/jobs/part-time/")
    assert new.id in site.search_ids()
    assert f"/jobs/{new.id}/" in site.html("/feeds/jobs.xml")
    assert not any(k.startswith("feeds/indeed") for k in written_keys), "a publish leaves Indeed's feed to the schedule"
    assert new.id not in indeed_ids(site)
    assert site.rebuild_feeds() == 1
    lines = [job for job in indeed_jobs(site) if job.findtext("requisitionid") == new.id]
    assert sorted((j.findtext("referencenumber"), j.findtext("city"), j.findtext("state")) for j in lines) == [
        (f"{new.id}-{st.lower()}", "Remote", st) for st in sorted(new.remote_states)], "one job per state it is open to"
    assert {j.findtext("remotetype") for j in lines} == {"Fully remote"}
    assert site.rebuild_feeds() == 0, "nothing published since: nothing rebuilt"
    assert any(f"/jobs/{new.id}/" in site.html(f"/sitemaps/{k.split('/')[-1]}")
               for k in site.keys() if k.startswith("sitemaps/jobs-"))
    assert_every_link_resolves(site)


def test_listing_pages_are_anchored_at_the_oldest_so_a_new_page_opens_at_the_newest_end(site, initial, written_keys):
    before = {k for k in site.keys() if k.startswith("jobs/page/")}
    newcomers = [make_posting(title=f"Wave {n}") for n in range(4)]
    for posting in newcomers:
        written_keys.clear()
        site.put(posting)
        site.publish(posting.id)
        pages = [k for k in written_keys if re.fullmatch(r"jobs/(page/\d+/)?index\.html", k)]
        numbers = [int(re.search(r"\d+", k).group()) for k in pages if "page/" in k]
        assert numbers == sorted(numbers, reverse=True), "a new page is written before the page that links to it"
        assert pages[-1] == "jobs/index.html"
        assert_every_link_resolves(site)
    after = {k for k in site.keys() if k.startswith("jobs/page/")}
    assert before <= after and len(after) > len(before)
    # Page 1 still holds the oldest postings: nothing shifted.
    oldest = sorted(initial, key=lambda p: (p.date_posted, p.id))[:PAGE_SIZE]
    page_one = re.findall(r'<li class="card">\s*<h2><a href="/jobs/([^/"]+)/"', site.html("/jobs/page/1/"))
    assert set(page_one) == {p.id for p in oldest}
    assert set(site.listing_ids("/jobs/")) >= {p.id for p in initial + newcomers}


def test_objects_written_do_not_grow_with_the_number_of_postings(site, initial):
    counts = []
    for wave in range(3):
        batch = [make_posting(title=f"Filler {wave}-{n}") for n in range(6)]
        site.put(*batch)
        for posting in batch:
            site.publish(posting.id)
        probe = make_posting(title=f"Probe {wave}", employment_types=["PART_TIME"])
        site.put(probe)
        counts.append(site.publish(probe.id))
    assert max(counts) <= 25
    assert max(counts) - min(counts) <= 2, counts  # a new page may open (one more object per listing)


def test_an_edit_rewrites_the_page_and_the_listing_it_sits_on(site, initial):
    posting = initial[1]
    posting.title = "Renamed Picker"
    site.put(posting)
    assert site.publish(posting.id) <= 25
    assert "Renamed Picker" in site.html(f"/jobs/{posting.id}/")
    page = next(p for p in ("/jobs/page/1/", "/jobs/page/2/", "/jobs/page/3/") if posting.id in site.html(p))
    assert "Renamed Picker" in site.html(page)
    site.rebuild_feeds()
    assert indeed_ids(site).count(posting.id) == 1 and "Renamed Picker" in site.html("/feeds/indeed.xml")


def test_a_closed_posting_leaves_listings_index_feeds_and_sitemap_but_its_page_stays(site, initial):
    posting = initial[2]
    posting.status = CLOSED
    site.put(posting)
    site.publish(posting.id)
    assert posting.id not in site.listing_ids("/jobs/")
    assert posting.id not in site.search_ids()
    assert f"/jobs/{posting.id}/" not in site.html("/feeds/jobs.xml")
    site.rebuild_feeds()
    listed_in_indeed = indeed_ids(site)
    assert posting.id not in listed_in_indeed and initial[1].id in listed_in_indeed, "only the closed job left"
    assert not any(f"/jobs/{posting.id}/" in site.html("/" + k) for k in site.keys() if k.startswith("sitemaps/"))
    resp = site.get(f"/jobs/{posting.id}/")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "This job is closed" in html
    assert '<meta name="robots" content="noindex">' in html
    assert jsonld_blocks(html) == [] and f'href="/apply/{posting.id}"' not in html
    assert_every_link_resolves(site)


def test_publishing_twice_changes_nothing(site, initial):
    posting = initial[3]

    def snapshot():
        return {k: site.s3.get_object(Bucket=site.bucket, Key=k)["Body"].read() for k in site.keys()
                if not k.startswith("feeds/")}  # feeds carry their build time

    site.publish(posting.id)
    first = snapshot()
    site.publish(posting.id)
    assert snapshot() == first


def test_a_posting_back_in_draft_or_deleted_disappears(site, initial):
    posting = initial[4]
    posting.status = DRAFT
    site.put(posting)
    site.publish(posting.id)
    assert site.get(f"/jobs/{posting.id}/").status_code == 404
    assert posting.id not in site.listing_ids("/jobs/") and posting.id not in site.search_ids()
    site.rebuild_feeds()
    assert posting.id not in indeed_ids(site)
    assert_every_link_resolves(site)


def test_concurrent_publishes_lose_nothing(site, initial, stack):
    """Stream shards publish in parallel; the site's lock makes their read-modify-writes take turns."""
    import threading

    from portal.site import publish_posting

    newcomers = [make_posting(title=f"Parallel {n}") for n in range(4)]
    site.put(*newcomers)
    errors = []

    def publish(posting_id):
        # One runtime per worker, as separate Lambda invocations have: boto3 resources are not shared across threads.
        worker = Runtime(settings_for(stack, page_size=PAGE_SIZE))
        try:
            publish_posting(worker, posting_id)
        except Exception as exc:  # reported below, with the others
            errors.append(exc)

    threads = [threading.Thread(target=publish, args=(p.id,)) for p in newcomers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert {p.id for p in newcomers} <= set(site.listing_ids("/jobs/"))
    assert {p.id for p in newcomers} <= site.search_ids()
    assert site.rebuild_feeds() == 1
    assert all(indeed_ids(site).count(p.id) == 1 for p in newcomers), "the rebuild after them shows every one"
    assert_every_link_resolves(site)


def test_the_first_publish_on_a_site_never_built_builds_it(stack):
    """A posting published before anyone ran `site build` still gets a whole site, listings and indexes included."""
    import boto3

    from portal.local import infra
    from tests.helpers import Site

    fresh = infra.deploy_stack(boto3.client("cloudformation"), stack["StackName"] + "-fresh")
    fresh_stack = {**fresh, "StackName": stack["StackName"] + "-fresh"}
    site = Site(create_app(runtime=Runtime(settings_for(fresh_stack))), fresh_stack)
    posting = make_posting(title="First Ever")
    site.put(posting)
    site.publish(posting.id)
    assert site.listing_ids("/jobs/") == [posting.id]
    assert posting.id in site.search_ids()
    assert site.get("/sitemap.xml").status_code == 200


def test_a_rebuild_rerenders_pages_closed_or_withdrawn_without_a_publish(site, initial):
    """The pipeline may have missed a close (or a move back to draft): the full build still brings every page in line."""
    closed, withdrawn = initial[5], initial[6]
    assert jsonld_blocks(site.html(f"/jobs/{closed.id}/")), "open and marked up before"
    closed.status, withdrawn.status = CLOSED, DRAFT
    site.put(closed, withdrawn)  # no publish
    site.build()
    html = site.html(f"/jobs/{closed.id}/")
    assert "This job is closed" in html and jsonld_blocks(html) == []
    assert site.get(f"/jobs/{withdrawn.id}/").status_code == 404
    assert closed.id not in indeed_ids(site) and withdrawn.id not in indeed_ids(site)
    assert site.get("/jobs/remote/").status_code == 200, "listing pages are not mistaken for postings"
    assert_every_link_resolves(site)


def test_a_rebuild_racing_a_publish_is_followed_by_another(site, initial):
    """The feeds' bookkeeping counts publishes: a rebuild shows those counted when it started, so a publish during
    it leaves the feed marked stale, and the next schedule rebuilds it."""
    site.rebuild_feeds()
    late = make_posting(title="Published During A Rebuild")
    site.put(late)
    changes, built_from = site.runtime.site_state.feeds_changes()
    site.publish(late.id)  # counted after the rebuild below read the count
    site.runtime.site_state.feeds_built(changes)
    assert site.runtime.site_state.feeds_changes() == (changes + 1, changes)
    assert site.rebuild_feeds() == 1 and late.id in indeed_ids(site)
    site.runtime.site_state.feeds_built(changes)  # a slow, older rebuild finishing last does not move it back
    assert site.runtime.site_state.feeds_changes()[1] == changes + 1


def test_a_feed_larger_than_one_part_is_written_in_parts_and_reads_whole(site, initial):
    from portal.site.feeds import INDEED_KEY

    lines = [b"<x>" + bytes([65 + n % 26]) * 1000 + b"</x>\n" for n in range(30)]
    written = site.runtime.site_bucket.put_streamed(INDEED_KEY + ".test", iter(lines), "application/xml",
                                                    "public, max-age=300", part_bytes=5 * 1024 * 1024)
    assert written == sum(map(len, lines))
    big = [b"y" * (1024 * 1024)] * 11  # 11 MB: three parts of at least 5 MB, the last smaller
    assert site.runtime.site_bucket.put_streamed(INDEED_KEY + ".big", iter(big), "application/xml",
                                                 "public, max-age=300", part_bytes=5 * 1024 * 1024) == 11 * 2**20
    head = site.s3.head_object(Bucket=site.bucket, Key=INDEED_KEY + ".big")
    assert head["ContentLength"] == 11 * 2**20 and head["ContentType"] == "application/xml"
    assert head["ETag"].strip('"').endswith("-3"), "a multipart object of three parts"
