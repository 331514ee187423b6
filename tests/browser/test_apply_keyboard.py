"""On a 375 px phone, with the keyboard alone: apply in steps (more jobs suggested on the way), finish later, carry on
from the e-mailed link in a second browser, send, read the plain-words status, change the hours and erase everything.
axe-core checks every step, and no page scrolls sideways."""
import re

import pytest

from portal import pipeline
from portal.applications.repository import ApplicationRepository
from portal.mail import verify_sender
from portal.postings.repository import PostingRepository
from portal.site import build_site
from tests.browser.conftest import PHONE, axe_violations, scrolls_sideways, tab_to, tab_to_text
from tests.factories import make_posting, make_remote_posting
from tests.helpers import StreamTail, sent_mail

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def postings(main_table, runtime):
    found = [make_posting(title="Keyboard Picker", team="kb-west", shifts=["day", "evening"]),
             make_remote_posting(title="Keyboard Remote Agent", team="kb-service", shifts=["day"]),
             make_posting(title="Keyboard Packer", team="kb-west", shifts=["evening"], hours_min=12, hours_max=20)]
    PostingRepository(main_table).put_many(found)
    build_site(runtime)
    return found


def _checked(page) -> None:
    assert axe_violations(page) == []
    assert not scrolls_sideways(page), page.url


def _type_into(page, field: str, text: str) -> None:
    tab_to(page, field)
    page.keyboard.type(text)


def _tick_and_press(page, box: str, button: str, heading: str) -> None:
    tab_to(page, box)
    page.keyboard.press("Space")
    tab_to_text(page, button)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=heading).wait_for()
    _checked(page)


def _continue(page, heading: str) -> None:
    tab_to_text(page, "Continue")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=heading, exact=True).wait_for()
    _checked(page)


def test_apply_in_steps_finish_on_another_device_then_change_hours_and_erase(
        page, browser, live_server, postings, main_table, runtime):
    verify_sender(runtime.client("ses"), runtime.settings.mail_from)
    first, remote, third = postings
    tail = StreamTail(main_table.name)
    page.goto(f"{live_server}/apply/{first.id}")
    page.get_by_role("heading", name="Your contact details").wait_for()
    assert page.get_by_text("Step 1 of 6").is_visible()
    _checked(page)
    for field, text in (("name", "Kay Board"), ("email", "kay.board@example.com"), ("phone", "206 555 0123")):
        _type_into(page, field, text)
    _continue(page, "Where you live")

    _type_into(page, "zip", "98032")
    page.get_by_text("Kent, Washington.").wait_for()  # the state at once, with the job's distance
    assert "Keyboard Picker: about" in page.locator("#zip-check").inner_text()
    _continue(page, "When you can work")

    _type_into(page, "hours_min", "15")
    _type_into(page, "hours_max", "18")
    page.get_by_text("With at most 18 hours you would not qualify").wait_for()
    tab_to(page, "shifts-1")  # day
    page.keyboard.press("Space")
    tab_to(page, "shifts-2")  # evening
    page.keyboard.press("Space")
    tab_to_text(page, "Save and finish later")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your answers are saved").wait_for()
    _checked(page)
    assert "kay.board@example.com" in page.content()

    assert pipeline.handle_batch(runtime, tail.event()) == {"batchItemFailures": []}
    [mail] = sent_mail("kay.board@example.com")
    link = re.search(r"https?://\S+?(/apply/later/\S+)", mail.body).group(1)

    other = browser.new_context(viewport=PHONE)
    other.set_default_timeout(10_000)
    try:
        phone = other.new_page()
        phone.goto(f"{live_server}{link}")
        phone.get_by_role("heading", name="About you").wait_for()
        assert "/apply/later/" not in phone.url, "the link's token leaves the address bar"
        _checked(phone)
        tab_to(phone, "military_spouse")
        phone.keyboard.press("Space")
        _continue(phone, "More jobs")
        offered = phone.locator("#more-jobs label strong").all_inner_texts()
        assert "Keyboard Packer" in offered and "Keyboard Picker" not in offered
        tab_to(phone, phone.locator("#more-jobs input").nth(offered.index("Keyboard Packer")).get_attribute("id"))
        phone.keyboard.press("Space")
        _continue(phone, "Check and send")
        answers = phone.locator(".answers").all_inner_texts()
        assert any("Kay Board" in a for a in answers) and any("Keyboard Packer" in a for a in answers)
        assert any("15" in a and "18" in a for a in answers), "the answers saved on the first device"
        _tick_and_press(phone, "consent", "Send application", "Thank you: your application is in")
        assert phone.locator("main ol li").all_inner_texts() == ["Keyboard Picker", "Keyboard Packer"]
        assert "benefits start from 20 hours a week, and you chose at most 18" in phone.content()
        phone.locator("a.status-link").focus()
        phone.keyboard.press("Enter")

        phone.get_by_role("heading", name="Your applications").wait_for()
        _checked(phone)
        assert phone.locator(".stage").all_inner_texts() == ["Received", "Received"]
        assert "A recruiter reviews it within 3 days" in phone.content()
        tab_to(phone, "hours_min")
        phone.keyboard.press("Control+A")
        phone.keyboard.type("20")
        tab_to(phone, "hours_max")
        phone.keyboard.press("Control+A")
        phone.keyboard.type("30")
        phone.keyboard.press("Enter")
        phone.get_by_text("Your availability is updated on all your open applications.").wait_for()
        _checked(phone)
        west = ApplicationRepository(main_table).list_for_team("kb-west", 10).items
        assert sorted((a.preferences.hours_min, a.preferences.hours_max) for a in west) == [(20, 30), (20, 30)]

        _tick_and_press(phone, "confirm", "Erase everything", "Your data is erased")
        assert ApplicationRepository(main_table).list_for_team("kb-west", 10).items == []
    finally:
        other.close()

    # The first device's saved answers were sent from the second: they are gone here too.
    page.goto(f"{live_server}/apply/{first.id}/review")
    page.get_by_role("heading", name="Your contact details").wait_for()
    assert page.locator("#name").input_value() == ""


def test_back_keeps_every_answer_and_a_remote_role_says_at_once_that_the_state_does_not_qualify(
        page, live_server, postings):
    remote = postings[1]
    page.goto(f"{live_server}/apply/{remote.id}")
    for field, text in (("name", "Rae Mote"), ("email", "rae@example.com"), ("phone", "206 555 0199")):
        _type_into(page, field, text)
    _continue(page, "Where you live")
    assert page.locator("#max_commute_miles").count() == 0, "no commute question for a remote-only job"
    _type_into(page, "zip", "94103")
    page.get_by_text("Keyboard Remote Agent is open only to people living in WA, OR, TX; your ZIP code is in "
                     "California.").wait_for()
    _checked(page)
    tab_to_text(page, "Continue")
    page.keyboard.press("Enter")
    page.get_by_text("There is a problem").wait_for()
    _checked(page)
    page.locator("#zip").fill("98101")
    tab_to_text(page, "Back")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your contact details").wait_for()
    assert page.locator("#name").input_value() == "Rae Mote"
    _continue(page, "Where you live")
    assert page.locator("#zip").input_value() == "98101", "Back kept what was typed"
