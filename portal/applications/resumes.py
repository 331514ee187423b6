"""Résumé files in S3: presigned POSTs for the browser's direct upload, and the magic-byte check before linking.

Every upload is tagged resume=pending by its POST policy, and the bucket's lifecycle rule deletes pending
objects after a day (infra/template.yaml): a file chosen on a form that was never sent does not stay. What a
submission links is never the uploaded object, which its POST policy may overwrite for 30 minutes, but a sealed
copy at a key no policy names, with the checked Content-Type (ResumeStore.seal). Once a submission links it,
the pipeline re-tags it resume=kept (ResumeStore.keep), idempotently and with retries.
"""
from __future__ import annotations

import re

from botocore.exceptions import ClientError
from itsdangerous import BadData, URLSafeTimedSerializer
from ulid import ULID

from portal.headers import origin_of

MAX_BYTES = 5 * 1024 * 1024
PDF, DOCX = "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {PDF: "PDF", DOCX: "Word (DOCX)"}
# What the file must start with, whatever it is called: "%PDF-" for PDF; a ZIP local file header for DOCX.
MAGIC = {PDF: b"%PDF-", DOCX: b"PK\x03\x04"}
UPLOAD_MINUTES = 30
# How long an upload on the apply form stays usable: as long as the form itself (WTF_CSRF_TIME_LIMIT).
UPLOAD_TOKEN_SECONDS = 4 * 3600
TAG = "resume"
PENDING_TAGGING = f"<Tagging><TagSet><Tag><Key>{TAG}</Key><Value>pending</Value></Tag></TagSet></Tagging>"


class ResumeRefused(ValueError):
    """The uploaded object is not a PDF or DOCX file up to 5 MB; it has been deleted."""


def new_key(submission_id: str) -> str:
    """Made by the server: the file's own name never becomes part of a path."""
    return f"resumes/{submission_id}/{ULID()}"


def new_upload_key() -> str:
    """For a file chosen on the apply form, before there is a submission to file it under."""
    return f"resumes/uploads/{ULID()}"


def sealed_key(upload_key: str) -> str:
    """Where the checked copy of an upload lives: one per upload, so a retried submission links the same copy.
    No presigned POST is ever made for a key under resumes/checked/ (submission ids are ULIDs)."""
    return f"resumes/checked/{upload_key.rsplit('/', 1)[-1]}"


def belongs_to(key: str, submission_id: str) -> bool:
    return re.fullmatch(rf"resumes/{re.escape(submission_id)}/[0-9A-Z]{{26}}", key or "") is not None


def _signer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="resume-upload")


def upload_token(secret_key: str, key: str, kind: str = "") -> str:
    """What the apply form carries for an upload: the server's key, and its checked type once it is checked.

    Signed, so the form can only ever name an object this portal made a POST for.
    """
    return _signer(secret_key).dumps({"k": key, "t": kind})


def read_upload_token(secret_key: str, token: str, checked: bool) -> tuple[str, str]:
    """The (key, type) an upload token names; raises ResumeRefused when it is forged, too old, or unchecked."""
    try:
        found = _signer(secret_key).loads(token, max_age=UPLOAD_TOKEN_SECONDS)
        key, kind = str(found["k"]), str(found["t"])
    except (BadData, KeyError, TypeError):
        raise ResumeRefused("Your résumé upload has run out of time. Choose the file again.")
    if not key.startswith("resumes/uploads/") or (checked and kind not in CONTENT_TYPES):
        raise ResumeRefused("Your résumé upload has run out of time. Choose the file again.")
    return key, kind


def start_upload(runtime, limits, now) -> dict:
    """A presigned POST for one file chosen on the apply form (or sent through the API), under a key made here,
    and the signed token naming it. Counted against the uploads allowed per IP address an hour: raises
    RateLimited. ``limits`` is the caller's applications.services.RateLimits."""
    runtime.applications.count(limits.upload_counter(now, runtime.settings.resume_uploads_per_ip_hour))
    key = new_upload_key()
    target = runtime.resumes.presigned_post(key)
    return {"url": target["url"], "fields": target["fields"], "upload": upload_token(runtime.secret_key, key)}


def check_uploaded(runtime, token: str) -> tuple[str, str]:
    """After the upload: (the token the form then sends, the type's label) once the file's first bytes prove it a
    PDF or DOCX; raises ResumeRefused (the object is deleted) otherwise."""
    key, _ = read_upload_token(runtime.secret_key, token, checked=False)
    kind = runtime.resumes.check(key)
    return upload_token(runtime.secret_key, key, kind), CONTENT_TYPES[kind]


def check_upload(runtime, token: str) -> str:
    """The key of the sealed copy of the checked upload the apply form names, to link to the submission. The
    presigned POST may have been used again since the check, so the copy is what is checked now. Raises
    ResumeRefused."""
    key, _ = read_upload_token(runtime.secret_key, token, checked=True)
    sealed, _ = runtime.resumes.seal(key)
    return sealed


def attached_label(runtime, token: str) -> str:
    """The label of the type of a checked upload ("PDF"), or "" when the token no longer names one."""
    try:
        _, kind = read_upload_token(runtime.secret_key, token, checked=True)
    except ResumeRefused:
        return ""
    return CONTENT_TYPES[kind]


def upload_for_status_page(runtime, submission_id: str, redirect_url: str) -> dict:
    """A presigned POST for a résumé added from the status page; S3 then sends the browser to ``redirect_url``."""
    return runtime.resumes.presigned_post(new_key(submission_id), redirect_url)


def upload_origin(runtime) -> str:
    """The origin browsers POST résumés to (what the presigned POSTs' URLs start with), known without an S3
    client so that a page's Content-Security-Policy costs no client on a cold start. On an emulator the POST is
    path-style (its endpoint); on AWS botocore gives the bucket's virtual-hosted global name."""
    endpoint = runtime.aws.endpoint_of("s3")
    return origin_of(endpoint) if endpoint else f"https://{runtime.settings.resume_bucket}.s3.amazonaws.com"


def download_link(runtime, key: str) -> str:
    return runtime.resumes.download_link(key, runtime.settings.resume_link_seconds)


class ResumeStore:
    """The résumé bucket, handed its S3 client and bucket name."""

    def __init__(self, s3_client, bucket: str):
        self.s3 = s3_client
        self.bucket = bucket

    def presigned_post(self, key: str, redirect_url: str | None = None) -> dict:
        """URL and form fields for a browser POST straight to S3, valid for this one key, size and type range.

        Content-Type is left to the form (a choice, or set by script from the file) but must be an application/
        type; the magic-byte check after the upload is what decides. With a redirect URL S3 sends the browser
        back there (a plain form); without, it answers 204 to the page's script.
        """
        fields = {"tagging": PENDING_TAGGING}
        if redirect_url:
            fields["success_action_redirect"] = redirect_url
        return self.s3.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields=fields,
            Conditions=[
                ["content-length-range", 1, MAX_BYTES],
                ["starts-with", "$Content-Type", "application/"],
                *({name: value} for name, value in fields.items()),
            ],
            ExpiresIn=UPLOAD_MINUTES * 60,
        )

    def check(self, key: str) -> str:
        """The content type the object's first bytes prove it to be; deletes it and raises ResumeRefused otherwise."""
        try:
            head = self.s3.get_object(Bucket=self.bucket, Key=key, Range="bytes=0-7")
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404", "InvalidRange"):
                raise ResumeRefused("We did not receive a file. Choose a PDF or Word file and upload it again.")
            raise
        first = head["Body"].read()
        size = int(head.get("ContentRange", "/0").rsplit("/", 1)[-1] or head.get("ContentLength", 0))
        kind = next((ctype for ctype, magic in MAGIC.items() if first.startswith(magic)), None)
        if kind is None or size > MAX_BYTES:
            self.delete(key)
            if kind is None:
                raise ResumeRefused("That file is not a PDF or a Word (DOCX) document. Choose one of those.")
            raise ResumeRefused("That file is larger than 5 MB. Choose a smaller file.")
        return kind

    def seal(self, key: str) -> tuple[str, str]:
        """(the sealed copy's key, its type): the upload copied to ``sealed_key(key)`` with the Content-Type its
        bytes prove, the copy checked again, the upload deleted. Raises ResumeRefused.

        The copy is checked because the upload may be overwritten between its check and the copy. Once sealed,
        the copy is never replaced: a submission sent again (a double click, a retry) finds it and links it.
        """
        sealed = sealed_key(key)
        try:
            found = self.s3.head_object(Bucket=self.bucket, Key=sealed)["ContentType"]
        except ClientError as exc:
            if exc.response["Error"]["Code"] not in ("NoSuchKey", "404"):
                raise
        else:
            if found in CONTENT_TYPES:
                return sealed, found
        kind = self.check(key)
        self.s3.copy_object(Bucket=self.bucket, Key=sealed, CopySource={"Bucket": self.bucket, "Key": key},
                            MetadataDirective="REPLACE", ContentType=kind, ContentDisposition="attachment",
                            TaggingDirective="REPLACE", Tagging=f"{TAG}=pending")
        if self.check(sealed) != kind:
            self.delete(sealed)
            raise ResumeRefused("Your résumé changed while we were checking it. Choose the file again.")
        self.delete(key)
        return sealed, kind

    def download_link(self, key: str, seconds: int) -> str:
        """A short-lived presigned GET for one résumé, which downloads rather than opens in the browser."""
        return self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key, "ResponseContentDisposition": "attachment"},
            ExpiresIn=seconds,
        )

    def delete(self, key: str) -> None:
        self.s3.delete_object(Bucket=self.bucket, Key=key)

    def keep(self, key: str) -> None:
        """Takes a linked résumé out of the lifecycle rule's reach. Nothing to do when it was erased meanwhile."""
        try:
            self.s3.put_object_tagging(Bucket=self.bucket, Key=key,
                                       Tagging={"TagSet": [{"Key": TAG, "Value": "kept"}]})
        except ClientError as exc:
            if exc.response["Error"]["Code"] not in ("NoSuchKey", "404"):
                raise
