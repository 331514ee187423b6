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
                 f"/jobs/{postings['onsite_tx'].id}/", "/benefits/", "/military/", "/no/such/page/",
                 "/apply/no-such-posting"):
        page.goto(live_server + path)
        assert axe_violations(page) == [], path
        assert not scrolls_sideways(page), f"{path} scrolls sideways at {viewport['width']}px"
    context.close()
    assert refused == [], "the portal's own pages need nothing its policy refuses"


def _titles(page) -> set[str]:
    return set(page.locator("#results .card h2").all_inner_texts())


def _open_filters(page) -> None:
    """Unfold the panel of filters, folded on a phone (the keyword stays in view)."""
    if not page.evaluate("document.getElementById('filter-panel').open"):
        page.locator("#filter-summary").click()


def test_remote_jobs_i_can_take_from_my_state_and_the_url_keeps_the_filters(page, live_server, postings):
    page.goto(f"{live_server}/jobs/")
    _open_filters(page)
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

    _open_filters(page)
    page.get_by_label("Workplace").select_option("")
    page.get_by_role("status").filter(has_text="2 jobs match").wait_for()
    assert _titles(page) == {"Remote Advocate Texas", "Dallas Sorter"}  # on-site in Texas, remote open to it


def test_the_home_page_finds_jobs_near_a_zip_and_remote_jobs_open_to_its_state(page, live_server, postings):
    page.goto(f"{live_server}/")
    page.get_by_label("Your ZIP code").fill("75241")  # Dallas
    page.get_by_role("button", name="Find jobs").click()
    page.get_by_role("status").filter(has_text="match").wait_for()
    assert _titles(page) == {"Remote Advocate Texas", "Dallas Sorter"}  # on-site in Texas, remote open to it
    assert page.get_by_label("State you live in").input_value() == "TX"
    assert "state=TX" in page.url and "zip=" not in page.url, "the ZIP becomes the state and leaves the URL"

    page.goto(f"{live_server}/")
    page.get_by_label("Your ZIP code").fill("98101")  # Seattle
    page.get_by_label("Only remote jobs open to my state").check()
    page.get_by_role("button", name="Find jobs").click()
    page.get_by_role("status").filter(has_text="match").wait_for()
    assert _titles(page) == {"Remote Advocate Washington"}

    page.goto(f"{live_server}/jobs/?zip=00000")
    page.get_by_role("status").filter(has_text="could not find the ZIP code 00000").wait_for()


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


# Search on a phone (issue 14): folded filters, the count of matches, focus on the results, numbered pages.

@pytest.fixture(scope="module")
def packers(app, main_table, postings):
    """More matches than one page of results (20 a page): 23 night packers, a word no other test looks for."""
    found = [make_posting(title=f"Night Packer {n}", shifts=["night"]) for n in range(23)]
    PostingRepository(main_table).put_many(found)
    build_site(app.extensions["portal"])
    return found


def _box(page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


def test_on_a_phone_the_filters_are_folded_and_open_by_keyboard(page, live_server, postings):
    page.goto(f"{live_server}/jobs/?workplace=remote&state=TX")
    page.get_by_role("status").filter(has_text="match").wait_for()
    assert not page.evaluate("document.getElementById('filter-panel').open")
    assert not page.get_by_label("Workplace").is_visible()
    assert page.get_by_label("Keyword").is_visible()  # the keyword stays in view
    summary = page.locator("#filter-summary")
    assert summary.inner_text().split() == ["Filters", "(2", "set)"]
    assert _box(page, "#filter-summary")["height"] >= 44
    # The results start on the first screen, not below a screenful of filters.
    assert _box(page, "#results .card")["y"] < PHONE["height"]

    tab_to(page, "filter-summary", limit=30)
    page.keyboard.press("Enter")
    page.get_by_label("Workplace").wait_for()
    assert page.evaluate("document.getElementById('filter-panel').open")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-workplace"
    assert not scrolls_sideways(page)
    assert axe_violations(page) == []
    page.get_by_label("Workplace").select_option("")
    page.get_by_role("status").filter(has_text="2 jobs match").wait_for()
    assert summary.inner_text().split() == ["Filters", "(1", "set)"]
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")  # folds it again
    page.get_by_label("Workplace").wait_for(state="hidden")


def test_on_a_wide_screen_the_filters_are_open(browser, live_server, postings):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server}/jobs/")
    page.get_by_label("Workplace").wait_for()
    assert page.evaluate("document.getElementById('filter-panel').open")
    assert page.locator("#filter-summary").inner_text().split() == ["Filters", "(none", "set)"]
    context.close()


def test_a_search_says_how_many_match_and_moves_focus_to_the_results(page, live_server, postings):
    page.goto(f"{live_server}/jobs/")
    status = page.locator("#results-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    page.get_by_label("Keyword").fill("advocate")
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="2 jobs match").wait_for()
    cards = page.locator("#results .card").count()
    assert status.inner_text() == f"{cards} jobs match."
    assert page.evaluate("document.activeElement.id") == "results-heading"
    assert page.locator("#results-heading").get_attribute("tabindex") == "-1"
    top = _box(page, "#results-heading")["y"]
    assert 0 <= top < PHONE["height"] / 3, "the results heading is scrolled into view"
    assert "q=advocate" in page.url
    # From the heading, the next Tab is the first job.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.card') !== null")

    page.get_by_label("Keyword").fill("no such job anywhere")
    page.get_by_role("status").filter(has_text="0 jobs match").wait_for()
    assert page.locator("#results .card").count() == 0


def _current_page(page) -> str:
    return page.locator('.pager [aria-current="page"]').inner_text().replace("Page", "").strip()


def test_results_have_numbered_pages_kept_in_the_url_and_back_returns(page, live_server, packers):
    page.goto(f"{live_server}/jobs/")
    page.get_by_label("Keyword").fill("night packer")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("status").filter(has_text="23 jobs match").wait_for()
    assert page.locator("#results .card").count() == 20
    pager = page.get_by_role("navigation", name="Pages of results")
    assert _current_page(page) == "1"
    assert pager.get_by_role("link").all_text_contents() == ["Page 1", "Page 2", "Next"]
    for link in pager.get_by_role("link").all():
        box = link.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    assert not scrolls_sideways(page)
    assert axe_violations(page) == []

    pager.get_by_role("link", name="Page 2").click()
    page.get_by_role("status").filter(has_text="page 2 of 2").wait_for()
    assert re.search(r"q=night\+packer", page.url) and re.search(r"page=2", page.url)
    assert page.locator("#results .card").count() == 3
    assert _current_page(page) == "2"
    assert pager.get_by_role("link").all_text_contents() == ["Previous", "Page 1", "Page 2"]
    assert page.evaluate("document.activeElement.id") == "results-heading"
    second = _titles(page)

    page.go_back()
    page.get_by_role("status").filter(has_text="page 1 of 2").wait_for()
    assert "page=" not in page.url and "q=night+packer" in page.url
    assert page.locator("#results .card").count() == 20 and _current_page(page) == "1"
    assert page.get_by_label("Keyword").input_value() == "night packer"

    page.go_forward()
    page.get_by_role("status").filter(has_text="page 2 of 2").wait_for()
    assert _titles(page) == second

    # A shared link to page 2 opens on page 2; a job's page and Back return to it.
    shared = page.url
    page.goto("about:blank")
    page.goto(shared)
    page.get_by_role("status").filter(has_text="page 2 of 2").wait_for()
    assert _titles(page) == second
    page.locator("#results .card a").first.click()
    page.wait_for_url(re.compile(r"/jobs/test-posting-\d+/$"))
    page.go_back()
    page.get_by_role("status").filter(has_text="page 2 of 2").wait_for()
    assert _titles(page) == second
    # Changing a filter starts again at page 1.
    page.get_by_label("Keyword").fill("night packer 1")
    page.get_by_role("status").filter(has_text="jobs match").filter(has_not_text="page 2").wait_for()
    assert "page=" not in page.url


def test_without_javascript_the_listing_pages_page_with_large_links(browser, live_server, packers):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/jobs/page/1/")
    links = page.get_by_role("navigation", name="More jobs").get_by_role("link")
    assert links.all_inner_texts() == ["Newer jobs"]
    assert links.first.bounding_box()["height"] >= 44
    links.first.click()
    page.get_by_role("heading", name="Newest jobs").wait_for()
    assert not scrolls_sideways(page)
    context.close()
