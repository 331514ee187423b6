"""At 375 px, the narrowest phone we design for, no public, apply or status page is wider than the screen
(issue 14): document.documentElement.scrollWidth <= clientWidth, so nothing scrolls sideways. A table or code
block may still scroll inside its own region; only the page as a whole is checked."""
import uuid

import pytest

from portal.applications.services import submit_application
from portal.postings.models import Address
from portal.postings.repository import PostingRepository
from portal.site import build_site
from portal.site.listings import FACETS
from tests.factories import make_answers, make_posting, make_remote_posting

pytestmark = pytest.mark.browser

# Each page, by a name for the test id, with the status it should answer. "{posting}" and "{token}" are filled in
# from the fixtures below.
PAGES = [
    ("home", "/", 200),
    ("jobs", "/jobs/", 200),
    *((f"facet-{name}", f"/jobs/{path}", 200) for name, path, _ in FACETS),
    ("states", "/jobs/state/", 200),
    ("state-TX", "/jobs/state/TX/", 200),
    ("posting", "/jobs/{posting}/", 200),
    ("404-site", "/no/such/page/", 404),
    ("404-app", "/apply/no-such-posting", 404),
    ("apply", "/apply/{posting}", 200),  # the first step of applying
    ("status", "/applications/{token}", 200),  # the private status page of an application
    ("benefits", "/benefits/", 200),
    ("military", "/military/", 200),
]
# Every step of applying is checked as tests/browser/test_apply_keyboard.py walks it.
# The elements that stick out past the right edge, for the failure message.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width + 0.5)
    .slice(0, 8)
    .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string"
         ? "." + e.className.trim().split(/\\s+/).join(".") : "") + " right=" + Math.round(e.getBoundingClientRect().right));
}"""


@pytest.fixture(scope="module")
def posting(app, main_table):
    """Postings as the public site shows them (long titles and every kind of workplace), the site built; returns
    the on-site one the posting and apply pages are checked on."""
    onsite = make_posting(title="Overnight Sortation and Consolidation Associate, Fulfillment Centre",
                          address=Address("700 Westport Pkwy", "Dallas", "TX", "75241"))
    others = [make_remote_posting(title="Bilingual Customer Service Associate (Spanish), Work from Home",
                                  remote_states=["TX", "OK", "WA"], employment_types=["FULL_TIME"]),
              make_posting(title="Kent Picker", shifts=["weekend"], hours_min=10, hours_max=15)]
    PostingRepository(main_table).put_many([onsite, *others])
    build_site(app.extensions["portal"])
    return onsite


@pytest.fixture(scope="module")
def status_token(runtime, posting):
    """The private status link's token of one application to the posting, submitted through the service the apply
    form and the API both end in (its Submission carries the token the confirmation page links to)."""
    return submit_application(runtime, [posting], make_answers(), str(uuid.uuid4())).status_token


def _check(page, live_server, path: str, expected_status: int) -> None:
    resp = page.goto(live_server + path)
    assert resp is not None and resp.status == expected_status, f"{path} answered {resp and resp.status}"
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1], (f"{path} is {sizes[0]} px wide in a {sizes[1]} px window; sticking out: "
                                  f"{page.evaluate(OVERFLOWING)}")


@pytest.mark.parametrize("name,path,expected_status", PAGES, ids=[p[0] for p in PAGES])
def test_no_horizontal_overflow_at_375px(page, live_server, posting, status_token, name, path, expected_status):
    assert page.viewport_size["width"] == 375
    _check(page, live_server, path.format(posting=posting.id, token=status_token), expected_status)
