"""Spam defence without puzzles: a honeypot, a minimum time to fill, and rate limits counted in DynamoDB with a TTL."""
import datetime

import pytest

from portal import clock, create_app
from portal.applications.repository import ApplicationRepository
from tests.helpers import send_application
from tests.factories import apply_form
from tests.helpers import hidden_fields


@pytest.fixture(scope="module")
def settings_overrides():
    return {"secret_key": "spam-secret", "apply_min_fill_seconds": 3, "apply_limit_per_ip_hour": 4,
            "apply_limit_per_email_day": 2}


@pytest.fixture
def later(monkeypatch):
    """Moves the portal's clock on, as if the applicant took this many seconds to fill the form.

    From a fixed moment early in the current hour: the rate limits count per clock hour and day, and a test
    that crossed an hour boundary would see its counts split (it did, at 12:58).
    """
    start = clock.now().replace(minute=5, second=0, microsecond=0)

    def move(seconds):
        monkeypatch.setattr(clock, "now", lambda: start + datetime.timedelta(seconds=seconds))
    move(0)  # the form is shown at `start` too
    return move


def _count(main_table, team):
    return len(ApplicationRepository(main_table).list_for_team(team, 100).items)


def test_a_form_sent_back_too_fast_is_kept_and_goes_through_when_sent_again(client, three_postings, main_table):
    first = three_postings[0]
    before = _count(main_table, first.team)
    page = hidden_fields(client.get(f"/apply/{first.id}").get_data(as_text=True))
    resp = client.post(f"/apply/{first.id}", data={**page, **apply_form(name="Quick Typist", email="q1@example.com")})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "quicker than a person usually fills in this form" in html and 'value="Quick Typist"' in html
    again = hidden_fields(html)  # the same submission token; stopped once, not twice, even when sent at once
    assert again["submission_token"] == page["submission_token"]
    resp = client.post(f"/apply/{first.id}", data={**again, **apply_form(name="Quick Typist", email="q1@example.com")})
    assert resp.status_code == 303
    assert _count(main_table, first.team) == before + 1


def test_a_forged_start_time_counts_as_too_fast(client, three_postings, later):
    first = three_postings[0]
    page = hidden_fields(client.get(f"/apply/{first.id}").get_data(as_text=True))
    later(60)
    resp = client.post(f"/apply/{first.id}", data={**page, "started": "forged", **apply_form(email="q2@example.com")})
    assert resp.status_code == 422


def test_the_honeypot_filled_in_stores_nothing(client, three_postings, main_table, later):
    first = three_postings[0]
    before = _count(main_table, first.team)
    page = hidden_fields(client.get(f"/apply/{first.id}").get_data(as_text=True))
    later(30)
    resp = client.post(f"/apply/{first.id}", data={**page, **apply_form(email="bot@example.com"),
                                                   "website": "http://spam.example"})
    assert resp.status_code == 422 and "A field meant to stay empty was filled in." in resp.get_data(as_text=True)
    assert _count(main_table, first.team) == before


def test_rate_limits_per_e_mail_and_per_ip_are_counted_in_dynamodb_with_a_ttl(app, three_postings, main_table, later):
    first = three_postings[0]
    alice = app.test_client()
    elapsed = iter(range(10, 1000, 10))

    def send(**answers):
        later(next(elapsed))
        page = hidden_fields(alice.get(f"/apply/{first.id}").get_data(as_text=True))
        later(next(elapsed))  # a person's pace
        return alice.post(f"/apply/{first.id}", data={**page, **apply_form(**answers)},
                          environ_base={"REMOTE_ADDR": "198.51.100.7"})

    codes = [send(email="often@example.com").status_code for _ in range(3)]
    assert codes == [303, 303, 429], "two a day per e-mail address"
    refused = send(email="often@example.com", name="Kept").get_data(as_text=True)
    assert "cannot take another just now" in refused and 'value="Kept"' in refused

    codes = [send(email=f"other{n}@example.com").status_code for n in range(3)]
    assert codes == [303, 303, 429], "the IP address had two already; four an hour"

    counters = [i for i in _scan(main_table) if i["pk"].startswith("RATE#")]
    # DRAFT: the refused application's answers were kept as an unfinished one, counted per address too.
    assert {c["pk"].split("#")[1] for c in counters} == {"IP", "EMAIL", "DRAFT"}
    assert all(int(c["expires_at"]) > int(clock.now().timestamp()) for c in counters)
    assert not any("198.51.100.7" in c["pk"] or "often@example.com" in c["pk"] for c in counters), "keys are hashed"


def _scan(table):
    # Test-only look at the whole (small) table; the portal itself never scans.
    return table.scan()["Items"]
