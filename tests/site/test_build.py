"""`flask --app portal site build`: every page, facet, index, feed and sitemap, rendered with the app's templates."""
import json
import re
import xml.etree.ElementTree as ET

import pytest

from portal.postings.models import CLOSED, DRAFT
from tests.factories import make_posting, make_remote_posting
from tests.helpers import card_ids, jsonld_blocks, parse_errors

PAGE_SIZE = 20


@pytest.fixture(scope="module")
def postings(site):
    onsite = [make_posting(title=f"Picker {n}", employment_types=["PART_TIME"]) for n in range(PAGE_SIZE + 5)]
    texas = make_posting(title="Dock Associate Dallas", employment_types=["FULL_TIME"],
                         address=make_posting().address.__class__("700 Westport Pkwy", "Dallas", "TX", "75241"))
    remote = make_remote_posting(title="Customer Service Advocate", remote_states=["TX", "OR"],
                                 employment_types=["PART_TIME", "FULL_TIME"])
    closed = make_posting(title="Closed Packer", status=CLOSED)
    draft = make_posting(title="Draft Stower", status=DRAFT)
    site.put(*onsite, texas, remote, closed, draft)
    return {"onsite": onsite, "texas": texas, "remote": remote, "closed": closed, "draft": draft}


@pytest.fixture(scope="module")
def built(site, postings, runner_module):
    result = runner_module.invoke(args=["site", "build"])
    assert result.exit_code == 0, result.output
    assert re.search(r"Wrote \d+ objects", result.output)
    return site


@pytest.fixture(scope="module")
def runner_module(app):
    return app.test_cli_runner()


def test_listing_holds_every_open_posting_newest_first_across_pages(built, postings):
    ids = built.listing_ids("/jobs/")
    open_ids = [p.id for p in postings["onsite"]] + [postings["texas"].id, postings["remote"].id]
    assert sorted(set(ids)) == sorted(open_ids)
    assert postings["closed"].id not in ids and postings["draft"].id not in ids
    posted = {p.id: p.date_posted for p in [*postings["onsite"], postings["texas"], postings["remote"]]}
    dates = [posted[i] for i in card_ids(built.html("/jobs/"))]
    assert dates == sorted(dates, reverse=True)


def test_facet_pages_hold_their_postings_and_link_to_each_other(built, postings):
    remote, texas = postings["remote"], postings["texas"]
    assert built.listing_ids("/jobs/remote/") == [remote.id]
    assert texas.id in built.listing_ids("/jobs/full-time/") and remote.id in built.listing_ids("/jobs/full-time/")
    assert remote.id in built.listing_ids("/jobs/part-time/")
    assert built.listing_ids("/jobs/customer-service/") == [remote.id]
    assert texas.id in built.listing_ids("/jobs/fulfillment/")
    assert built.listing_ids("/jobs/state/TX/") == [texas.id]
    assert built.listing_ids("/jobs/state/VT/") == []  # every state page exists, so no link leads nowhere
    html = built.html("/jobs/remote/")
    for path in ("/jobs/", "/jobs/part-time/", "/jobs/full-time/", "/jobs/fulfillment/", "/jobs/customer-service/",
                 "/jobs/state/"):
        assert f'href="{path}"' in html
    assert 'href="/jobs/state/TX/"' in built.html("/jobs/state/")


def test_every_link_on_every_page_leads_to_an_object(built):
    missing = set()
    keys = built.keys()
    for key in keys:
        if not key.endswith(".html"):
            continue
        html = built.s3.get_object(Bucket=built.bucket, Key=key)["Body"].read().decode()
        for href in re.findall(r'(?:href|src)="(/[^"]*)"', html):
            if href.startswith(("/apply/", "/admin")):
                continue
            path = href.split("?")[0]
            target = path.lstrip("/") + ("index.html" if path.endswith("/") else "")
            if target not in keys:
                missing.add((key, href))
    assert not missing


def test_closed_posting_page_stays_without_markup_and_is_noindex(built, postings):
    html = built.html(f"/jobs/{postings['onsite'][0].id}/")
    assert jsonld_blocks(html)
    # The closed one was closed before any publish: its page appears when it is published and then closed
    # (test_publish); the full build renders published postings, open or past their date.
    assert built.get(f"/jobs/{postings['draft'].id}/").status_code == 404


def test_every_page_is_valid_html_and_weighs_under_100_kb_with_its_assets(built):
    keys = built.keys()
    assets = {k: built.s3.head_object(Bucket=built.bucket, Key=k)["ContentLength"]
              for k in keys if k.startswith("static/")}
    for key in sorted(k for k in keys if k.endswith(".html")):
        html = built.s3.get_object(Bucket=built.bucket, Key=key)["Body"].read().decode()
        assert parse_errors(html) == [], key
        linked = sum(size for asset, size in assets.items() if f'"/{asset}"' in html)
        assert len(html.encode()) + linked < 100_000, key


def test_objects_carry_their_content_type_and_cache_lifetime(built):
    def head(key):
        return built.s3.head_object(Bucket=built.bucket, Key=key)

    css = next(k for k in built.keys() if re.fullmatch(r"static/css/site\.[0-9a-f]{10}\.css", k))
    assert head(css)["ContentType"].startswith("text/css")
    assert "immutable" in head(css)["CacheControl"] and "max-age=31536000" in head(css)["CacheControl"]
    page = head("jobs/index.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert re.fullmatch(r"public, max-age=\d{1,3}", page["CacheControl"])
    assert head("jobs/search.json")["ContentType"] == "application/json"
    assert f'href="/{css}"' in built.html("/jobs/")


def test_search_index_is_chunked_and_compact(built, postings):
    manifest = json.loads(built.html("/jobs/search.json"))
    assert manifest["chunks"] and all(re.fullmatch(r"/jobs/search/\d+\.json", u) for u in manifest["chunks"])
    ids = built.search_ids()
    assert postings["remote"].id in ids and postings["closed"].id not in ids and postings["draft"].id not in ids
    record = next(r for u in manifest["chunks"] for r in json.loads(built.html(u)) if r["i"] == postings["remote"].id)
    assert record["w"] == "remote" and record["r"] == ["TX", "OR"] and record["h"] == [20, 30]
    assert "description" not in json.dumps(record)


def test_sitemap_lists_open_postings_and_listings(built, postings):
    index = ET.fromstring(built.html("/sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = []
    for loc in index.findall("s:sitemap/s:loc", ns):
        path = re.sub(r"^https?://[^/]+", "", loc.text)
        urls += [u.text for u in ET.fromstring(built.html(path)).findall("s:url/s:loc", ns)]
    assert any(u.endswith(f"/jobs/{postings['remote'].id}/") for u in urls)
    assert not any(postings["closed"].id in u or postings["draft"].id in u for u in urls)
    assert any(u.endswith("/jobs/remote/") for u in urls)


def test_rss_feed_lists_the_newest_open_jobs(built, postings):
    rss = ET.fromstring(built.html("/feeds/jobs.xml"))
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    links = [i.findtext("link") for i in rss.findall("channel/item")]
    assert any(link.endswith(f"/jobs/{postings['remote'].id}/") for link in links)
    assert not any(postings["closed"].id in link for link in links)


def test_indeed_feed_has_the_fields_indeed_reads(built, postings):
    feed = ET.fromstring(built.html("/feeds/indeed.xml"))
    assert feed.tag == "source"
    jobs = {j.findtext("referencenumber"): j for j in feed.findall("job")}
    assert postings["closed"].id not in jobs and postings["draft"].id not in jobs
    texas = jobs[postings["texas"].id]
    for field in ("title", "date", "referencenumber", "requisitionid", "url", "company", "city", "state", "country",
                  "postalcode", "description", "salary", "jobtype", "expirationdate"):
        assert texas.findtext(field), field
    assert texas.findtext("city") == "Dallas" and texas.findtext("state") == "TX"
    remote = postings["remote"]
    lines = [j for j in feed.findall("job") if j.findtext("requisitionid") == remote.id]
    assert len(lines) == len(remote.remote_states) >= 2, "a remote role: one job per state it is open to"
    for job in lines:
        assert job.findtext("remotetype") == "Fully remote" and job.findtext("city") == "Remote"
        assert job.findtext("country") == "US" and job.findtext("state") in remote.remote_states
        assert job.findtext("referencenumber") == f"{remote.id}-{job.findtext('state').lower()}"
