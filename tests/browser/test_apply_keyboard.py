"""In a phone-sized browser, with the keyboard alone: apply to three postings at once, open the status link,
change the hours, and erase everything. axe-core checks every step."""
import pytest

from portal.applications.repository import ApplicationRepository
from portal.postings.repository import PostingRepository
from tests.browser.conftest import axe_violations, tab_to, tab_to_text
from tests.factories import make_posting, make_remote_posting

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def postings(main_table):
    found = [make_posting(title="Keyboard Picker", team="kb-west"),
             make_remote_posting(title="Keyboard Remote Agent", team="kb-service"),
             make_posting(title="Keyboard Packer", team="kb-west")]
    PostingRepository(main_table).put_many(found)
    return found


def test_apply_to_three_then_change_hours_and_erase_with_the_keyboard_alone(page, live_server, postings, main_table):
    first, remote, third = postings
    page.goto(f"{live_server}/apply/{first.id}")
    assert axe_violations(page) == []

    tab_to(page, "choice_2")
    page.keyboard.type("Keyboard Remote")
    tab_to(page, "choice_3")
    page.keyboard.type("Keyboard Packer")
    for field, text in (("name", "Kay Board"), ("email", "kay.board@example.com"), ("phone", "206 555 0123"),
                        ("zip", "98032")):
        tab_to(page, field)
        page.keyboard.type(text)
    page.get_by_text("Keyboard Picker: about").wait_for()  # the live distance and remote-state hints
    assert "your ZIP code is in" not in page.locator("#zip-check").inner_text()
    tab_to(page, "hours_min")
    page.keyboard.type("15")
    tab_to(page, "hours_max")
    page.keyboard.type("18")
    page.get_by_text("With at most 18 hours you would not qualify").wait_for()
    tab_to(page, "shifts-1")
    page.keyboard.press("Space")
    tab_to(page, "workplace-0")
    page.keyboard.press("ArrowRight")  # to On-site
    tab_to(page, "consent")
    page.keyboard.press("Space")
    assert axe_violations(page) == []
    tab_to_text(page, "Send application")
    page.keyboard.press("Enter")

    page.get_by_role("heading", name="Thank you: your application is in").wait_for()
    assert axe_violations(page) == []
    assert page.locator("ol li").all_inner_texts() == ["Keyboard Picker", "Keyboard Remote Agent", "Keyboard Packer"]
    assert "benefits start from 20 hours a week, and you chose at most 18" in page.content()
    link = page.locator("a.status-link")
    link.focus()
    page.keyboard.press("Enter")

    page.get_by_role("heading", name="Your applications").wait_for()
    assert axe_violations(page) == []
    assert page.locator(".stage").all_inner_texts() == ["Received", "Received", "Received"]
    tab_to(page, "hours_min")
    page.keyboard.press("Control+A")
    page.keyboard.type("20")
    tab_to(page, "hours_max")
    page.keyboard.press("Control+A")
    page.keyboard.type("30")
    page.keyboard.press("Enter")
    page.get_by_text("Your availability is updated on all your open applications.").wait_for()
    assert axe_violations(page) == []
    west = ApplicationRepository(main_table).list_for_team("kb-west", 10).items
    assert sorted((a.preferences.hours_min, a.preferences.hours_max) for a in west) == [(20, 30), (20, 30)]

    tab_to(page, "confirm")
    page.keyboard.press("Space")
    tab_to_text(page, "Erase everything")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your data is erased").wait_for()
    assert axe_violations(page) == []
    assert ApplicationRepository(main_table).list_for_team("kb-west", 10).items == []
    assert ApplicationRepository(main_table).list_for_team("kb-service", 10).items == []


def test_a_remote_role_says_before_sending_that_the_state_does_not_qualify(page, live_server, postings):
    page.goto(f"{live_server}/apply/{postings[1].id}")
    page.get_by_label("ZIP code").fill("94103")
    page.get_by_text("Keyboard Remote Agent is open only to people living in WA, OR, TX; your ZIP code is in "
                     "California.").wait_for()
    assert axe_violations(page) == []
