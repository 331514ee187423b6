"""In a real browser: the static job board on a phone and a desktop, its filters, keyboard use and axe-core."""
import re

import pytest

from portal.postings.models import Address
from portal.postings.repository import PostingRepository
from portal.site import build_site
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, refused_by_policy, scrolls_sideways, tab_to, tab_to_text
from tests.factories import make_posting, make_remote_posting

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def postings(app, main_table):
    found = {
        "remote_tx": make_remote_posting(title="Remote Advocate Texas", remote_states=["TX", "OK"]),
        "remote_wa": make_remote_posting(title="Remote Advocate Washington", remote_states=["WA"]),
        "onsite_tx": make_posting(title="Dallas Sorter", address=Address("700 Westport Pkwy", "Dallas", "TX", "75241")),
        "onsite_wa": make_posting(title="Kent Picker", shifts=["weekend"], hours_min=10, hours_max=15),
    }
    PostingRepository(main_table).put_many(list(found.values()))
    build_site(app.extensions["portal"])
    return found


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_home_listing_facet_and_detail_pages_have_no_axe_violations(browser, live_server, postings, viewport):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    refused = refused_by_policy(page)
    for path in ("/", "/jobs/", "/jobs/remote/", "/jobs/state/", "/jobs/state/TX/",
                 f"/jobs/{postings['onsite_tx'].id}/", "/no/such/page/", "/apply/no-such-posting"):
        page.goto(live_server + path)
        assert axe_violations(page) == [], path
        assert not scrolls_sideways(page), f"{path} scrolls sideways at {viewport['width']}px"
    context.close()
    assert refused == [], "the portal's own pages need nothing its policy refuses"


def _titles(page) -> set[str]:
    return set(page.locator("#results .card h2").all_inner_texts())


def test_remote_jobs_i_can_take_from_my_state_and_the_url_keeps_the_filters(page, live_server, postings):
    page.goto(f"{live_server}/jobs/")
    page.get_by_label("Workplace").select_option("remote")
    page.get_by_label("State you live in").select_option("TX")
    page.get_by_role("status").filter(has_text="match").wait_for()
    assert _titles(page) == {"Remote Advocate Texas"}
    assert re.search(r"workplace=remote", page.url) and re.search(r"state=TX", page.url)
    assert axe_violations(page) == []

    shared = page.url
    page.goto("about:blank")
    page.goto(shared)  # a shared link shows the same jobs
    page.get_by_role("status").filter(has_text="match").wait_for()
    assert _titles(page) == {"Remote Advocate Texas"}
    assert page.get_by_label("Workplace").input_value() == "remote"

    page.get_by_label("Workplace").select_option("")
    page.get_by_role("status").filter(has_text="2 jobs match").wait_for()
    assert _titles(page) == {"Remote Advocate Texas", "Dallas Sorter"}  # on-site in Texas, remote open to it


def test_a_state_page_leads_to_the_remote_jobs_open_to_that_state(page, live_server, postings):
    page.goto(f"{live_server}/jobs/state/TX/")
    assert set(page.locator("#results .card h2").all_inner_texts()) == {"Dallas Sorter"}
    page.get_by_role("link", name="remote jobs open to people in Texas").click()
    page.get_by_role("status").filter(has_text="match").wait_for()
    assert _titles(page) == {"Remote Advocate Texas"}


def test_hours_shift_and_keyword_filters(page, live_server, postings):
    page.goto(f"{live_server}/jobs/?shift=weekend&hours=12")
    page.get_by_role("status").filter(has_text="match").wait_for()
    assert _titles(page) == {"Kent Picker"}
    page.goto(f"{live_server}/jobs/?q=advocate%20washington")
    page.get_by_role("status").filter(has_text="match").wait_for()
    assert _titles(page) == {"Remote Advocate Washington"}
    page.goto(f"{live_server}/jobs/?q=dallas")
    page.get_by_role("status").filter(has_text="match").wait_for()
    assert _titles(page) == {"Dallas Sorter"}


def test_the_keyboard_reaches_the_filters_and_the_jobs(page, live_server, postings):
    page.goto(f"{live_server}/jobs/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    tab_to(page, "f-q", limit=30)
    page.keyboard.type("sorter")
    page.get_by_role("status").filter(has_text="1 job matches").wait_for()
    tab_to_text(page, "Dallas Sorter", limit=30)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Dallas Sorter").wait_for()
    assert page.url.endswith(f"/jobs/{postings['onsite_tx'].id}/")


def test_without_javascript_the_facet_pages_link_to_each_other(browser, live_server, postings):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    refused = refused_by_policy(page)
    page.goto(f"{live_server}/jobs/")
    assert not page.locator("#filters").is_visible()
    # Each click starts a navigation; wait_for waits for the new page (is_visible alone raced it under load).
    page.get_by_role("link", name="Remote jobs").click()
    page.get_by_role("heading", name="Remote jobs").wait_for()
    page.get_by_role("link", name="Jobs by state").click()
    page.get_by_role("link", name="Texas", exact=True).click()
    page.get_by_role("heading", name="Jobs in Texas").wait_for()
    page.get_by_role("link", name="Dallas Sorter").wait_for()
    context.close()
    assert refused == [], "the portal's own pages need nothing its policy refuses"
