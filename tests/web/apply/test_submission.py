"""Applying to several postings at once: ranked records, one submission, a status item, and the checks by place."""
import datetime
import re

import botocore.awsrequest
import pytest

from portal import clock, keys
from portal.applications import tokens
from portal.applications.repository import ApplicationRepository
from tests.helpers import applications_in_order, send_application, status_token_of


def _submission_apps(main_table, token):
    status = main_table.get_item(Key=keys.status(tokens.token_hash(token)))["Item"]
    return status, applications_in_order(main_table, status)


def test_three_postings_in_one_go_are_ranked_and_linked_by_one_submission(client, three_postings, main_table):
    first, remote, third = three_postings
    resp = send_application(client, first, [remote, third], name="Ana Silva", hours_min="25", hours_max="35",
                            max_commute_miles="20", start_date="2026-12-01", term_start="2027-01-10",
                            term_end="2027-05-20", military_spouse="y", may_relocate="y", move_date="2027-06-01",
                            student="y", accommodation="Step-free entrance, please.",
                            programmes=["tuition", "apprenticeship"])
    assert resp.status_code == 303, resp.get_data(as_text=True)[:2000]
    token = status_token_of(client)
    status, apps = _submission_apps(main_table, token)
    assert [a.posting_id for a in apps] == [p.id for p in three_postings]
    assert [a.rank for a in apps] == [1, 2, 3]
    assert len({a.submission_id for a in apps}) == 1 and status["submission_id"] == apps[0].submission_id
    assert status["entity"] == "status" and status["posting_titles"] == [p.title for p in three_postings]
    assert status["contact_name"] == "Ana Silva" and status["contact_email"] == "jordan.lee@example.com"
    assert token == tokens.status_token("test-secret", status["submission_id"]), "the token is derived, not stored"
    item = main_table.get_item(Key=keys.application(apps[0].id))["Item"]
    assert token not in str(item) and token not in str(status)
    prefs = item["preferences"]
    assert (prefs["hours_min"], prefs["hours_max"], prefs["max_commute_miles"]) == (25, 35, 20)
    assert prefs["start_date"] == "2026-12-01"
    assert prefs["term_dates"] == {"start": "2027-01-10", "end": "2027-05-20"} and prefs["summer_only"] is False
    assert prefs["circumstances"] == {"military_spouse": True, "may_relocate": True, "move_date": "2027-06-01",
                                      "veteran": False, "student": True, "parent_carer": False,
                                      "accommodation": "Step-free entrance, please."}
    assert prefs["programmes"] == ["tuition", "apprenticeship"]
    assert apps[0].distance_miles == 14 and apps[1].distance_miles is None, "Seattle 98101 to Kent; remote has none"


def test_a_remote_posting_refuses_a_state_it_does_not_list_at_the_zip_field(client, three_postings, main_table):
    first, remote, _ = three_postings
    before = len(ApplicationRepository(main_table).list_for_team("customer-service", 100).items)
    resp = send_application(client, first, [remote], zip="94103", name="Kept Name")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'id="zip-error"' in html
    assert "Remote Support Agent is open only to people living in WA, OR, TX; your ZIP code is in California." in html
    assert 'value="Kept Name"' in html and f'name="choice_2" value="{remote.id}"' in html
    assert len(ApplicationRepository(main_table).list_for_team("customer-service", 100).items) == before


def test_a_job_chosen_twice_is_applied_to_once_and_a_closed_one_is_explained_at_its_choice(client, three_postings,
                                                                                          main_table):
    first, remote, _ = three_postings
    before = len(ApplicationRepository(main_table).list_for_team("customer-service", 100).items)
    twice = send_application(client, first, [remote, remote, first], zip="98032")
    assert twice.status_code == 303
    assert len(ApplicationRepository(main_table).list_for_team("customer-service", 100).items) == before + 1
    hidden = send_application(client, first, [], choice_2="no-such-posting")
    assert hidden.status_code == 422 and "That job no longer takes applications." in hidden.get_data(as_text=True)


def test_hours_below_the_benefits_threshold_are_a_note_after_sending_not_an_error(client, three_postings):
    first, remote, _ = three_postings
    resp = send_application(client, first, [remote], hours_min="10", hours_max="22", zip="98032")
    assert resp.status_code == 303
    html = client.get("/apply/received").get_data(as_text=True)
    assert "Remote Support Agent: benefits start from 25 hours a week, and you chose at most 22." in html
    assert "Kent Picker: benefits" not in html


def test_the_steps_say_the_benefits_threshold_and_the_privacy_notice(client, three_postings):
    from tests.helpers import apply_in_steps

    apply_in_steps(client, three_postings[0], send=False)
    html = client.get(f"/apply/{three_postings[0].id}/availability").get_data(as_text=True)
    assert "20+ hours a week qualifies for benefits." in html
    html = client.get(f"/apply/{three_postings[0].id}/review").get_data(as_text=True)
    assert "Privacy notice" in html and "24 months" in html


def test_the_zip_lookup_for_live_checks_answers_json_and_needs_the_csrf_token(client, three_postings):
    from tests.helpers import hidden_fields

    csrf = hidden_fields(client.get(f"/apply/{three_postings[0].id}").get_data(as_text=True))["csrf_token"]
    found = client.post("/apply/place", json={"zip": "98032"}, headers={"X-CSRFToken": csrf})
    assert found.status_code == 200 and found.json["state"] == "WA" and found.json["city"] == "Kent"
    assert client.post("/apply/place", json={"zip": "00000"}, headers={"X-CSRFToken": csrf}).status_code == 404
    assert client.post("/apply/place", json={"zip": "98032"}).status_code == 400


class _Throttled:
    """A raw HTTP answer of DynamoDB refusing for throughput, for every attempt botocore makes."""

    def stream(self, **kwargs):
        yield b'{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate exceeded"}'


def test_throttling_after_the_sdk_retries_gives_503_that_keeps_every_answer(app, client, three_postings):
    first, remote, _ = three_postings
    attempts = []

    def throttle(request, **kwargs):
        if "TransactWriteItems" in request.headers.get("X-Amz-Target", b"").decode():
            attempts.append(1)
            return botocore.awsrequest.AWSResponse(request.url, 400, {"x-amzn-errortype": "ThrottlingException"},
                                                   _Throttled())
        return None

    events = app.extensions["portal"].aws.dynamodb.meta.client.meta.events
    events.register("before-send.dynamodb", throttle)
    try:
        resp = send_application(client, first, [remote], name="Kept Through Throttling", accommodation="Quiet room")
    finally:
        events.unregister("before-send.dynamodb", throttle)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 503
    assert len(attempts) > 1, "botocore retried before giving up (max_attempts retries plus the first try)"
    assert "please try again" in html
    assert 'value="Kept Through Throttling"' in html and "Quiet room" in html
    assert f'name="choice_2" value="{remote.id}"' in html


@pytest.mark.parametrize("field, value, message", [
    ("consent", "", "Tick the box to agree"),
    ("term_end", "2027-01-01", "Enter both the first and the last day of term, or neither."),
    ("start_date", "soon", "Enter a date like 2026-09-01"),
    ("max_commute_miles", "0", "Enter a number of miles from 1 to 300."),
])
def test_new_questions_explain_bad_answers_at_the_field(client, three_postings, field, value, message):
    resp = send_application(client, three_postings[0], **{field: value})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert f'id="{field}-error"' in html and message in html and f'href="#{field}"' in html


def _session_cookie_payload(client) -> str:
    """What anyone with the browser can read of the session cookie: it is signed, not encrypted."""
    import base64
    import zlib

    value = client.get_cookie("session").value
    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode()


def test_the_status_link_never_sits_in_the_cookie_and_is_shown_once_shortly_after_sending(
        app, three_postings, main_table, monkeypatch):
    client = app.test_client()
    assert send_application(client, three_postings[0]).status_code == 303
    readable = _session_cookie_payload(client)
    assert '"reference"' in readable and '"token"' not in readable
    first = client.get("/apply/received").get_data(as_text=True)
    assert "Thank you: your application is in" in first
    token = re.search(r'href="/applications/([A-Za-z0-9_-]+)"', first).group(1)
    status, _ = _submission_apps(main_table, token)
    assert token not in _session_cookie_payload(client)
    # The next person at this computer, or the applicant reloading: the thanks and the reference, no link.
    again = client.get("/apply/received").get_data(as_text=True)
    assert status["reference"] in again and "/applications/" not in again
    assert "We have e-mailed you the link" in again

    late = app.test_client()
    assert send_application(late, three_postings[0]).status_code == 303
    sent_at = clock.now()
    monkeypatch.setattr(clock, "now", lambda: sent_at + datetime.timedelta(minutes=11))
    page = late.get("/apply/received").get_data(as_text=True)
    assert "Thank you" in page and "/applications/" not in page
