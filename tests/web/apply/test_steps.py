"""The application in steps: each step saved, Back and Continue keep every answer, skipped questions, more jobs from
the listings, finishing later from an e-mailed link on another device, and one transactional send."""
import dataclasses
import datetime
import re
from decimal import Decimal

import pytest

from portal import clock, keys, pipeline
from portal.applications.repository import ApplicationRepository
from portal.mail import verify_sender
from portal.postings.models import REMOTE, Address
from portal.postings.repository import PostingRepository
from portal.site import build_site
from tests.factories import apply_form, make_posting, make_remote_posting
from tests.helpers import (
    StreamTail, answer_step, apply_in_steps, error_messages, hidden_fields, sent_mail, step_answers,
)

TEAM = "steps-team"


@pytest.fixture(scope="module")
def posting(main_table):
    posting = make_posting(team=TEAM, title="Sortation associate")
    PostingRepository(main_table).put(posting)
    return posting


@pytest.fixture(scope="module")
def remote_posting(main_table):
    posting = make_remote_posting(team=TEAM, title="Customer care from home", remote_states=["WA", "OR"])
    PostingRepository(main_table).put(posting)
    return posting


def _team_apps(main_table, posting_id):
    return [a for a in ApplicationRepository(main_table).list_for_team(TEAM, 200).items if a.posting_id == posting_id]


def _draft_item(main_table, client, posting_id):
    with client.session_transaction() as session:
        draft_id = (session.get("drafts") or {}).get(posting_id)
    return main_table.get_item(Key=keys.draft(draft_id)).get("Item") if draft_id else None


def test_each_step_is_saved_and_the_application_is_sent_once_deleting_the_saved_answers(client, posting, main_table):
    before = len(_team_apps(main_table, posting.id))
    apply_in_steps(client, posting, send=False, name="Ana Step")
    item = _draft_item(client=client, main_table=main_table, posting_id=posting.id)
    assert item["answers"]["name"] == ["Ana Step"] and item["answers"]["hours_max"] == ["30"]
    assert {"contact", "home", "availability"} <= set(item["done"])
    assert item["expires_at"] > clock.now().timestamp() + 29 * 86400
    review = client.get(f"/apply/{posting.id}/review").get_data(as_text=True)
    assert "Ana Step" in review and "jordan.lee@example.com" in review and "Seattle" in review
    hidden = hidden_fields(review)
    sent = client.post(f"/apply/{posting.id}", data={**hidden, "consent": "y"})
    assert sent.status_code == 303 and sent.headers["Location"] == "/apply/received"
    assert len(_team_apps(main_table, posting.id)) == before + 1
    assert main_table.get_item(Key=keys.draft(item["id"])).get("Item") is None, "deleted in the same transaction"
    again = client.post(f"/apply/{posting.id}", data={**hidden, "consent": "y"})
    assert again.status_code == 303 and again.headers["Location"] == "/apply/received"
    assert len(_team_apps(main_table, posting.id)) == before + 1, "Send pressed twice makes one application"


def test_a_step_with_a_problem_says_so_next_to_the_field_and_keeps_what_was_typed(client, posting):
    answer_step(client, posting.id, "contact", step_answers("contact", apply_form()))
    resp = answer_step(client, posting.id, "home", {"zip": "9810<b>", "workplace": "onsite"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert error_messages(html) == ["Enter a real five-digit US ZIP code, like 98101."]
    assert 'value="9810&lt;b&gt;"' in html and "<b>" not in html.split("<main")[1]
    assert 'aria-current="step">Where you live' in html and "Step 2 of 6" in html


def test_back_keeps_answers_as_typed_even_before_they_are_right_and_continue_checks_them(client, posting):
    apply_in_steps(client, posting, send=False)
    back = answer_step(client, posting.id, "availability", {"hours_min": "30", "hours_max": "12", "shifts": ["night"]},
                       go="back")
    assert back.status_code == 303 and back.headers["Location"].endswith("/home")
    page = client.get(f"/apply/{posting.id}/availability").get_data(as_text=True)
    assert 'value="30"' in page and 'value="12"' in page
    assert re.search(r'<input[^>]*checked[^>]*value="night"|<input[^>]*value="night"[^>]*checked', page)
    review = client.get(f"/apply/{posting.id}/review")
    assert review.status_code == 303 and review.headers["Location"].endswith("/availability"), \
        "a step left with a problem must be answered before sending"
    resp = client.post(f"/apply/{posting.id}/availability", data={**hidden_fields(page), "hours_min": "30",
                                                                  "hours_max": "12", "shifts": ["night"]})
    assert resp.status_code == 422
    assert "The most hours must be at least the fewest hours." in error_messages(resp.get_data(as_text=True))


def test_steps_cannot_be_skipped_and_an_unknown_step_is_not_there(client, posting, app):
    fresh = app.test_client()
    resp = fresh.get(f"/apply/{posting.id}/review")
    assert resp.status_code == 303 and resp.headers["Location"] == f"/apply/{posting.id}"
    answer_step(fresh, posting.id, "contact", step_answers("contact", apply_form()))
    resp = fresh.get(f"/apply/{posting.id}/jobs")
    assert resp.status_code == 303 and resp.headers["Location"] == f"/apply/{posting.id}/home"
    assert fresh.get(f"/apply/{posting.id}/nowhere").status_code == 404
    assert fresh.get(f"/apply/{posting.id}/contact").status_code == 301


def test_a_remote_job_asks_no_commute_and_the_first_step_asks_nothing_twice(client, remote_posting, posting):
    answer_step(client, remote_posting.id, "contact", step_answers("contact", apply_form()))
    remote = client.get(f"/apply/{remote_posting.id}/home").get_data(as_text=True)
    assert "max_commute_miles" not in remote and "open to people living in WA, OR" in remote
    assert re.search(r'value="remote"[^>]*checked|checked[^>]*value="remote"', remote), "the job's workplace first"
    answer_step(client, posting.id, "contact", step_answers("contact", apply_form()))
    assert "max_commute_miles" in client.get(f"/apply/{posting.id}/home").get_data(as_text=True)
    first = client.get(f"/apply/{posting.id}").get_data(as_text=True)
    assert 'autocomplete="email"' in first and 'autocomplete="tel"' in first and 'autocomplete="name"' in first
    assert "choice_2" not in first and "<select" not in first, "no list of jobs before the contact details"


def test_a_zip_outside_a_remote_jobs_states_is_refused_at_the_zip(client, remote_posting):
    answer_step(client, remote_posting.id, "contact", step_answers("contact", apply_form()))
    resp = answer_step(client, remote_posting.id, "home", {"zip": "10001", "workplace": "remote"})
    assert resp.status_code == 422
    assert error_messages(resp.get_data(as_text=True)) == [
        "Customer care from home is open only to people living in WA, OR; your ZIP code is in New York."]


def test_more_jobs_are_suggested_from_the_listings_and_are_applied_for_in_one_submission(
        app, client, runtime, main_table, posting):
    near = [make_posting(team=TEAM, title=f"Picker {n}", shifts=["day"]) for n in range(6)]
    elsewhere = make_posting(team=TEAM, title="Picker in Texas", shifts=["day"],
                             address=Address("1 Main St", "Austin", "TX", "73301", Decimal("30.2"), Decimal("-97.7")))
    nights = make_posting(team=TEAM, title="Night picker", shifts=["night"])
    PostingRepository(main_table).put_many([*near, elsewhere, nights])
    build_site(runtime)
    apply_in_steps(client, posting, send=False, shifts=["day"])
    page = client.get(f"/apply/{posting.id}/jobs").get_data(as_text=True)
    offered = re.findall(r'name="(choice_\d)" value="([^"]+)"', page)
    assert 1 <= len(offered) <= 4
    titles = re.findall(r"<label for=\"choice_\d\"><strong>([^<]+)</strong>", page)
    assert "Picker in Texas" not in titles and "Night picker" not in titles and posting.title not in titles
    name, second = offered[0]
    resp = client.post(f"/apply/{posting.id}/jobs", data={**hidden_fields(page), name: second})
    assert resp.status_code == 303
    review = client.get(f"/apply/{posting.id}/review").get_data(as_text=True)
    assert titles[0] in review
    sent = client.post(f"/apply/{posting.id}", data={**hidden_fields(review), "consent": "y"})
    assert sent.status_code == 303
    assert [a.rank for a in _team_apps(main_table, second)] == [2]


def test_showing_the_more_jobs_step_reads_a_handful_of_items(client, posting, runtime):
    apply_in_steps(client, posting, send=False)
    calls = []
    client_ = runtime.main_table.meta.client
    client_.meta.events.register("after-call.dynamodb", lambda http_response, parsed, model, **_: calls.append(
        (model.name, parsed.get("Count", len(parsed.get("Responses", {}).get(runtime.main_table.name, []))
                                if model.name == "BatchGetItem" else int("Item" in parsed)))))
    try:
        assert client.get(f"/apply/{posting.id}/jobs").status_code == 200
    finally:
        client_.meta.events.unregister("after-call.dynamodb")
    assert sum(n for name, n in calls if name != "UpdateItem") <= 10, calls


@pytest.fixture
def mail(runtime):
    verify_sender(runtime.client("ses"), runtime.settings.mail_from)


def test_finish_later_e_mails_a_link_that_resumes_on_another_device_with_no_account(
        app, client, runtime, main_table, posting, mail):
    tail = StreamTail(main_table.name)
    email = "later.applicant@example.com"
    answer_step(client, posting.id, "contact", step_answers("contact", apply_form(email=email, name="Lou Later")))
    answer_step(client, posting.id, "home", step_answers("home", apply_form()))
    resp = answer_step(client, posting.id, "availability", {"hours_min": "25", "hours_max": "35", "shifts": ["day"]},
                       go="later")
    assert resp.status_code == 200 and email in resp.get_data(as_text=True)
    assert pipeline.handle_batch(runtime, tail.event()) == {"batchItemFailures": []}
    pipeline.handle_batch(runtime, {"Records": tail.records()})  # nothing new: no second e-mail
    messages = sent_mail(email)
    assert len(messages) == 1
    link = re.search(r"https?://[^\s]+/apply/later/([A-Za-z0-9_.-]+)", messages[0].body).group(1)
    assert "Lou Later" not in messages[0].subject

    other_device = app.test_client()
    opened = other_device.get(f"/apply/later/{link}")
    assert opened.status_code == 303 and opened.headers["Location"] == f"/apply/{posting.id}/about"
    assert link not in opened.headers["Location"]
    page = other_device.get(f"/apply/{posting.id}/availability").get_data(as_text=True)
    assert 'value="25"' in page and 'value="35"' in page, "the step saved with Finish later"
    draft_id, _, mac = link.partition(".")
    assert other_device.get(f"/apply/later/{draft_id}.{mac[:-2]}xx").status_code == 404
    assert other_device.get(f"/apply/later/{draft_id}").status_code == 404
    with client.session_transaction() as session:
        assert link not in str(dict(session)), "the cookie holds the draft's id, never the link's token"


def test_finish_later_is_sent_a_few_times_at_most_and_needs_an_e_mail(client, app, posting, runtime):
    fresh = app.test_client()
    page = fresh.get(f"/apply/{posting.id}").get_data(as_text=True)
    resp = fresh.post(f"/apply/{posting.id}/contact", data={**hidden_fields(page), "name": "No Mail", "go": "later"})
    assert resp.status_code == 422 and "Enter your e-mail address." in error_messages(resp.get_data(as_text=True))
    answer_step(fresh, posting.id, "contact", step_answers("contact", apply_form()))
    statuses = [answer_step(fresh, posting.id, "home", step_answers("home", apply_form()), go="later").status_code
                for _ in range(runtime.settings.finish_later_links + 1)]
    assert statuses == [200] * runtime.settings.finish_later_links + [429]


def test_unfinished_answers_expire_after_their_retention_period(client, posting, monkeypatch, main_table):
    apply_in_steps(client, posting, send=False)
    item = _draft_item(main_table, client, posting.id)
    later = datetime.datetime.fromtimestamp(int(item["expires_at"]) + 1, datetime.timezone.utc)
    monkeypatch.setattr(clock, "now", lambda: later)
    resp = client.get(f"/apply/{posting.id}/review")
    assert resp.status_code == 303 and resp.headers["Location"] == f"/apply/{posting.id}"
    assert "Jordan Lee" not in client.get(f"/apply/{posting.id}").get_data(as_text=True)


def test_a_whole_application_sent_at_once_with_a_problem_is_kept_for_its_steps(client, posting):
    page = client.get(f"/apply/{posting.id}").get_data(as_text=True)
    resp = client.post(f"/apply/{posting.id}", data={**hidden_fields(page), **apply_form(hours_max="x",
                                                                                      name="Kim Whole")})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'aria-current="step">When you can work' in html
    assert f'href="/apply/{posting.id}/availability#hours_max"' not in html, "a problem on this page links here"
    assert 'href="#hours_max"' in html
    assert "Kim Whole" in client.get(f"/apply/{posting.id}").get_data(as_text=True)


def test_hostile_answers_in_steps(client, posting, main_table):
    page = client.get(f"/apply/{posting.id}").get_data(as_text=True)
    hidden = hidden_fields(page)
    resp = client.post(f"/apply/{posting.id}/contact",
                       data={**hidden, **step_answers("contact", apply_form(name="=HYPERLINK(\"x\")\x00"))})
    assert resp.status_code == 422 and "\x00" not in resp.get_data(as_text=True)
    resp = client.post(f"/apply/{posting.id}/contact", data={**hidden, "name": "x" * 2_000_000})
    assert resp.status_code == 413
    no_csrf = {k: v for k, v in hidden.items() if k != "csrf_token"}
    resp = client.post(f"/apply/{posting.id}/contact", data={**no_csrf, **step_answers("contact", apply_form())})
    assert resp.status_code in (400, 422)
    # A job that takes no applications, named where the suggestions go: refused at that job, nothing sent.
    draft = make_posting(team="another-team", status="draft")
    PostingRepository(main_table).put(draft)
    apply_in_steps(client, posting, send=False)
    jobs = client.get(f"/apply/{posting.id}/jobs").get_data(as_text=True)
    client.post(f"/apply/{posting.id}/jobs", data={**hidden_fields(jobs), "choice_2": draft.id})
    review = client.get(f"/apply/{posting.id}/review").get_data(as_text=True)
    resp = client.post(f"/apply/{posting.id}", data={**hidden_fields(review), "consent": "y"})
    assert resp.status_code == 422
    assert "That job no longer takes applications. Choose another, or none." in resp.get_data(as_text=True)
    assert _team_apps(main_table, draft.id) == []


def test_a_step_page_shows_this_process_s_recent_read_of_the_job_but_answers_are_only_taken_for_an_open_one(
        client, main_table, runtime):
    posting = make_posting(team=TEAM, title="Closing soon")
    PostingRepository(main_table).put(posting)
    assert client.get(f"/apply/{posting.id}").status_code == 200
    calls = []

    def note(model, **_):
        calls.append(model.name)

    events = runtime.main_table.meta.client.meta.events
    events.register("before-call.dynamodb", note)
    try:
        assert client.get(f"/apply/{posting.id}").status_code == 200
    finally:
        events.unregister("before-call.dynamodb", note)
    assert calls == [], "the second showing reads nothing"

    # Another process (the admin's Lambda) closes it: this one may show the job a little longer, but takes no
    # answer for it; the same process's own write is seen at once.
    closed = PostingRepository(main_table)
    closed.put(dataclasses.replace(posting, status="closed"))
    page = client.get(f"/apply/{posting.id}")
    assert page.status_code == 200
    saved = client.post(f"/apply/{posting.id}/contact", data={**hidden_fields(page.get_data(as_text=True)),
                                                              "name": "Late Comer"})
    assert saved.status_code == 410
    runtime.postings.put(dataclasses.replace(posting, status="closed"))
    assert client.get(f"/apply/{posting.id}").status_code == 410
