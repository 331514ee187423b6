"""The private status page: stages in plain words, availability changes guarded by version, withdraw, and erasure."""
import boto3
import pytest

from portal import clock, keys
from portal.applications import tokens
from portal.applications.repository import ApplicationRepository
from portal.applications.stages import move_stage
from tests.helpers import applications_in_order, send_application, status_token_of
from tests.helpers import hidden_fields


@pytest.fixture
def applied(client, three_postings):
    """A fresh submission to all three postings; returns its status token."""
    assert send_application(client, three_postings[0], three_postings[1:]).status_code == 303
    return status_token_of(client)


def _apps(main_table, token):
    status = main_table.get_item(Key=keys.status(tokens.token_hash(token)))["Item"]
    return applications_in_order(main_table, status)


def test_the_status_page_shows_each_posting_in_plain_words(runtime, client, applied, main_table):
    first = _apps(main_table, applied)[0]
    move_stage(runtime.applications, first, "screened", by="pipeline", at="2026-11-23T10:00:00Z")
    html = client.get(f"/applications/{applied}").get_data(as_text=True)
    # Screening is the pipeline's step, not news: both read "Received", with what happens next.
    assert "Kent Picker</strong>: <span class=\"stage\">Received</span>" in html
    assert "Remote Support Agent</strong>: <span class=\"stage\">Received</span>" in html
    assert html.count("A recruiter reviews it within 3 days.") == len(_apps(main_table, applied))
    assert "Screened" not in html and "Applied" not in html
    move_stage(runtime.applications, move_stage(runtime.applications, runtime.applications.get(first.id),
                                                 "interview", by="r@example.com", at="2026-11-24T10:00:00Z"),
               "rejected", by="r@example.com", at="2026-11-25T10:00:00Z", reason="Hours")
    html = client.get(f"/applications/{applied}").get_data(as_text=True)
    assert "Kent Picker</strong>: <span class=\"stage\">Not selected</span>" in html
    assert "We chose other applicants this time." in html
    assert "About 14 miles from you." in html


def test_unknown_tokens_find_nothing(client):
    assert client.get("/applications/not-a-real-token").status_code == 404
    assert client.get("/applications/" + "x" * 300).status_code == 404


def test_changing_hours_updates_every_open_application_and_bumps_its_version(client, applied, main_table):
    before = _apps(main_table, applied)
    page = hidden_fields(client.get(f"/applications/{applied}").get_data(as_text=True))
    resp = client.post(f"/applications/{applied}/availability",
                       data={**page, "hours_min": "30", "hours_max": "40", "shifts": ["night"]})
    assert resp.status_code == 303
    after = _apps(main_table, applied)
    assert [(a.preferences.hours_min, a.preferences.hours_max, a.preferences.shifts) for a in after] == \
        [(30, 40, ["night"])] * 3
    assert [a.version for a in after] == [a.version + 1 for a in before]
    assert after[0].preferences.circumstances == before[0].preferences.circumstances, "the rest is kept"
    assert "Your availability is updated" in client.get(f"/applications/{applied}").get_data(as_text=True)


def test_a_change_made_meanwhile_is_not_overwritten_and_the_applicant_is_told(runtime, client, applied, main_table):
    page = hidden_fields(client.get(f"/applications/{applied}").get_data(as_text=True))
    first = _apps(main_table, applied)[0]
    move_stage(runtime.applications, first, "screened", by="recruiter@example.com", at="2026-11-23T10:00:00Z")
    client.post(f"/applications/{applied}/availability",
                data={**page, "hours_min": "12", "hours_max": "16", "shifts": ["day"]})
    apps = _apps(main_table, applied)
    assert apps[0].preferences.hours_min == 20, "the one that changed keeps its stored answers"
    assert apps[1].preferences.hours_min == 12
    assert "Your availability was not changed for Kent Picker" in client.get(f"/applications/{applied}").get_data(
        as_text=True)


def test_bad_availability_is_explained_and_kept(client, applied):
    page = hidden_fields(client.get(f"/applications/{applied}").get_data(as_text=True))
    resp = client.post(f"/applications/{applied}/availability",
                       data={**page, "hours_min": "30", "hours_max": "10", "shifts": []})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'id="hours_max-error"' in html and 'id="shifts-error"' in html and 'value="30"' in html


def test_withdrawing_one_application_leaves_the_others(client, applied, main_table):
    html = client.get(f"/applications/{applied}").get_data(as_text=True)
    target = _apps(main_table, applied)[1]
    resp = client.post(f"/applications/{applied}/withdraw", data={
        "csrf_token": hidden_fields(html)["csrf_token"], "application_id": target.id, "version": str(target.version)})
    assert resp.status_code == 303
    apps = _apps(main_table, applied)
    assert [a.stage for a in apps] == ["applied", "withdrawn", "applied"]
    assert apps[1].moved_by == "applicant"
    html = client.get(f"/applications/{applied}").get_data(as_text=True)
    assert "You have withdrawn your application for Remote Support Agent." in html
    assert "Withdraw my application for Remote Support Agent" not in html


def test_a_version_that_is_not_ascii_digits_is_refused_and_nothing_moves(client, applied, main_table):
    html = client.get(f"/applications/{applied}").get_data(as_text=True)
    target = _apps(main_table, applied)[1]
    for version in ["²", "١", "1²", "<b>1</b>", "=1", "1\x00", "9" * 40, ""]:
        resp = client.post(f"/applications/{applied}/withdraw", data={
            "csrf_token": hidden_fields(html)["csrf_token"], "application_id": target.id, "version": version})
        assert resp.status_code == 400, repr(version)
    assert _apps(main_table, applied)[1].stage == "applied"


def test_a_failure_under_a_status_link_is_logged_without_the_token(app, client, applied, main_table, monkeypatch,
                                                                   caplog):
    from portal.applications import status as statuses

    def broken(*args, **kwargs):
        raise RuntimeError("the store broke")

    monkeypatch.setattr(statuses, "withdraw", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # answer 500 as in production, and log it
    html = client.get(f"/applications/{applied}").get_data(as_text=True)
    target = _apps(main_table, applied)[1]
    resp = client.post(f"/applications/{applied}/withdraw", data={
        "csrf_token": hidden_fields(html)["csrf_token"], "application_id": target.id, "version": str(target.version)})
    assert resp.status_code == 500
    logged = "\n".join(r.getMessage() + (caplog.text or "") for r in caplog.records)
    assert "Exception on /applications/<token>/withdraw [POST]" in logged
    assert applied not in logged and applied not in caplog.text


def test_another_submissions_application_cannot_be_withdrawn_through_this_link(client, applied, three_postings,
                                                                             main_table):
    send_application(client, three_postings[0], email="someone.else@example.com")
    other = _apps(main_table, status_token_of(client))[0]
    html = client.get(f"/applications/{applied}").get_data(as_text=True)
    resp = client.post(f"/applications/{applied}/withdraw", data={
        "csrf_token": hidden_fields(html)["csrf_token"], "application_id": other.id, "version": str(other.version)})
    assert resp.status_code == 404
    assert ApplicationRepository(main_table).get(other.id).stage == "applied"


def test_erasing_removes_everything_and_keeps_an_audit_record_without_personal_data(runtime, client, applied, main_table,
                                                                                    stack):
    apps = _apps(main_table, applied)
    move_stage(runtime.applications, apps[0], "screened", by="pipeline", at="2026-11-23T10:00:00Z")
    main_table.put_item(Item={**keys.application_history(apps[0].id, 1), "entity": "history", "to": "screened"})
    status = main_table.get_item(Key=keys.status(tokens.token_hash(applied)))["Item"]
    submission_id = status["submission_id"]
    selfid = boto3.resource("dynamodb").Table(stack["SelfIdTableName"])
    selfid.put_item(Item={**keys.selfid(submission_id), "answers": {"veteran": "declined"}})

    html = client.get(f"/applications/{applied}").get_data(as_text=True)
    csrf = hidden_fields(html.split('action="/applications/' + applied + '/erase"')[1])["csrf_token"]
    refused = client.post(f"/applications/{applied}/erase", data={"csrf_token": csrf})
    assert refused.status_code == 422 and "Tick the box to confirm" in refused.get_data(as_text=True)
    resp = client.post(f"/applications/{applied}/erase", data={"csrf_token": csrf, "confirm": "y"})
    assert resp.status_code == 303 and resp.headers["Location"] == "/applications/erased"

    for app in apps:
        assert main_table.query(KeyConditionExpression="pk = :pk",
                                ExpressionAttributeValues={":pk": f"APP#{app.id}"})["Items"] == []
    assert "Item" not in main_table.get_item(Key=keys.status(tokens.token_hash(applied)))
    assert "Item" not in main_table.get_item(Key=keys.submission(status["submission_token"]))
    assert "Item" not in selfid.get_item(Key=keys.selfid(submission_id))
    audit = main_table.get_item(Key=keys.erasure_audit(clock.iso(clock.now())[:7], submission_id))["Item"]
    assert audit["entity"] == "erasure" and int(audit["application_count"]) == 3
    for personal in ("jordan.lee@example.com", "Jordan Lee", "98101", "+12065550147", applied):
        assert personal not in str(audit)
    assert client.get(f"/applications/{applied}").status_code == 404
    assert "Your data is erased" in client.get("/applications/erased").get_data(as_text=True)
