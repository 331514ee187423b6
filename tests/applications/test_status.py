"""The status-link services called directly: opening a link, availability by version, withdraw, résumé, erasure."""
import uuid

import boto3
import pytest

from portal import keys
from portal.applications import resumes, status
from portal.applications.resumes import ResumeRefused
from portal.applications.services import submit_application
from portal.applications.stages import InvalidTransition, StageConflict, move_stage
from tests.factories import make_answers, make_posting, make_remote_posting

AT = "2026-11-23T10:00:00Z"
PDF = b"%PDF-1.7\n" + b"x" * 500
DOCX = b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml" + b"\x00" * 100


@pytest.fixture
def submitted(runtime):
    """A fresh submission to three postings of a team of its own; returns (status token, answers)."""
    team = f"st-{uuid.uuid4().hex[:8]}"
    postings = [make_posting(team=team), make_remote_posting(team=team), make_posting(team=team)]
    answers = make_answers()
    result = submit_application(runtime, postings, answers, token=f"tok-{uuid.uuid4().hex}")
    return result.status_token, answers


def _s3(runtime):
    return runtime.resumes.s3, runtime.settings.resume_bucket


def _exists(runtime, key) -> bool:
    s3, bucket = _s3(runtime)
    return s3.list_objects_v2(Bucket=bucket, Prefix=key).get("KeyCount", 0) > 0


@pytest.mark.parametrize("token", ["", "x" * 101, "not-a-real-token", "tok\x00en", "<script>alert(1)</script>"])
def test_unknown_empty_overlong_or_hostile_tokens_open_nothing(runtime, token):
    assert status.status_item(runtime, token) is None
    assert status.load(runtime, token) is None


def test_a_link_shows_its_submissions_applications_in_the_applicants_order(runtime, submitted):
    token, answers = submitted
    view = status.load(runtime, token)
    assert [a.rank for a in view.applications] == [1, 2, 3]
    assert {a.submission_id for a in view.applications} == {view.submission_id}
    assert view.item["contact_email"] == answers.contact.email
    assert view.token_hash != token and token not in str(view.item), "only the token's hash is stored"


def test_availability_changes_only_availability_of_every_open_application_and_bumps_versions(runtime, submitted):
    token, _ = submitted
    view = status.load(runtime, token)
    closed = view.applications[2]
    move_stage(runtime.applications, closed, "withdrawn", by="applicant", at=AT)
    view = status.load(runtime, token)
    seen = {a.id: a.version for a in view.applications}
    conflicts = status.update_availability(runtime, view, seen, {
        "hours_min": 30, "hours_max": 40, "shifts": ["night"],
        "workplace": "remote", "circumstances": {"veteran": True}, "contact": "x",  # not availability: ignored
    }, AT)
    assert conflicts == []
    after = status.load(runtime, token).applications
    assert [(a.preferences.hours_min, a.preferences.hours_max, a.preferences.shifts) for a in after[:2]] == \
        [(30, 40, ["night"])] * 2
    assert [a.version for a in after[:2]] == [seen[a.id] + 1 for a in after[:2]]
    assert [a.preferences.workplace for a in after] == [a.preferences.workplace for a in view.applications]
    assert all(a.preferences.circumstances == {} for a in after)
    assert (after[2].preferences.hours_min, after[2].version) == (20, seen[closed.id]), "a withdrawn one is left"


def test_an_application_changed_meanwhile_keeps_its_preferences_and_is_reported(runtime, submitted):
    token, _ = submitted
    view = status.load(runtime, token)
    seen = {a.id: a.version for a in view.applications}
    moved = move_stage(runtime.applications, view.applications[0], "screened", by="pipeline", at=AT)
    conflicts = status.update_availability(runtime, view, seen, {"hours_min": 10, "hours_max": 12}, AT)
    assert [a.id for a in conflicts] == [moved.id]
    after = status.load(runtime, token).applications
    assert (after[0].preferences.hours_min, after[0].version) == (20, moved.version)
    assert [a.preferences.hours_min for a in after[1:]] == [10, 10]


def test_withdrawing_takes_only_this_submissions_ids_at_the_version_shown(runtime, submitted):
    token, _ = submitted
    view = status.load(runtime, token)
    other_view = status.load(runtime, submit_application(
        runtime, [make_posting(team="st-other")], make_answers(), token=f"tok-{uuid.uuid4().hex}").status_token)
    stranger = other_view.applications[0]
    assert status.withdraw(runtime, view, stranger.id, stranger.version, AT) is None
    assert runtime.applications.get(stranger.id).stage == "applied"

    target = view.applications[1]
    screened = move_stage(runtime.applications, target, "screened", by="pipeline", at=AT)
    with pytest.raises(StageConflict) as stale:
        status.withdraw(runtime, view, target.id, target.version, AT)
    assert stale.value.current.stage == "screened"
    assert runtime.applications.get(target.id).stage == "screened", "the stale version wrote nothing"

    withdrawn = status.withdraw(runtime, view, target.id, screened.version, AT)
    assert (withdrawn.stage, withdrawn.moved_by, withdrawn.version) == ("withdrawn", "applicant", screened.version + 1)
    with pytest.raises(InvalidTransition) as again:
        status.withdraw(runtime, status.load(runtime, token), target.id, withdrawn.version, AT)
    assert again.value.field == "to_stage"
    assert [a.stage for a in status.load(runtime, token).applications] == ["applied", "withdrawn", "applied"]


def test_a_resume_is_linked_only_from_this_submissions_keys_once_its_bytes_prove_its_type(runtime, submitted):
    token, _ = submitted
    s3, bucket = _s3(runtime)
    view = status.load(runtime, token)
    foreign = resumes.new_key("01OTHERSUBMISSION0000000000")
    s3.put_object(Bucket=bucket, Key=foreign, Body=PDF)
    for key in (foreign, f"resumes/{view.submission_id}/../{foreign}", f"resumes/{view.submission_id}/x\x00"):
        with pytest.raises(ResumeRefused) as refused:
            status.attach_resume(runtime, view, key, AT)
        assert "not one of yours" in str(refused.value)
    assert _exists(runtime, foreign), "another submission's object is not touched"

    html = resumes.new_key(view.submission_id)
    s3.put_object(Bucket=bucket, Key=html, Body=b"<html><script>alert(1)</script>")
    with pytest.raises(ResumeRefused) as not_pdf:
        status.attach_resume(runtime, view, html, AT)
    assert "not a PDF or a Word (DOCX) document" in str(not_pdf.value)
    assert not _exists(runtime, html)
    assert "resume_key" not in status.status_item(runtime, token)

    pdf = resumes.new_key(view.submission_id)
    s3.put_object(Bucket=bucket, Key=pdf, Body=PDF)
    assert status.attach_resume(runtime, view, pdf, AT) == resumes.PDF
    view = status.load(runtime, token)
    linked = resumes.sealed_key(pdf)  # a copy no upload policy can overwrite
    assert view.item["resume_key"] == linked and {a.resume_key for a in view.applications} == {linked}
    assert not _exists(runtime, pdf)

    docx = resumes.new_key(view.submission_id)
    s3.put_object(Bucket=bucket, Key=docx, Body=DOCX)
    assert status.attach_resume(runtime, view, docx, AT) == resumes.DOCX
    assert {a.resume_key for a in status.load(runtime, token).applications} == {resumes.sealed_key(docx)}
    assert not _exists(runtime, linked), "the replaced résumé is deleted"


def test_erasing_deletes_everything_of_the_submission_and_audits_without_personal_data(runtime, submitted, stack):
    token, answers = submitted
    view = status.load(runtime, token)
    first = view.applications[0]
    runtime.applications.add_note(first.id, {"id": "01NOTE0000000000000000000A", "body": "Called them."})
    runtime.main_table.put_item(Item={**keys.application_history(first.id, 1), "entity": "history"})
    selfid = boto3.resource("dynamodb").Table(stack["SelfIdTableName"])
    selfid.put_item(Item={**keys.selfid(view.submission_id), "answers": {"veteran": "declined"}})
    key = resumes.new_key(view.submission_id)
    runtime.resumes.s3.put_object(Bucket=runtime.settings.resume_bucket, Key=key, Body=PDF)
    status.attach_resume(runtime, view, key, AT)
    view = status.load(runtime, token)

    status.erase_everything(runtime, view, AT)

    assert status.load(runtime, token) is None
    for application in view.applications:
        assert runtime.main_table.query(KeyConditionExpression="pk = :pk", ConsistentRead=True,
                                        ExpressionAttributeValues={":pk": f"APP#{application.id}"})["Items"] == []
    assert runtime.applications.get_submission(view.item["submission_token"]) is None
    assert "Item" not in selfid.get_item(Key=keys.selfid(view.submission_id))
    assert not _exists(runtime, key)
    record = runtime.main_table.get_item(Key=keys.erasure_audit("2026-11", view.submission_id))["Item"]
    assert (record["entity"], record["erased_at"], int(record["application_count"]), record["resume_deleted"]) == \
        ("erasure", AT, 3, True)
    for personal in (answers.contact.name, answers.contact.email, answers.contact.phone, answers.location.zip,
                     token, view.token_hash, key):
        assert personal not in str(record)
