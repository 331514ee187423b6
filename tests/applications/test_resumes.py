"""Résumés on the emulator's S3, called directly: presigned POSTs, upload limits, signed tokens, the byte check."""
import base64
import datetime
import json
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from itsdangerous import TimestampSigner

from portal.applications import resumes
from portal.applications.repository import RateLimited
from portal.applications.resumes import ResumeRefused
from portal.applications.services import rate_limits
from tests.helpers import with_settings

NOW = datetime.datetime(2026, 11, 20, 10, 30, tzinfo=datetime.timezone.utc)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
DOCX = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml" + b"\x00" * 64


def _ip() -> str:
    return f"192.0.2.{uuid.uuid4().hex[:8]}"


def _bucket(runtime):
    return runtime.resumes.s3, runtime.settings.resume_bucket


def _exists(runtime, key: str) -> bool:
    s3, bucket = _bucket(runtime)
    return s3.list_objects_v2(Bucket=bucket, Prefix=key).get("KeyCount", 0) > 0


def _post(target: dict, content: bytes, content_type: str, **extra) -> requests.Response:
    """What the browser does with a presigned POST: the form fields, then the file."""
    return requests.post(target["url"], data={**target["fields"], "Content-Type": content_type, **extra},
                         files={"file": ("../../etc/My CV.pdf", content, content_type)}, allow_redirects=False,
                         timeout=10)


def test_a_presigned_post_is_for_one_server_made_key_of_bounded_size_and_type_tagged_pending(runtime):
    started = resumes.start_upload(runtime, rate_limits(runtime, _ip()), NOW)
    fields = started["fields"]
    key, kind = resumes.read_upload_token(runtime.secret_key, started["upload"], checked=False)
    assert (key, kind) == (fields["key"], "")
    assert key.startswith("resumes/uploads/") and len(key.rsplit("/", 1)[1]) == 26
    assert fields["tagging"] == resumes.PENDING_TAGGING
    policy = json.loads(base64.b64decode(fields["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 1, resumes.MAX_BYTES] in conditions
    assert ["starts-with", "$Content-Type", "application/"] in conditions
    assert {"key": key} in conditions and {"tagging": resumes.PENDING_TAGGING} in conditions
    assert {"bucket": runtime.settings.resume_bucket} in conditions
    signed_at = datetime.datetime.strptime(fields["x-amz-date"], "%Y%m%dT%H%M%SZ")
    expires = datetime.datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ")
    # botocore reads the clock once for the expiration and again to sign: a second may tick in between.
    lifetime = datetime.timedelta(minutes=resumes.UPLOAD_MINUTES)
    assert lifetime - datetime.timedelta(seconds=1) <= expires - signed_at <= lifetime
    second = resumes.start_upload(runtime, rate_limits(runtime, _ip()), NOW)
    assert second["fields"]["key"] != key, "every upload gets a key of its own"


def test_uploads_are_counted_per_address_and_hour(runtime):
    limited = with_settings(runtime, resume_uploads_per_ip_hour=2)
    ip = _ip()
    for _ in range(2):
        resumes.start_upload(limited, rate_limits(limited, ip), NOW)
    with pytest.raises(RateLimited) as over:
        resumes.start_upload(limited, rate_limits(limited, ip), NOW)
    assert over.value.kind == "UPLOAD"
    resumes.start_upload(limited, rate_limits(limited, _ip()), NOW)  # another address: counted apart
    resumes.start_upload(limited, rate_limits(limited, ip), NOW + datetime.timedelta(hours=1))  # the next hour


@pytest.mark.parametrize("content, content_type, kind, label", [
    (PDF, resumes.PDF, resumes.PDF, "PDF"),
    (DOCX, resumes.DOCX, resumes.DOCX, "Word (DOCX)"),
])
def test_a_file_posted_to_s3_is_checked_by_its_first_bytes_and_its_token_then_names_the_type(
        runtime, content, content_type, kind, label):
    started = resumes.start_upload(runtime, rate_limits(runtime, _ip()), NOW)
    assert _post(started, content, content_type).status_code == 204
    checked, shown = resumes.check_uploaded(runtime, started["upload"])
    assert shown == label
    assert resumes.read_upload_token(runtime.secret_key, checked, checked=True) == (started["fields"]["key"], kind)
    assert resumes.attached_label(runtime, checked) == label
    assert resumes.attached_label(runtime, started["upload"]) == "", "an unchecked upload names no type"
    sealed = resumes.check_upload(runtime, checked)
    assert sealed == resumes.sealed_key(started["fields"]["key"]) != started["fields"]["key"]
    s3, bucket = _bucket(runtime)
    copy = s3.get_object(Bucket=bucket, Key=sealed)
    assert (copy["Body"].read(), copy["ContentType"]) == (content, kind)


NOT_A_DOCUMENT = "That file is not a PDF or a Word (DOCX) document. Choose one of those."


@pytest.mark.parametrize("content, message", [
    (b"<html><script>alert(1)</script></html>", NOT_A_DOCUMENT),
    (b"MZ\x90\x00\x03\x00\x00\x00", NOT_A_DOCUMENT),  # a Windows executable
    (b" %PDF-1.7", NOT_A_DOCUMENT),  # the magic bytes must come first
    (b"%PDF-1.7" + b"\x00" * resumes.MAX_BYTES, "That file is larger than 5 MB. Choose a smaller file."),
])
def test_a_file_that_is_not_a_pdf_or_docx_or_too_large_is_refused_and_deleted(runtime, content, message):
    started = resumes.start_upload(runtime, rate_limits(runtime, _ip()), NOW)
    key = started["fields"]["key"]
    s3, bucket = _bucket(runtime)
    s3.put_object(Bucket=bucket, Key=key, Body=content, ContentType=resumes.PDF)  # what it claims to be
    with pytest.raises(ResumeRefused) as refused:
        resumes.check_uploaded(runtime, started["upload"])
    assert str(refused.value) == message
    assert not _exists(runtime, key)


def test_a_file_of_exactly_5_mb_is_taken_and_a_missing_or_empty_one_is_not_received(runtime):
    s3, bucket = _bucket(runtime)
    limit = resumes.new_upload_key()
    s3.put_object(Bucket=bucket, Key=limit, Body=b"%PDF-1.7" + b"\x00" * (resumes.MAX_BYTES - 8))
    assert runtime.resumes.check(limit) == resumes.PDF
    empty = resumes.new_upload_key()
    s3.put_object(Bucket=bucket, Key=empty, Body=b"")
    for key in (empty, resumes.new_upload_key()):
        with pytest.raises(ResumeRefused) as refused:
            runtime.resumes.check(key)
        assert str(refused.value) == "We did not receive a file. Choose a PDF or Word file and upload it again."


def test_what_a_recruiter_downloads_is_the_file_that_was_checked(runtime):
    started = resumes.start_upload(runtime, rate_limits(runtime, _ip()), NOW)
    assert _post(started, PDF, resumes.PDF).status_code == 204
    checked, _ = resumes.check_uploaded(runtime, started["upload"])
    linked = resumes.check_upload(runtime, checked)  # what submit_application is given as resume_key
    assert linked.startswith("resumes/checked/") and not _exists(runtime, started["fields"]["key"])
    _post(started, b"MZ\x90\x00 not a resume", "application/x-msdownload")  # the same POST, used again afterwards
    got = requests.get(resumes.download_link(runtime, linked), timeout=10)
    assert got.content == PDF
    assert got.headers["Content-Type"] == resumes.PDF and got.headers["Content-Disposition"] == "attachment"
    # Sent again (a double click, a retry): the same sealed copy, still the file that was checked.
    assert resumes.check_upload(runtime, checked) == linked
    assert requests.get(resumes.download_link(runtime, linked), timeout=10).content == PDF
    s3, bucket = _bucket(runtime)
    assert s3.get_object_tagging(Bucket=bucket, Key=linked)["TagSet"] == [{"Key": "resume", "Value": "pending"}]


def test_an_upload_swapped_between_its_check_and_its_copy_is_refused_and_nothing_is_sealed(runtime):
    started = resumes.start_upload(runtime, rate_limits(runtime, _ip()), NOW)
    _post(started, PDF, resumes.PDF)
    checked, _ = resumes.check_uploaded(runtime, started["upload"])
    store = runtime.resumes
    real_check = store.check

    def swap_after_check(key):
        kind = real_check(key)
        if key == started["fields"]["key"]:
            _post(started, DOCX, resumes.DOCX)  # lands after the check, before the copy
        return kind

    store.check = swap_after_check
    try:
        with pytest.raises(ResumeRefused, match="changed"):
            resumes.check_upload(runtime, checked)
    finally:
        store.check = real_check
    assert not _exists(runtime, resumes.sealed_key(started["fields"]["key"]))


def test_forged_foreign_unchecked_or_hostile_upload_tokens_are_refused(runtime):
    s3, bucket = _bucket(runtime)
    elsewhere = "resumes/01SOMESUBMISSION0000000000/01SOMEFILE00000000000000000"
    s3.put_object(Bucket=bucket, Key=elsewhere, Body=PDF)
    good = resumes.upload_token(runtime.secret_key, resumes.new_upload_key(), resumes.PDF)
    bad_tokens = [
        good[:-2] + ("A" if good[-2] != "A" else "B") + good[-1],  # tampered
        resumes.upload_token("another-secret", resumes.new_upload_key(), resumes.PDF),
        resumes.upload_token(runtime.secret_key, elsewhere, resumes.PDF),  # a key outside uploads/
        resumes.upload_token(runtime.secret_key, "../resumes/uploads/x", resumes.PDF),
        resumes.upload_token(runtime.secret_key, resumes.new_upload_key(), "text/html"),
        "", "\x00", "<script>alert(1)</script>", "x" * 10_000,
    ]
    for token in bad_tokens:
        with pytest.raises(ResumeRefused):
            resumes.check_upload(runtime, token)
        assert resumes.attached_label(runtime, token) == ""
    with pytest.raises(ResumeRefused):
        resumes.check_upload(runtime, resumes.upload_token(runtime.secret_key, resumes.new_upload_key()))
    with pytest.raises(ResumeRefused):
        resumes.check_uploaded(runtime, resumes.upload_token(runtime.secret_key, elsewhere))
    assert _exists(runtime, elsewhere), "an object a refused token names is not touched"


def test_an_upload_token_lasts_as_long_as_the_form(runtime, monkeypatch):
    start = 1_790_000_000
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: start)
    token = resumes.upload_token(runtime.secret_key, resumes.new_upload_key(), resumes.PDF)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: start + resumes.UPLOAD_TOKEN_SECONDS)
    assert resumes.attached_label(runtime, token) == "PDF"
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: start + resumes.UPLOAD_TOKEN_SECONDS + 1)
    with pytest.raises(ResumeRefused) as expired:
        resumes.read_upload_token(runtime.secret_key, token, checked=True)
    assert str(expired.value) == "Your résumé upload has run out of time. Choose the file again."


def test_a_status_page_upload_goes_under_its_submission_and_s3_sends_the_browser_back(runtime):
    submission = "01STATUSPAGESUBMISSION00000"
    back = "https://portal.example/applications/tok/resume"
    target = resumes.upload_for_status_page(runtime, submission, back)
    key = target["fields"]["key"]
    assert resumes.belongs_to(key, submission) and not resumes.belongs_to(key, "01OTHER")
    conditions = json.loads(base64.b64decode(target["fields"]["policy"]))["conditions"]
    assert {"success_action_redirect": back} in conditions and {"key": key} in conditions
    sent = _post(target, PDF, resumes.PDF)
    assert sent.status_code == 303
    location = urlsplit(sent.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == back
    assert parse_qs(location.query)["key"] == [key]
    assert runtime.resumes.check(key) == resumes.PDF


def test_a_download_link_is_short_lived_and_downloads_and_keep_retags_idempotently(runtime):
    s3, bucket = _bucket(runtime)
    key = resumes.new_key("01DOWNLOADSUBMISSION0000000")
    s3.put_object(Bucket=bucket, Key=key, Body=PDF, Tagging="resume=pending")
    link = resumes.download_link(with_settings(runtime, resume_link_seconds=90), key)
    query = parse_qs(urlsplit(link).query)
    assert query["X-Amz-Expires"] == ["90"] and query["response-content-disposition"] == ["attachment"]
    got = requests.get(link, timeout=10)
    assert (got.status_code, got.content) == (200, PDF)
    assert got.headers["Content-Disposition"] == "attachment"
    runtime.resumes.keep(key)
    runtime.resumes.keep(key)
    assert s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"] == [{"Key": "resume", "Value": "kept"}]
    runtime.resumes.delete(key)
    runtime.resumes.keep(key)  # erased meanwhile: nothing to do, no error
    assert not _exists(runtime, key)


@pytest.mark.parametrize("region", ["us-east-1", "us-west-2", "eu-west-1"])
def test_the_upload_origin_in_the_pages_policy_is_where_botocore_sends_the_browser(runtime, region, monkeypatch):
    """Known without an S3 client (a cold start would pay for one): it must still be the presigned POST's origin,
    on the emulator and on AWS itself."""
    from portal.aws import AwsClients
    from portal.headers import origin_of
    from portal.runtime import Runtime

    assert resumes.upload_origin(runtime) == origin_of(runtime.resumes.presigned_post("resumes/uploads/x")["url"])
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    on_aws = Runtime(runtime.settings, aws=AwsClients(region))
    assert resumes.upload_origin(on_aws) == origin_of(on_aws.resumes.presigned_post("resumes/uploads/x")["url"])
