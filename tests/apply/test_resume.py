"""Résumés: a real presigned POST to the emulator's S3, then the magic-byte check before the file is linked."""
import base64
import html as htmllib
import json
import re
from urllib.parse import urlsplit

import boto3
import pytest
import requests

from portal import keys
from portal.applications import resumes, tokens
from tests.apply.conftest import send_application, status_token_of

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
    return fields["key"], client.get(f"/applications/{token}").get_data(as_text=True)


def _status(main_table, token):
    return main_table.get_item(Key=keys.status(tokens.token_hash(token)))["Item"]


def test_the_presigned_policy_limits_size_type_key_and_redirect(client, applied):
    action, fields = _upload_form(client, applied)
    policy = json.loads(base64.b64decode(fields["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 1, 5 * 1024 * 1024] in conditions
    assert ["starts-with", "$Content-Type", "application/"] in conditions
    assert {"key": fields["key"]} in conditions
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
