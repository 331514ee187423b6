"""Résumé files in S3: presigned POSTs for the browser's direct upload, and the magic-byte check before linking."""
from __future__ import annotations

import re

from botocore.exceptions import ClientError
from ulid import ULID

MAX_BYTES = 5 * 1024 * 1024
PDF, DOCX = "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {PDF: "PDF", DOCX: "Word (DOCX)"}
# What the file must start with, whatever it is called: "%PDF-" for PDF; a ZIP local file header for DOCX.
MAGIC = {PDF: b"%PDF-", DOCX: b"PK\x03\x04"}
UPLOAD_MINUTES = 30


class ResumeRefused(ValueError):
    """The uploaded object is not a PDF or DOCX file up to 5 MB; it has been deleted."""


def new_key(submission_id: str) -> str:
    """Made by the server: the file's own name never becomes part of a path."""
    return f"resumes/{submission_id}/{ULID()}"


def belongs_to(key: str, submission_id: str) -> bool:
    return re.fullmatch(rf"resumes/{re.escape(submission_id)}/[0-9A-Z]{{26}}", key or "") is not None


class ResumeStore:
    """The résumé bucket, handed its S3 client and bucket name."""

    def __init__(self, s3_client, bucket: str):
        self.s3 = s3_client
        self.bucket = bucket

    def presigned_post(self, key: str, redirect_url: str) -> dict:
        """URL and form fields for a browser POST straight to S3, valid for this one key, size and type range.

        Content-Type is left to the form (a choice, or set by script from the file) but must be an application/
        type; the magic-byte check after the upload is what decides.
        """
        return self.s3.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"success_action_redirect": redirect_url},
            Conditions=[
                ["content-length-range", 1, MAX_BYTES],
                ["starts-with", "$Content-Type", "application/"],
                {"success_action_redirect": redirect_url},
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

    def delete(self, key: str) -> None:
        self.s3.delete_object(Bucket=self.bucket, Key=key)
