"""The public site's face (issue 14): the home page's search and sections, the benefits and military pages from
the employer's content (here a file of its own, named by the setting), posting pages with human dates, a way back
and their benefits, cards with badges, the logo in the JSON-LD, and the ZIP table "jobs near me" reads."""
import datetime
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest

from portal.site import employer
from portal.site.filters import human_date
from portal.site.pages import SiteRenderer
from tests.factories import make_posting, make_remote_posting
from tests.helpers import jsonld_blocks

DEMO = json.loads(employer.DEMO.read_text())
SEARCH_JS = (Path(__file__).resolve().parents[2] / "static" / "js" / "search.js").read_text()


def _content(**changes) -> dict:
    data = json.loads(json.dumps(DEMO))
    data.update(changes)
    return data


@pytest.fixture(scope="module")
def content_file(tmp_path_factory) -> Path:
    """Another employer's content: benefits from 25 hours, and words of its own."""
    data = _content(name="Acme Hiring", benefits_hours=25)
    data["home"]["heading"] = "Acme work near you"
    data["pages"]["benefits"]["heading"] = "Acme benefits from {benefits_hours} hours a week"
    data["pages"]["military"]["lead"] = "Acme moves with service families."
    data["programmes"]["tuition"] = "Acme pays your tuition."
    path = tmp_path_factory.mktemp("employer") / "acme.json"
    path.write_text(json.dumps(data))
    return path


@pytest.fixture(scope="module")
def settings_overrides(content_file) -> dict:
    return {"employer_content": str(content_file)}


@pytest.fixture(scope="module")
def postings(site):
    today = datetime.date.today()
    found = {
        "onsite": make_posting(title="Face Sorter", hours_min=20, hours_max=30, programmes=["tuition", "apprenticeship"],
                               date_posted=(today - datetime.timedelta(days=3)).isoformat(),
                               valid_through=(today + datetime.timedelta(days=60)).isoformat()),
        "short": make_posting(title="Face Weekend Picker", hours_min=10, hours_max=15, programmes=[]),
        "remote": make_remote_posting(title="Face Remote Advocate", hours_min=20, hours_max=24),
    }
    site.put(*found.values())
    site.build()
    return found


def _tree(html: str):
    return html5lib.parse(html, namespaceHTMLElements=False)


def _sitemap_urls(site) -> list[str]:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = []
    for loc in ET.fromstring(site.html("/sitemap.xml")).findall("s:sitemap/s:loc", ns):
        path = re.sub(r"^https?://[^/]+", "", loc.text)
        urls += [u.text for u in ET.fromstring(site.html(path)).findall("s:url/s:loc", ns)]
    return urls


def test_the_home_page_searches_jobs_with_the_parameters_the_search_page_reads(site, postings):
    tree = _tree(site.html("/"))
    form = next(f for f in tree.iter("form") if f.get("role") == "search")
    assert form.get("action") == "/jobs/" and form.get("method") == "get"
    inputs = {i.get("name"): i for i in form.iter("input")}
    assert set(inputs) == {"q", "zip", "workplace"}
    assert inputs["zip"].get("autocomplete") == "postal-code" and inputs["zip"].get("inputmode") == "numeric"
    assert inputs["workplace"].get("type") == "checkbox" and inputs["workplace"].get("value") == "remote"
    labels = {label.get("for") for label in form.iter("label")}
    assert {i.get("id") for i in inputs.values()} <= labels, "every field has its label"
    # search.js reads each of them: q and workplace among its filters, zip made into a state.
    names = re.search(r"var names = \[([^\]]+)\]", SEARCH_JS).group(1)
    assert '"q"' in names and '"workplace"' in names and 'get("zip")' in SEARCH_JS


def test_the_home_page_has_its_sections_and_every_link_on_it_exists(site, postings):
    html = site.html("/")
    assert "Acme work near you" in html, "the configured employer's words"
    assert "benefits start from 25 hours a week" in html
    for heading in ("Work from home", "Fulfilment centres", "Seasonal work"):
        assert f"<h2>{heading}</h2>" in html
    hrefs = set(re.findall(r'href="(/[^"]*)"', html))
    assert {"/jobs/remote/", "/jobs/fulfillment/", "/jobs/?category=seasonal", "/benefits/", "/military/"} <= hrefs
    keys = site.keys()
    for href in hrefs:
        path = href.split("?")[0]
        assert path.lstrip("/") + ("index.html" if path.endswith("/") else "") in keys, href


def test_benefits_and_military_pages_are_built_in_the_sitemap_and_use_the_configured_content(site, postings):
    benefits, military = site.html("/benefits/"), site.html("/military/")
    assert "<h1>Acme benefits from 25 hours a week</h1>" in benefits
    assert "Tuition programmes" in benefits and "Upskilling" in benefits
    assert "Military spouses" in military and "Veterans" in military and "Acme moves with service families." in military
    for html in (benefits, military):
        description = next(m.get("content") for m in _tree(html).iter("meta") if m.get("name") == "description")
        assert 50 <= len(description) <= 160
        assert "{benefits_hours}" not in html
    urls = _sitemap_urls(site)
    assert any(u.endswith("/benefits/") for u in urls) and any(u.endswith("/military/") for u in urls)
    footer = site.html("/jobs/")
    assert 'href="/benefits/"' in footer and 'href="/military/"' in footer


def test_the_demo_employer_is_the_default(runtime):
    renderer = SiteRenderer(runtime.templates, "https://jobs.example.com", datetime.date.today())
    assert renderer.employer.name == "Flexwork Jobs" and renderer.employer.benefits_hours == 20
    pages = {o.key: o.body.decode() for o in renderer.content_pages()}
    assert set(pages) == {"benefits/index.html", "military/index.html"}
    assert "Benefits from 20 hours a week" in pages["benefits/index.html"]


def test_a_content_link_to_a_page_the_site_lacks_is_refused(tmp_path):
    data = _content()
    data["home"]["sections"][2]["link"]["href"] = "/jobs/seasonal/"  # there is no seasonal listing
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="/jobs/seasonal/"):
        employer.load(path)
    data["home"]["sections"][2]["link"]["href"] = "/jobs/?season=winter"  # a parameter the search does not read
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError):
        employer.load(path)


def test_human_dates():
    assert human_date("2026-12-03") == "3 December 2026"
    assert human_date("2027-01-31") == "31 January 2027"
    assert human_date("") == "" and human_date("soon") == ""


def test_a_posting_page_has_human_dates_a_way_back_and_its_benefits(site, postings):
    posting = postings["onsite"]
    html = site.html(f"/jobs/{posting.id}/")
    assert f'Posted <time datetime="{posting.date_posted}">{human_date(posting.date_posted)}</time>' in html
    assert f'Apply by <time datetime="{posting.valid_through}">{human_date(posting.valid_through)}</time>' in html
    assert re.search(r'class="back-link"><a href="/jobs/">Back to all jobs</a>', html)
    assert "Benefits from 20 hours a week. This job's hours qualify." in html  # the posting's own threshold
    assert "<strong>Tuition assistance</strong>: Acme pays your tuition." in html
    assert "<strong>Apprenticeship</strong>" in html
    short = site.html(f"/jobs/{postings['short'].id}/")
    assert "This job offers 10–15 hours a week, fewer than that." in short
    assert "Tuition assistance" not in short, "only the programmes the posting has"


def test_the_admin_preview_renders_the_posting_template_with_the_apps_environment(app, postings):
    from flask import render_template

    posting = postings["onsite"]
    with app.test_request_context():
        html = render_template("public/posting.html", posting=posting, is_open=True, jsonld="", canonical="")
    assert human_date(posting.date_posted) in html and "Tuition assistance" in html


def test_cards_show_pay_hours_shift_and_benefits_badges(site, postings):
    html = site.html("/jobs/")
    cards = {m.group(1): m.group(2) for m in re.finditer(r'<li class="card">(.*?)</h2>(.*?)</li>\s*</ul>\s*</li>',
                                                         html, re.S)}
    by_title = {re.search(r">([^<]+)</a>", k).group(1): v for k, v in cards.items()}
    sorter = by_title["Face Sorter"]
    for kind, text in (("pay", "$18.50–$20.00 an hour"), ("hours", "20–30 hours a week"), ("shift", "Day, Night shifts")):
        assert f'<li class="badge {kind}">{text}</li>' in sorter
    assert "badge benefits" in sorter, "30 hours reach the employer's 25"
    assert "badge benefits" not in by_title["Face Remote Advocate"], "24 hours do not"
    assert "badge benefits" not in by_title["Face Weekend Picker"]


def test_the_jobposting_names_the_logo_and_the_logo_is_published(site, postings):
    data = jsonld_blocks(site.html(f"/jobs/{postings['onsite'].id}/"))[0]
    logo = data["hiringOrganization"]["logo"]
    base = site.runtime.settings.public_base_url.rstrip("/")
    assert re.fullmatch(re.escape(base) + r"/static/logo\.[0-9a-f]{10}\.svg", logo)
    resp = site.get(logo[len(base):])
    try:
        assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    finally:
        resp.close()
    assert f'src="{logo[len(base):]}"' in site.html("/"), "the header's wordmark is the same file"


def _js_state(table: dict, zip_code: str) -> str:
    """What search.js's zipState() answers."""
    if zip_code in table["zips"]:
        return table["zips"][zip_code]
    found = ""
    for prefix, state in table["ranges"]:
        if zip_code[:3] >= prefix:
            found = state
    return found


def test_the_zip_table_gives_each_zip_its_state(site, postings):
    from portal import geo

    table = json.loads(site.html("/jobs/zips.json"))
    assert len(site.html("/jobs/zips.json")) < 4000
    for code in ("98101", "98032", "75241", "73960", "10001", "99501", "96813", "20001", "00501", "06390"):
        assert _js_state(table, code) == geo.lookup_zip(code).state, code
    assert _js_state(table, "00000") == "" and _js_state(table, "09001") == "", "no state: an APO or no ZIP at all"
