"""In a real browser: an applicant applies on a phone-sized window, then the recruiter signs in and finds them."""
import pytest

from portal.accounts.models import Team
from portal.accounts.repository import AccountRepository
from portal.postings.repository import PostingRepository
from portal.site import build_site
from tests.browser.conftest import axe_violations
from tests.factories import PASSWORD, make_account, make_posting

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def posting(app, main_table):
    accounts = AccountRepository(main_table)
    accounts.put_team(Team("fulfillment-west", "Fulfillment West"))
    accounts.put(make_account("recruiter@example.com", teams=["fulfillment-west"]))
    posting = make_posting(team="fulfillment-west", title="Night Picker")
    PostingRepository(main_table).put(posting)
    build_site(app.extensions["portal"])
    return posting


def answer_steps(page, name: str, email: str, phone: str) -> None:
    """Answers each step of the application for the night picker's job, as a person would, up to check and send."""
    page.get_by_label("Full name").fill(name)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Phone number").fill(phone)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("ZIP code").fill("98032")
    page.get_by_label("On-site").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Fewest hours a week").fill("20")
    page.get_by_label("Most hours a week").fill("30")
    page.get_by_label("Night").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="About you").wait_for()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="More jobs").wait_for()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Check and send").wait_for()


def send_answers(page, name: str, email: str, phone: str) -> None:
    answer_steps(page, name, email, phone)
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Send application").click()


def test_apply_then_recruiter_sees_the_application(page, live_server, posting):
    page.goto(f"{live_server}/jobs/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Night Picker").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Apply for this job").click()
    assert axe_violations(page) == []

    send_answers(page, "Grace Hopper", "grace@example.com", "206 555 0199")

    page.get_by_role("heading", name="Thank you: your application is in").wait_for()
    assert axe_violations(page) == []
    reference = page.locator(".reference").inner_text()
    assert len(reference) == 26

    page.goto(f"{live_server}/admin/")
    assert "/admin/login" in page.url
    assert axe_violations(page) == []
    page.get_by_label("E-mail address").fill("recruiter@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Newest applications").wait_for()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Grace Hopper").click()
    page.get_by_role("heading", name="Grace Hopper").wait_for()
    assert "grace@example.com" in page.content()
    assert reference in page.content()
    assert axe_violations(page) == []


def test_errors_are_summarised_and_linked_to_their_fields(page, live_server, posting):
    page.goto(f"{live_server}/apply/{posting.id}")
    page.get_by_label("Full name").fill("Ada")
    page.get_by_role("button", name="Continue").click()
    summary = page.get_by_role("alert")
    summary.wait_for()
    assert "Enter your e-mail address." in summary.inner_text()
    assert page.get_by_label("Full name").input_value() == "Ada", "what was typed is kept"
    assert axe_violations(page) == []
    summary.get_by_role("link", name="Enter your e-mail address.").click()
    assert page.evaluate("document.activeElement.id") == "email"


def test_axe_really_reports_violations(page):
    page.set_content("<html><body><input type='text'><img src='x.png'></body></html>")
    assert {v["id"] for v in axe_violations(page)} >= {"label", "image-alt"}


def test_a_resume_chosen_on_the_form_goes_straight_to_storage_and_comes_with_the_application(
        page, live_server, posting, tmp_path):
    resume = tmp_path / "Grace CV.pdf"
    resume.write_bytes(b"%PDF-1.7\n" + b"0" * 4000)
    page.goto(f"{live_server}/apply/{posting.id}")
    answer_steps(page, "Ada Lovelace", "ada@example.com", "206 555 0123")
    page.get_by_label("PDF or Word (DOCX) file, up to 5 MB").set_input_files(str(resume))
    page.get_by_text("Your PDF résumé is attached.").wait_for()  # uploaded to S3 and checked
    assert axe_violations(page) == []
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Send application").click()
    page.get_by_role("heading", name="Thank you: your application is in").wait_for()
    page.get_by_role("link", name="your status page").click()
    page.get_by_text("Your résumé is added.").wait_for()
