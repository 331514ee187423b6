"""One application's page: stage moves with the conflict case, notes, tags, rating, assignment, résumé link,
history, and the audit log of who viewed and changed it."""
import re

import boto3
import pytest

from portal import keys
from portal.applications.repository import ApplicationRepository
from portal.postings.repository import PostingRepository
from tests.helpers import csrf_token
from tests.factories import make_application, make_posting


@pytest.fixture(scope="module")
def posting(main_table):
    posting = make_posting(team="north", title="Night Sorter")
    PostingRepository(main_table).put(posting)
    return posting


@pytest.fixture
def application(main_table, posting):
    found = make_application(posting, name="Ada Applicant", score=72, fit_reasons=["Lives 4 miles from the site"],
                             flags=["student"])
    ApplicationRepository(main_table).put_many([found])
    return found


def _page(client, application):
    return client.get(f"/admin/applications/{application.id}").get_data(as_text=True)


def test_the_page_shows_preferences_fit_reasons_and_no_self_id(signed_in, application, main_table):
    main_table.put_item(Item={**keys.counters("EEO#north"), "veteran:protected": 7})
    html = _page(signed_in("north"), application)
    assert "Ada Applicant" in html and "Lives 4 miles from the site" in html and "20–30" in html
    assert "protected" not in html and "self-identification" not in html.lower()
    assert "None sent" in html


def test_a_resume_is_a_short_lived_presigned_link(signed_in, main_table, posting, stack):
    s3 = boto3.client("s3")
    s3.put_object(Bucket=stack["ResumeBucketName"], Key="resumes/abc.pdf", Body=b"%PDF-1.4")
    with_resume = make_application(posting, resume_key="resumes/abc.pdf")
    ApplicationRepository(main_table).put_many([with_resume])
    html = _page(signed_in("north"), with_resume)
    link = re.search(r'href="([^"]+abc\.pdf[^"]*)"', html).group(1).replace("&amp;", "&")
    assert "X-Amz-Expires=120" in link and "X-Amz-Signature" in link


def _move(client, application, to_stage, version, reason=""):
    return client.post(f"/admin/applications/{application.id}/move",
                       data={"csrf_token": csrf_token(client), "to_stage": to_stage, "version": str(version),
                             "reason": reason})


def test_two_recruiters_move_at_once_one_wins_the_other_sees_the_current_state(signed_in, application):
    nell, ned = signed_in("north"), signed_in("north2")
    assert _move(nell, application, "screened", 1).status_code == 303
    lost = _move(ned, application, "rejected", 1, reason="Not enough hours")
    assert lost.status_code == 409
    html = lost.get_data(as_text=True)
    assert "Someone else changed this application first" in html
    assert "Nothing was changed" in html and "Screened" in html and "north@example.com" in html
    assert "Move to Interview" in html, "the page shows the moves allowed from the current stage"


def test_moves_off_the_path_and_without_reasons_are_refused_next_to_the_field(signed_in, application):
    client = signed_in("north")
    assert _move(client, application, "hired", 1).status_code == 422
    resp = _move(client, application, "rejected", 1, reason="  ")
    assert resp.status_code == 422
    assert "Give a reason for moving to Not selected." in resp.get_data(as_text=True)
    assert _move(client, application, "rejected", 1, reason="Wants days only").status_code == 303


def test_a_move_goes_on_to_the_next_application_given(signed_in, application):
    client = signed_in("north")
    resp = client.post(f"/admin/applications/{application.id}/move",
                       data={"csrf_token": csrf_token(client), "to_stage": "screened", "version": "1",
                             "next": "/admin/queues/north/?stage=applied"})
    assert resp.headers["Location"] == "/admin/queues/north/?stage=applied"
    resp = client.post(f"/admin/applications/{application.id}/move",
                       data={"csrf_token": csrf_token(client), "to_stage": "interview", "version": "2",
                             "next": "https://evil.example/"})
    assert resp.headers["Location"] == f"/admin/applications/{application.id}"


def test_notes_tags_and_rating(signed_in, application, main_table):
    client = signed_in("north")
    token = csrf_token(client)
    base = f"/admin/applications/{application.id}"
    assert client.post(f"{base}/notes", data={"csrf_token": token, "body": "Called, keen on nights."}).status_code == 303
    empty = client.post(f"{base}/notes", data={"csrf_token": token, "body": ""})
    assert empty.status_code == 422 and "Write the note before adding it." in empty.get_data(as_text=True)
    assert client.post(f"{base}/tags", data={"csrf_token": token, "tags": "night-ok, Call back"}).status_code == 303
    bad = client.post(f"{base}/tags", data={"csrf_token": token, "tags": "ok, <b>"})
    assert bad.status_code == 422 and "ok, &lt;b&gt;" in bad.get_data(as_text=True), "the form keeps what was typed"
    assert client.post(f"{base}/rating", data={"csrf_token": token, "rating": "4"}).status_code == 303
    assert client.post(f"{base}/rating", data={"csrf_token": token, "rating": "9"}).status_code == 422
    html = _page(client, application)
    assert "Called, keen on nights." in html and "Nell North" in html
    assert "night-ok" in html and "call back" in html and "now 4" in html
    stored = ApplicationRepository(main_table).get(application.id)
    assert stored.version == 1, "annotations do not bump the version (no false stage conflicts)"
    assert client.post(f"{base}/tags/remove", data={"csrf_token": token, "tag": "night-ok"}).status_code == 303
    assert ApplicationRepository(main_table).get(application.id).tags == ["call back"]


def test_assigning_uses_the_version_and_puts_it_in_my_queue(signed_in, application):
    client = signed_in("north")
    resp = client.post(f"/admin/applications/{application.id}/assign",
                       data={"csrf_token": csrf_token(client), "version": "1", "assignee": "north2@example.com"})
    assert resp.status_code == 303
    stale = client.post(f"/admin/applications/{application.id}/assign",
                        data={"csrf_token": csrf_token(client), "version": "1", "assignee": "north@example.com"})
    assert stale.status_code == 409
    assert "Ada Applicant" in signed_in("north2").get("/admin/my-queue/").get_data(as_text=True)
    outsider = client.post(f"/admin/applications/{application.id}/assign",
                           data={"csrf_token": csrf_token(client), "version": "2", "assignee": "south@example.com"})
    assert outsider.status_code == 422, "only members of the application's team can be assigned"


def test_history_is_shown_and_the_audit_log_records_views_and_changes(signed_in, application, main_table, people):
    main_table.put_item(Item={**keys.application_history(application.id, 2), "at": "2026-11-21T09:00:00Z",
                              "from_stage": "applied", "to_stage": "screened", "by": "pipeline", "reason": ""})
    client = signed_in("north")
    html = _page(client, application)
    assert "Applied → Screened" in html
    _move(client, application, "screened", 1)
    log = client.get(f"/admin/applications/{application.id}/audit").get_data(as_text=True)
    assert "viewed" in log and "moved" in log and "Applied → Screened" in log and "Nell North" in log
    mine = client.get(f"/admin/audit/accounts/{people['north'].id}").get_data(as_text=True)
    assert application.id in mine
    assert client.get(f"/admin/audit/accounts/{people['north2'].id}").status_code == 404
    assert signed_in("boss").get(f"/admin/audit/accounts/{people['north'].id}").status_code == 200
    with pytest.raises(Exception):
        from portal.audit.repository import AuditRepository

        entry = AuditRepository(main_table).for_subject(f"APP#{application.id}", 1).items[0]
        AuditRepository(main_table).append(entry)  # the same entry again: append-only refuses
