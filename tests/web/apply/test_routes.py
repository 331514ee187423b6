"""The apply flow through the test client: good input lands in DynamoDB once; bad input is explained and kept."""
import datetime
import re

import pytest
from botocore.exceptions import ClientError

from portal.applications.repository import ApplicationRepository
from portal.postings.models import CLOSED, DRAFT
from portal.postings.repository import PostingRepository
from portal import text
from portal.text import UNSHOWABLE
from tests.factories import apply_form, make_posting
from tests.helpers import hidden_fields, parse_errors


@pytest.fixture(scope="module")
def posting(main_table):
    posting = make_posting(team="apply-team")
    PostingRepository(main_table).put(posting)
    return posting


def _form(client, posting_id):
    page = client.get(f"/apply/{posting_id}")
    assert page.status_code == 200
    return hidden_fields(page.get_data(as_text=True))


def _team_apps(main_table):
    return ApplicationRepository(main_table).list_for_team("apply-team", 100).items


def test_line_breaks_and_tabs_are_kept_in_a_paragraph(client, posting, main_table):
    sent = "Step-free entrance, please.\r\n\tAnd a seat at the station."
    resp = client.post(f"/apply/{posting.id}", data={**_form(client, posting.id), **apply_form(accommodation=sent)})
    assert resp.status_code == 303
    assert _team_apps(main_table)[0].preferences.circumstances["accommodation"] == sent


def test_good_application_is_stored_and_confirmed(client, posting, main_table):
    before = len(_team_apps(main_table))
    resp = client.post(f"/apply/{posting.id}", data={**_form(client, posting.id), **apply_form(name="Ada Okafor")})
    assert resp.status_code == 303
    assert resp.headers["Location"] == "/apply/received"
    apps = _team_apps(main_table)
    assert len(apps) == before + 1
    stored = apps[0]
    assert stored.contact.name == "Ada Okafor"
    assert stored.contact.phone == "+12065550147", "phone stored in E.164"
    assert (stored.location.zip, stored.location.state) == ("98101", "WA")
    assert stored.preferences.shifts == ["day", "weekend"]
    confirmation = client.get("/apply/received").get_data(as_text=True)
    assert stored.submission_id in confirmation
    assert posting.title in confirmation
    assert "Ada Okafor" not in resp.headers["Location"]


def test_resending_the_same_form_gives_one_application(client, posting, main_table):
    hidden = _form(client, posting.id)
    before = len(_team_apps(main_table))
    for _ in range(3):
        assert client.post(f"/apply/{posting.id}", data={**hidden, **apply_form()}).status_code == 303
    assert len(_team_apps(main_table)) == before + 1


def test_the_same_form_sent_again_with_other_answers_is_refused_and_keeps_them(client, posting, main_table):
    hidden = _form(client, posting.id)
    before = len(_team_apps(main_table))
    assert client.post(f"/apply/{posting.id}", data={**hidden, **apply_form()}).status_code == 303
    changed = client.post(f"/apply/{posting.id}", data={**hidden, **apply_form(hours_max="25")})
    html = changed.get_data(as_text=True)
    assert changed.status_code == 409 and "already sent, with other answers" in html
    assert 'value="25"' in html, "what was typed is kept"
    assert len(_team_apps(main_table)) == before + 1


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"name": ""}, "name", "Enter your full name."),
        ({"email": "not-an-email"}, "email", "Enter an e-mail address like name@example.com."),
        ({"phone": "555"}, "phone", "That is not a valid phone number"),
        ({"phone": "call me"}, "phone", "Enter a phone number, like 206 555 0147."),
        ({"zip": "00000"}, "zip", "Enter a real five-digit US ZIP code"),
        ({"zip": "９８１０１"}, "zip", "Enter a real five-digit US ZIP code"),  # full-width digits
        ({"hours_min": "30", "hours_max": "20"}, "hours_max", "The most hours must be at least the fewest hours."),
        ({"hours_min": "0"}, "hours_min", "Enter a number from 1 to 80."),
        ({"shifts": []}, "shifts", "Choose at least one shift you can work."),
        ({"workplace": ""}, "workplace", "Choose remote, on-site or hybrid."),
        # Control characters: a NUL, a header break in a one-line answer, a vertical tab in a paragraph.
        ({"name": "Ada\x00 Okafor"}, "name", UNSHOWABLE),
        ({"name": "Ada Okafor\r\nBcc: someone@example.com"}, "name", UNSHOWABLE),
        ({"accommodation": "Step-free\x0b entrance"}, "accommodation", UNSHOWABLE),
        ({"accommodation": "Step-free entrance\ufffe"}, "accommodation", UNSHOWABLE),
    ],
)
def test_bad_input_is_explained_at_the_field_and_everything_typed_is_kept(client, posting, main_table, overrides, field, message):
    before = len(_team_apps(main_table))
    data = {**_form(client, posting.id), **apply_form(**overrides)}
    resp = client.post(f"/apply/{posting.id}", data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert f'id="{field}-error"' in html and message in html
    assert f'href="#{field}"' in html, "the summary links to the field"
    assert parse_errors(html) == [], "a refused character is not put back into the page"
    if message == UNSHOWABLE and field == "name":
        assert f'value="{text.shown(overrides[field])}"' in html, "the rest of the answer is kept, as typed"
    for name in ("name", "email", "phone", "zip", "hours_min", "hours_max"):
        if name not in overrides and name != field:
            assert f'value="{data[name]}"' in html.replace("&#39;", "'").replace("&amp;", "&"), name
    assert len(_team_apps(main_table)) == before


@pytest.mark.parametrize("zip_code", ["98101", "９８１０１", "98\x00101", "<b>98101</b>", "=1+98101", "9" * 10_000])
def test_the_zip_lookup_answers_only_a_real_ascii_zip(client, posting, zip_code):
    csrf = _form(client, posting.id)["csrf_token"]
    resp = client.post("/apply/place", json={"zip": zip_code}, headers={"X-CSRFToken": csrf})
    if zip_code == "98101":
        assert resp.status_code == 200 and resp.get_json()["state"] == "WA"
    else:
        assert resp.status_code == 404 and "five-digit" in resp.get_json()["error"]


def test_post_without_csrf_token_is_refused(client, posting, main_table):
    before = len(_team_apps(main_table))
    resp = client.post(f"/apply/{posting.id}", data={"submission_token": "x", **apply_form()})
    assert resp.status_code == 400
    assert len(_team_apps(main_table)) == before


def test_a_storage_failure_says_try_again_and_keeps_the_answers(client, posting, main_table, monkeypatch):
    def throttled(*args, **kwargs):
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "TransactWriteItems")

    monkeypatch.setattr(ApplicationRepository, "create_submission", throttled)
    resp = client.post(f"/apply/{posting.id}", data={**_form(client, posting.id), **apply_form(name="Kept Name")})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 503
    assert "please try again" in html
    assert 'value="Kept Name"' in html


def test_drafts_are_not_found_and_closed_postings_refuse_applications(client, main_table):
    repo = PostingRepository(main_table)
    draft, closed = make_posting(status=DRAFT), make_posting(status=CLOSED)
    expired = make_posting(valid_through=(datetime.date.today() - datetime.timedelta(days=1)).isoformat())
    repo.put_many([draft, closed, expired])
    assert client.get(f"/apply/{draft.id}").status_code == 404
    assert client.get(f"/apply/{closed.id}").status_code == 410
    assert client.get(f"/apply/{expired.id}").status_code == 410
    assert client.get("/apply/no-such-posting").status_code == 404


def test_the_form_asks_nothing_twice_and_marks_no_checkbox_as_required(client, posting):
    from tests.helpers import apply_in_steps

    apply_in_steps(client, posting, send=False)
    steps = ("", "/home", "/availability", "/about", "/jobs", "/review")
    pages = [client.get(f"/apply/{posting.id}{step}").get_data(as_text=True) for step in steps]
    html = "".join(pages)
    assert 'name="state"' not in html, "the state comes from the ZIP code"
    boxes = [tag for tag in re.findall(r"<input[^>]*>", html) if 'type="checkbox"' in tag]
    grouped = [tag for tag in boxes if 'name="shifts"' in tag or 'name="programmes"' in tag]
    assert len(grouped) == 8 and not any("required" in tag for tag in grouped)
    assert [tag for tag in boxes if "required" in tag] == [t for t in boxes if 'name="consent"' in t], \
        "only the consent box is required"
    asked = re.compile(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*name="(hours_min|email)"')
    assert sorted(asked.findall(html)) == ["email", "hours_min"], "each asked once, on its own step"
