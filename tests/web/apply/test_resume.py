"""Résumés: a real presigned POST to the emulator's S3, then the magic-byte check before the file is linked."""
import base64
import dataclasses
import html as htmllib
import json
import re
from urllib.parse import urlsplit

import boto3
import pytest
import requests

from portal import keys
from portal.applications import resumes, tokens
from tests.helpers import send_application, status_token_of
from tests.factories import apply_form
from tests.helpers import hidden_fields

DOCX_START = b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml"


@pytest.fixture
def applied(client, three_postings):
    assert send_application(client, three_postings[0], [three_postings[2]]).status_code == 303
    return status_token_of(client)


def _upload_form(client, token):
    html = client.get(f"/applications/{token}").get_data(as_text=True)
    form = re.search(r'<form method="post" action="([^"]+)" enctype="multipart/form-data".*?</form>', html, re.S)
    action = htmllib.unescape(form.group(1))
    fields = {m.group(1): htmllib.unescape(m.group(2))
              for m in re.finditer(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(0))}
    return action, fields


def _upload(client, token, content: bytes, content_type: str, filename="../../etc/My CV.pdf"):
    """The browser's part: POST the file straight to S3, then follow S3's redirect back to the portal."""
    action, fields = _upload_form(client, token)
    resp = requests.post(action, data={**fields, "Content-Type": content_type},
                         files={"file": (filename, content, content_type)}, allow_redirects=False, timeout=10)
    assert resp.status_code == 303, resp.text
    back = urlsplit(resp.headers["Location"])
    assert back.path == f"/applications/{token}/resume"
    done = client.get(f"{back.path}?{back.query}")
    assert done.status_code == 303
    return resumes.sealed_key(fields["key"]), client.get(f"/applications/{token}").get_data(as_text=True)


def _status(main_table, token):
    return main_table.get_item(Key=keys.status(tokens.token_hash(token)))["Item"]


def test_the_presigned_policy_limits_size_type_key_and_redirect(client, applied):
    action, fields = _upload_form(client, applied)
    policy = json.loads(base64.b64decode(fields["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 1, 5 * 1024 * 1024] in conditions
    assert ["starts-with", "$Content-Type", "application/"] in conditions
    assert {"key": fields["key"]} in conditions
    assert {"tagging": resumes.PENDING_TAGGING} in conditions, "an unsent upload is deleted by the lifecycle rule"
    assert re.fullmatch(r"resumes/[0-9A-Z]{26}/[0-9A-Z]{26}", fields["key"]), "made by the server"


def test_a_pdf_is_checked_and_linked_to_every_application(client, applied, main_table, stack):
    key, page = _upload(client, applied, b"%PDF-1.7\n" + b"x" * 2000, resumes.PDF)
    assert "Your résumé (PDF) is added to your applications." in page
    assert "My CV" not in key and ".." not in key
    status = _status(main_table, applied)
    assert status["resume_key"] == key
    for application_id in status["application_ids"]:
        assert main_table.get_item(Key=keys.application(application_id))["Item"]["resume_key"] == key
    s3 = boto3.client("s3")
    assert s3.get_object(Bucket=stack["ResumeBucketName"], Key=key)["Body"].read().startswith(b"%PDF-")

    second, page = _upload(client, applied, DOCX_START + b"\x00" * 100, resumes.DOCX, "cv.docx")
    assert "Your résumé (Word (DOCX)) is added" in page
    assert _status(main_table, applied)["resume_key"] == second
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=stack["ResumeBucketName"], Key=key)  # the replaced one is gone


def test_a_file_that_is_not_pdf_or_docx_is_refused_and_deleted(client, applied, main_table, stack):
    key, page = _upload(client, applied, b"MZ\x90\x00 an executable pretending", resumes.PDF, "cv.pdf")
    assert "That file is not a PDF or a Word (DOCX) document." in page
    assert "resume_key" not in _status(main_table, applied)
    s3 = boto3.client("s3")
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=stack["ResumeBucketName"], Key=key)


def test_a_file_over_5_mb_is_refused_even_if_the_store_let_it_in(client, applied, main_table):
    # The emulator does not enforce the policy's size range as S3 does, so the server's own check is tested here.
    _, page = _upload(client, applied, b"%PDF-" + b"0" * (5 * 1024 * 1024), resumes.PDF)
    assert "That file is larger than 5 MB." in page
    assert "resume_key" not in _status(main_table, applied)


def test_a_key_of_another_submission_is_never_linked(client, applied, main_table):
    resp = client.get(f"/applications/{applied}/resume?key=resumes/01ABCDEFGHJKMNPQRSTVWXYZ00/01ABCDEFGHJKMNPQRSTVWXYZ00")
    assert resp.status_code == 303
    assert "That upload is not one of yours." in client.get(f"/applications/{applied}").get_data(as_text=True)
    assert "resume_key" not in _status(main_table, applied)


# --- on the apply form itself: the page's script uploads straight to S3 before the form is sent ----------------


def _form_upload(client, posting, content: bytes, content_type: str, filename="../My CV.pdf"):
    """What static/js/apply.js does: ask for a presigned POST, send the file to S3, have it checked."""
    hidden = hidden_fields(client.get(f"/apply/{posting.id}").get_data(as_text=True))
    headers = {"X-CSRFToken": hidden["csrf_token"]}
    target = client.post("/apply/resume", json={}, headers=headers).get_json()
    assert re.fullmatch(r"resumes/uploads/[0-9A-Z]{26}", target["fields"]["key"]), "made by the server"
    resp = requests.post(target["url"], data={**target["fields"], "Content-Type": content_type},
                         files={"file": (filename, content, content_type)}, timeout=10)
    assert resp.status_code == 204, resp.text
    checked = client.post("/apply/resume/check", json={"upload": target["upload"]}, headers=headers)
    return hidden, target["fields"]["key"], checked


def _apply_with(client, posting, hidden, upload_token, **overrides):
    return client.post(f"/apply/{posting.id}",
                       data={**hidden, **apply_form(**overrides), "resume_upload": upload_token})


def test_a_resume_chosen_on_the_form_is_checked_linked_and_kept(client, three_postings, main_table, stack, app):
    from portal import pipeline
    from portal.mail import verify_sender
    from tests.helpers import StreamTail

    tail = StreamTail(main_table.name)
    hidden, key, checked = _form_upload(client, three_postings[0], b"%PDF-1.4\n" + b"x" * 500, resumes.PDF)
    assert checked.status_code == 200 and checked.get_json()["label"] == "PDF"
    resp = _apply_with(client, three_postings[0], hidden, checked.get_json()["upload"],
                       **{"choice_2": three_postings[2].id})
    assert resp.status_code == 303, resp.get_data(as_text=True)
    token = status_token_of(client)
    status = _status(main_table, token)
    assert status["resume_key"] == resumes.sealed_key(key) and "My CV" not in key
    key = status["resume_key"]
    for application_id in status["application_ids"]:
        assert main_table.get_item(Key=keys.application(application_id))["Item"]["resume_key"] == key
    assert "Your résumé is added" in client.get(f"/applications/{token}").get_data(as_text=True)

    # The pipeline marks it kept when it sees the submission, so the one-day expiry of unsent uploads spares it.
    verify_sender(boto3.client("ses"), app.extensions["portal"].settings.mail_from)
    event = tail.event()
    assert any(r["dynamodb"]["NewImage"].get("entity") == {"S": "status"} for r in event["Records"]
               if r["eventName"] == "INSERT")
    assert pipeline.handle_batch(app.extensions["portal"], event) == {"batchItemFailures": []}
    tags = boto3.client("s3").get_object_tagging(Bucket=stack["ResumeBucketName"], Key=key)["TagSet"]
    assert tags == [{"Key": resumes.TAG, "Value": "kept"}]


def test_a_file_that_is_not_a_resume_is_refused_at_once_and_deleted(client, three_postings, stack):
    _, key, checked = _form_upload(client, three_postings[0], b"GIF89a not a CV", resumes.PDF, "cv.pdf")
    assert checked.status_code == 422
    assert checked.get_json()["error"] == "That file is not a PDF or a Word (DOCX) document. Choose one of those."
    s3 = boto3.client("s3")
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=stack["ResumeBucketName"], Key=key)


def test_an_upload_replaced_after_its_check_is_refused_next_to_the_field_and_nothing_else_is_lost(
        client, three_postings, stack, main_table):
    hidden, key, checked = _form_upload(client, three_postings[0], b"%PDF-1.4\n", resumes.PDF)
    # The presigned POST is still valid for a while: someone sends another file to the same key.
    boto3.client("s3").put_object(Bucket=stack["ResumeBucketName"], Key=key, Body=b"MZ not a pdf")
    resp = _apply_with(client, three_postings[0], hidden, checked.get_json()["upload"], name="Rosa Keeps-Typing")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'href="#resume-file"' in html and "That file is not a PDF or a Word (DOCX) document." in html
    assert 'value="Rosa Keeps-Typing"' in html, "the form keeps what was typed"
    assert hidden_fields(html)["resume_upload"] == "", "the refused upload is not sent again"


@pytest.mark.parametrize("token", [
    "not-a-token",
    # Signed, but never checked: the form only takes an upload whose first bytes were seen.
    "UNCHECKED",
    # Signed and checked, but for a key outside the uploads prefix.
    "OTHER-KEY",
])
def test_a_forged_or_unchecked_upload_is_never_linked(client, three_postings, app, token):
    secret = app.config["SECRET_KEY"]
    token = {"UNCHECKED": resumes.upload_token(secret, resumes.new_upload_key()),
             "OTHER-KEY": resumes.upload_token(secret, "resumes/01ABCDEFGHJKMNPQRSTVWXYZ00/x", resumes.PDF)
             }.get(token, token)
    hidden = hidden_fields(client.get(f"/apply/{three_postings[0].id}").get_data(as_text=True))
    resp = _apply_with(client, three_postings[0], hidden, token)
    assert resp.status_code == 422
    assert "Your résumé upload has run out of time. Choose the file again." in resp.get_data(as_text=True)


def test_a_resume_re_shown_after_another_error_is_still_attached(client, three_postings):
    hidden, key, checked = _form_upload(client, three_postings[0], b"%PDF-1.4\n", resumes.PDF)
    upload = checked.get_json()["upload"]
    resp = _apply_with(client, three_postings[0], hidden, upload, phone="12")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'href="#phone"' in html
    assert "Your PDF résumé is attached." in html and upload in html


def test_uploads_started_from_one_address_are_limited_per_hour(client, runtime, three_postings, monkeypatch):
    monkeypatch.setattr(runtime, "settings", dataclasses.replace(runtime.settings, resume_uploads_per_ip_hour=2))
    csrf = hidden_fields(client.get(f"/apply/{three_postings[0].id}").get_data(as_text=True))["csrf_token"]

    def start(ip):
        return client.post("/apply/resume", json={}, headers={"X-CSRFToken": csrf}, environ_base={"REMOTE_ADDR": ip})

    assert [start("192.0.2.44").status_code for _ in range(3)] == [200, 200, 429]
    refused = start("192.0.2.44").get_json()
    assert "add your résumé from your status page" in refused["error"]
    assert start("192.0.2.45").status_code == 200, "another address has its own count"
