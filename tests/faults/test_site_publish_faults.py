"""S3 failing in the middle of a publish: no visitor meets a missing page meanwhile, and the retry makes it whole."""
import dataclasses
import json
import re
import weakref

import pytest
from boto3.dynamodb.conditions import Attr

from portal import pipeline, site
from portal.postings.models import CLOSED, DRAFT
from portal.site import publisher
from portal.site.pages import key_of
from tests.factories import make_posting
from tests.faults.conftest import failed, fresh_runtime
from tests.helpers import StreamTail

PAGE_SIZE = 3
CHUNK_SIZE = 3  # postings per search chunk: small, so a publish opens a chunk as it opens pages
# Six postings fill two pages of each listing they are on and two chunks: the seventh opens a page and a chunk.
INITIAL = [make_posting(title=f"Steady {n}") for n in range(6)]
NEWCOMER = make_posting(title="Newcomer")
SECOND = make_posting(title="Second newcomer")
# Where a visitor enters a site that is not public yet (its first build): the home page, and crawlers' sitemap.
ENTRIES = ("index.html", "sitemap.xml")
DYNAMIC = ("/apply/", "/applications/", "/api/", "/admin/", "/dev/")  # served by the app, not the bucket
CHANGES = {
    "a newcomer opens a page and a chunk": NEWCOMER,
    "a posting closes": dataclasses.replace(INITIAL[1], status=CLOSED),
    "a posting goes back to draft": dataclasses.replace(INITIAL[2], status=DRAFT),
}


@pytest.fixture(scope="module", autouse=True)
def small_chunks():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(publisher, "CHUNK_SIZE", CHUNK_SIZE)
        yield


class Bucket:
    """The site bucket as S3 lists it, with what each object links to; bodies are read once per version (ETag)."""

    def __init__(self, runtime):
        self.s3 = runtime.client("s3")
        self.name = runtime.settings.site_bucket
        self.base_url = runtime.settings.public_base_url.rstrip("/")
        self._links: dict[str, set[str]] = {}

    def etags(self) -> dict[str, str]:
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {o["Key"]: o["ETag"] for page in pages for o in page.get("Contents", [])}

    def body(self, key: str) -> bytes:
        return self.s3.get_object(Bucket=self.name, Key=key)["Body"].read()

    def links(self, key: str, etag: str) -> set[str]:
        """The keys the object sends a visitor (or a crawler, or the search page's script) to."""
        if etag not in self._links:
            text = self.body(key).decode()
            paths = set()
            if key.endswith(".html"):
                paths = {p for p in re.findall(r'(?:href|src)="(/[^"#?]*)', text) if not p.startswith(DYNAMIC)}
                if re.search(r'src="/static/js/search\.[^"]*"', text):
                    paths.add("/jobs/search.json")  # what the page's filters load
            elif key.endswith(".xml"):
                paths = {url[len(self.base_url):] or "/" for url in re.findall(r"<(?:loc|link)>([^<]+)<", text)}
            elif key == "jobs/search.json":
                paths = set(json.loads(text)["chunks"])
            elif key.startswith("jobs/search/"):
                paths = {f"/jobs/{record['i']}/" for record in json.loads(text)}
            self._links[etag] = {key_of(p) for p in paths}
        return self._links[etag]

    def missing(self, entries=None) -> list[tuple[str, str]]:
        """Every (object, missing object it links to) a visitor can reach from ``entries``: by default every object
        there (on a public site, any page may be bookmarked or indexed)."""
        etags, missing = self.etags(), []
        seen, todo = set(), [k for k in (entries or etags) if k in etags]
        while todo:
            key = todo.pop()
            if key in seen:
                continue
            seen.add(key)
            for target in self.links(key, etags[key]):
                if target not in etags:
                    missing.append((key, target))
                elif target.endswith((".html", ".xml", ".json")):
                    todo.append(target)
        return sorted(missing)


_buckets: "weakref.WeakKeyDictionary[object, Bucket]" = weakref.WeakKeyDictionary()


def bucket_of(runtime) -> Bucket:
    """One Bucket per runtime, so what it read of each object version is read once."""
    return _buckets.setdefault(runtime, Bucket(runtime))


class Snapshot:
    """A stack's site (bucket objects, bookkeeping and postings) at one moment, to put back before each case."""

    def __init__(self, runtime):
        self.runtime, self.bucket = runtime, bucket_of(runtime)
        self.objects = {key: self._read(key) for key in self.bucket.etags()}
        self.items = {(i["pk"], i["sk"]): i for i in site_items(runtime)}

    def _read(self, key):
        resp = self.bucket.s3.get_object(Bucket=self.bucket.name, Key=key)
        return {"ETag": resp["ETag"], "Body": resp["Body"].read(), "ContentType": resp["ContentType"],
                "CacheControl": resp.get("CacheControl", "")}

    def restore(self) -> None:
        for key, etag in self.bucket.etags().items():
            if key not in self.objects:
                self.bucket.s3.delete_object(Bucket=self.bucket.name, Key=key)
        now = self.bucket.etags()
        for key, obj in self.objects.items():
            if now.get(key) != obj["ETag"]:
                self.bucket.s3.put_object(Bucket=self.bucket.name, Key=key, Body=obj["Body"],
                                          ContentType=obj["ContentType"], CacheControl=obj["CacheControl"])
        now = {(i["pk"], i["sk"]): i for i in site_items(self.runtime)}
        with self.runtime.main_table.batch_writer() as batch:
            for key in now.keys() - self.items.keys():
                batch.delete_item(Key={"pk": key[0], "sk": key[1]})
            for key, item in self.items.items():
                if now.get(key) != item:
                    batch.put_item(Item=item)


def site_items(runtime) -> list[dict]:
    """The site's bookkeeping and the postings, read whole (a test's check, never a request path)."""
    table, found, start = runtime.main_table, [], None
    while True:
        resp = table.scan(FilterExpression=Attr("pk").begins_with("SITE#") | Attr("pk").begins_with("POSTING#"),
                          ConsistentRead=True, **({"ExclusiveStartKey": start} if start else {}))
        found += resp["Items"]
        start = resp.get("LastEvaluatedKey")
        if not start:
            return found


def bookkeeping(runtime) -> dict:
    """What the next publish will read: manifest, listing pages (their cards in any order: pages show them sorted),
    placements; not the lock or the feeds' tally."""
    return {(i["pk"], i["sk"]): {**i, **({"cards": sorted(json.loads(i["cards"]), key=lambda c: c["i"])}
                                         if "cards" in i else {})}
            for i in site_items(runtime) if i["pk"].startswith("SITE#") and i["pk"] not in ("SITE#FEEDS", "SITE#LOCK")}


def differences(faulted, reference) -> dict:
    """Objects that differ between the two sites (the RSS feed by its items: its build time differs)."""
    a, b = bucket_of(faulted), bucket_of(reference)
    ea, eb = a.etags(), b.etags()
    found = {k: (ea.get(k), eb.get(k)) for k in ea.keys() | eb.keys()
             if not k.startswith("feeds/") and ea.get(k) != eb.get(k)}
    items = [re.findall(r"<item>.*?</item>", x.body("feeds/jobs.xml").decode()) for x in (a, b)]
    if items[0] != items[1]:
        found["feeds/jobs.xml"] = "other items"
    if bookkeeping(faulted) != bookkeeping(reference):
        found["bookkeeping"] = "differs"
    return found


def written_keys(runtime, change) -> list[str]:
    """The keys a fault-free publish of ``change`` writes or deletes, in order (each one a place to fail)."""
    keys = []

    def note(params, **kwargs):
        keys.append(params["Key"])

    events = runtime.client("s3").meta.events
    for operation in ("PutObject", "DeleteObject"):
        events.register(f"before-parameter-build.s3.{operation}", note)
    try:
        runtime.postings.put(change)
        site.publish_posting(runtime, change.id)
    finally:
        for operation in ("PutObject", "DeleteObject"):
            events.unregister(f"before-parameter-build.s3.{operation}", note)
    return keys


def built(label: str):
    runtime = fresh_runtime(label, page_size=PAGE_SIZE)
    runtime.postings.put_many(INITIAL)
    site.build_site(runtime)
    return runtime


@pytest.fixture(scope="module")
def faulted():
    """A built site, and its snapshot to return to before each case."""
    runtime = built("faulted")
    return runtime, Snapshot(runtime)


@pytest.fixture(scope="module")
def references():
    """For each change, a site that published it without faults, and the keys that publish wrote."""
    found = {}
    for name, change in CHANGES.items():
        runtime = built("reference")
        found[name] = runtime, written_keys(runtime, change)
    return found


# The objects a publish writes, one of each kind (the other listings' pages behave as the ones named here).
KINDS = {
    "its own page": r"jobs/test-posting-\d+/index\.html",
    "a new listing page": r"jobs/page/3/index\.html",
    "the page before": r"jobs/page/2/index\.html",
    "a state's page": r"jobs/state/WA/page/\d/index\.html",
    "the front page": r"jobs/index\.html",
    "a facet's front page": r"jobs/part-time/index\.html",
    "its search chunk": r"jobs/search/\d\.json",
    "its sitemap": r"sitemaps/jobs-\d\.xml",
    "the RSS feed": r"feeds/jobs\.xml",
    "the search manifest": r"jobs/search\.json",
    "the sitemap index": r"sitemap\.xml",
}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("name", list(CHANGES))
def test_a_publish_failing_at_any_object_stays_consistent_and_its_retry_repairs_it(faulted, references, faults, name,
                                                                                   kind):
    runtime, snapshot = faulted
    reference, keys = references[name]
    failing = next((k for k in keys if re.fullmatch(KINDS[kind], k)), None)
    if failing is None:
        pytest.skip(f"this publish does not write {kind}")
    snapshot.restore()
    change = CHANGES[name]
    runtime.postings.put(change)
    s3 = runtime.client("s3")
    refused = [faults.refuse(s3, operation, "server", when=lambda params: params["Key"] == failing)
               for operation in ("PutObject", "DeleteObject")]

    with pytest.raises(Exception, match="InternalError"):
        site.publish_posting(runtime, change.id)

    assert sum(r.seen for r in refused) >= 1
    assert bucket_of(runtime).missing() == [], f"with {failing} not written, a visitor meets a missing page"
    faults.clear()
    site.publish_posting(runtime, change.id)  # the pipeline's retry of the record
    assert differences(runtime, reference) == {}, f"the retry after {failing} failed left the site unlike a clean one"


def test_the_sites_before_any_fault_are_whole_and_alike(faulted, references):
    runtime, _ = faulted
    assert bucket_of(runtime).missing() == []
    for name, (reference, keys) in references.items():
        assert bucket_of(reference).missing() == [], name
        own = keys[-1] if CHANGES[name].status == DRAFT else keys[0]
        assert own == f"jobs/{CHANGES[name].id}/index.html", "its own page first, or taken down last"
        unnamed = [k for k in keys if not any(re.fullmatch(kind, k) for kind in KINDS.values())]
        assert all(re.fullmatch(r"jobs/.+/index\.html", k) for k in unnamed), "every kind of object has a fault"
    assert len(references["a newcomer opens a page and a chunk"][1]) >= 15, "pages, fronts, chunk and indexes"


# --- the first publish of a site never built builds all of it ---------------------------------------------------


@pytest.fixture(scope="module")
def first_build():
    """A site built by its first publish, without faults, and the keys that wrote."""
    runtime = fresh_runtime("first", page_size=PAGE_SIZE)
    runtime.postings.put_many(INITIAL)
    return runtime, written_keys(runtime, NEWCOMER)


# One key of each kind the build writes, in its order: a posting, a numbered page, a front page, a search chunk, the
# search manifest, Indeed's feed, the home page.
FIRST_BUILD_FAILURES = [r"jobs/test-posting-\d+/index.html", r"jobs/page/1/index.html", r"jobs/index.html",
                        r"jobs/search/1.json", r"jobs/search.json", r"feeds/indeed.xml", r"index.html"]


@pytest.mark.parametrize("kind", FIRST_BUILD_FAILURES)
def test_a_first_publish_failing_mid_build_stays_consistent_and_its_retry_builds_the_rest(first_build, faults, kind):
    reference, keys = first_build
    failing = next(k for k in keys if re.fullmatch(kind, k))
    runtime = fresh_runtime("first-faulted", page_size=PAGE_SIZE)
    runtime.postings.put_many([*INITIAL, NEWCOMER])
    faults.refuse(runtime.client("s3"), "PutObject", "server", when=lambda params: params["Key"] == failing)
    with pytest.raises(Exception, match="InternalError"):
        site.publish_posting(runtime, NEWCOMER.id)
    assert bucket_of(runtime).missing(ENTRIES) == [], f"with {failing} not written, a visitor meets a missing page"
    faults.clear()
    site.publish_posting(runtime, NEWCOMER.id)
    assert differences(runtime, reference) == {}, f"the retry after {failing} failed did not finish the build"


# --- through the pipeline: the failed publish is reported, and Lambda's retry repairs --------------------------


def test_a_publish_failing_in_the_pipeline_is_reported_and_the_retry_of_its_record_repairs_the_site(references, faults):
    reference, keys = references["a newcomer opens a page and a chunk"]
    failing = "jobs/search.json"
    assert failing in keys
    runtime = built("pipeline")
    stream = StreamTail(runtime.main_table.name)
    runtime.postings.put(NEWCOMER)
    event = stream.event()
    refused = faults.refuse(runtime.client("s3"), "PutObject", "throttling", when=lambda p: p["Key"] == failing)
    first = pipeline.handle_batch(runtime, event)
    assert refused.seen == 5, "S3's SlowDown retried by the SDK first, with the shared policy"
    assert failed(first) == [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
    assert bucket_of(runtime).missing() == []
    faults.clear()
    assert failed(pipeline.handle_batch(runtime, event)) == []
    assert differences(runtime, reference) == {}


def test_another_publish_between_the_failure_and_the_retry_loses_neither(faulted, faults):
    """Lambda retries the failed record later; meanwhile other records publish their postings."""
    runtime, snapshot = faulted
    reference = built("interleaved")
    for posting in (NEWCOMER, SECOND):
        reference.postings.put(posting)
        site.publish_posting(reference, posting.id)
    snapshot.restore()
    runtime.postings.put_many([NEWCOMER, SECOND])
    faults.refuse(runtime.client("s3"), "PutObject", "server", when=lambda p: p["Key"] == "jobs/page/3/index.html")
    with pytest.raises(Exception, match="InternalError"):
        site.publish_posting(runtime, NEWCOMER.id)
    faults.clear()
    site.publish_posting(runtime, SECOND.id)
    assert bucket_of(runtime).missing() == []
    site.publish_posting(runtime, NEWCOMER.id)
    assert differences(runtime, reference) == {}
