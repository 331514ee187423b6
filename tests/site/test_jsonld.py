"""JobPosting markup on every published page, checked against Google's rules (shared/DESIGN.md), and kept safe."""
import datetime
import re

import pytest

from portal.postings.models import HYBRID
from portal.site.jsonld import script_json
from tests.factories import make_posting, make_remote_posting
from tests.helpers import jsonld_blocks, parse_errors

EMPLOYMENT_TYPES = {"FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN", "VOLUNTEER", "PER_DIEM", "OTHER",
                    "SEASONAL"}


def check_google_rules(data: dict, posting) -> None:
    assert data["@context"].startswith("https://schema.org") and data["@type"] == "JobPosting"
    for field in ("title", "description", "datePosted", "hiringOrganization"):
        assert data.get(field), field
    assert data["hiringOrganization"]["@type"] == "Organization" and data["hiringOrganization"]["name"]
    datetime.date.fromisoformat(data["datePosted"])
    assert data["validThrough"].startswith(posting.valid_through)
    assert set(data["employmentType"]) <= EMPLOYMENT_TYPES
    salary = data["baseSalary"]
    assert salary["currency"] == "USD" and salary["value"]["unitText"] in {"HOUR", "DAY", "WEEK", "MONTH", "YEAR"}
    assert salary["value"]["minValue"] <= salary["value"]["maxValue"]
    assert data["identifier"]["value"] == posting.id and data["directApply"] is True
    if data.get("jobLocationType") == "TELECOMMUTE":
        assert posting.workplace == "remote", "only a fully remote role is TELECOMMUTE"
        assert data["applicantLocationRequirements"], "a remote role says where applicants may live"
        assert all(r["@type"] in ("State", "Country") and r["name"] for r in data["applicantLocationRequirements"])
    else:
        assert posting.workplace != "remote"
        address = data["jobLocation"]["address"]
        assert data["jobLocation"]["@type"] == "Place" and address["@type"] == "PostalAddress"
        for field in ("streetAddress", "addressLocality", "addressRegion", "postalCode", "addressCountry"):
            assert address[field], field


@pytest.fixture(scope="module")
def published(site):
    postings = [
        make_posting(),
        make_posting(workplace=HYBRID, title="Hybrid Customer Advocate", category="customer-service"),
        make_remote_posting(),
        make_remote_posting(remote_states=[], title="Remote anywhere"),
        make_posting(title="Evil </script><script>alert(1)</script> & <!-- co",
                     description="Ends </script> early?\n\n<b>bold</b> & <!--"),
    ]
    site.put(*postings)
    site.build()
    return postings


def test_every_published_page_carries_jobposting_that_follows_googles_rules(site, published):
    checked = 0
    for key in sorted(k for k in site.keys() if re.fullmatch(r"jobs/[^/]+/index\.html", k)):
        posting = site.repo.get(key.split("/")[1])
        if posting is None:
            continue
        html = site.html("/" + key[: -len("index.html")])
        blocks = jsonld_blocks(html)
        assert len(blocks) == 1, key
        check_google_rules(blocks[0], posting)
        checked += 1
    assert checked >= len(published)


def test_remote_roles_without_states_are_open_to_the_whole_country(site, published):
    [data] = jsonld_blocks(site.html(f"/jobs/{published[3].id}/"))
    assert data["applicantLocationRequirements"] == [{"@type": "Country", "name": "USA"}]
    [data] = jsonld_blocks(site.html(f"/jobs/{published[2].id}/"))
    assert {r["name"] for r in data["applicantLocationRequirements"]} == {"Washington", "Oregon", "Texas"}


def test_hybrid_roles_are_not_telecommute(site, published):
    [data] = jsonld_blocks(site.html(f"/jobs/{published[1].id}/"))
    assert "jobLocationType" not in data and data["jobLocation"]["address"]["addressLocality"] == "Kent"


def test_text_with_a_closing_script_tag_cannot_break_out(site, published):
    evil = published[4]
    html = site.html(f"/jobs/{evil.id}/")
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in script and ">" not in script and "&" not in script
    assert html.count("<script") == 1, "no script element but the JSON-LD one"
    [data] = jsonld_blocks(html)
    assert data["title"] == evil.title  # the text survives, escaped
    assert parse_errors(html) == []


def test_script_json_escapes_what_could_end_the_element():
    text = script_json({"t": "</script><!--\u2028&"})
    assert str(text) == '{"t":"\\u003c/script\\u003e\\u003c!--\\u2028\\u0026"}'

