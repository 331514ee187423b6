"""Helpers the blueprints share, so that none imports another's routes: the runtime of the request, CSRF, the one
safe-redirect check, signed page cursors, messages at fields, and the steps of applying that the form and the API
have in common (answers, rate limits, the résumé upload)."""
from __future__ import annotations

import logging

from flask import abort, current_app, jsonify, request
from flask_wtf.csrf import CSRFProtect

from portal import clock
from portal.applications import resumes
from portal.applications import services as applying
from portal.applications.models import Contact, Location, Preferences
from portal.errors import FieldProblem
from portal.paging import BadCursor, CursorCodec

log = logging.getLogger(__name__)

csrf = CSRFProtect()

UPLOADS_LIMITED = ("We have received many files from this address in a short time, so we cannot take another "
                   "just now. You can send your application without it and add your résumé from your status page.")


def runtime():
    """The app's runtime (portal/runtime.py): the one way request code reaches settings, stores and services' deps."""
    return current_app.extensions["portal"]


def settings():
    return runtime().settings


def safe_next(target: str | None, inside: str = "/admin/") -> str | None:
    """``target`` when it is a path inside ``inside`` on this site, else None: a ``next=`` can never send anyone
    elsewhere (no scheme or host, no protocol-relative ``//``, no backslash that browsers read as a slash)."""
    if not target or not target.startswith(inside) or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


def json_object() -> dict:
    """The request's JSON body, which must be an object: 400 (in JSON) when it is not JSON, malformed, too deep
    (portal/web/__init__.py's PortalJSON) or a list."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, "The body must be a JSON object.")
    return body


def cursor_codec() -> CursorCodec:
    return CursorCodec(runtime().secret_key)


def start_key(arg: str = "page") -> dict | None:
    """The DynamoDB start key a signed cursor in the query string names; 400 when it is not one of ours."""
    try:
        return cursor_codec().decode(request.args.get(arg))
    except BadCursor:
        abort(400, "This page link is not valid any more. Start again from the first page.")


def show_at_field(form, problem: FieldProblem, fallback: str) -> None:
    """Put a rule's message next to the field it names (or ``fallback`` when the form has no such field)."""
    field = form[problem.field] if problem.field in form else form[fallback]
    field.errors = list(field.errors or []) + [str(problem)]


# --- applying: the form (portal/web/apply) and the API (portal/web/api) --------------------------------------


def answers_from(form) -> applying.ApplicationInput:
    return applying.ApplicationInput(
        contact=Contact(form.name.data.strip(), form.email_normalized, form.phone_e164, form.preferred_contact.data),
        location=Location(form.place.zip, form.place.state),
        preferences=Preferences(
            **form.availability(),
            workplace=form.workplace.data,
            max_commute_miles=form.max_commute_miles.data,
            circumstances=form.circumstances(),
            programmes=list(form.programmes.data),
        ),
    )


def checked_resume(form) -> str:
    """The key of the résumé the form names, checked again now; "" when there is none or it is refused (the
    form's résumé field then says why, and no longer names it)."""
    if not form.resume_upload.data:
        return ""
    try:
        return resumes.check_upload(runtime(), form.resume_upload.data)
    except resumes.ResumeRefused as exc:
        form.resume_upload.errors = [str(exc)]
        form.resume_upload.data = ""
        return ""


def rate_limits() -> applying.RateLimits:
    return applying.rate_limits(runtime(), request.remote_addr)


def start_resume_upload():
    """POST /apply/resume and /api/resume-uploads: a presigned POST straight to S3, under a key made here."""
    try:
        target = resumes.start_upload(runtime(), rate_limits(), clock.now())
    except applying.RateLimited:
        log.info("résumé upload refused: rate limit per IP")
        return jsonify(error=UPLOADS_LIMITED), 429
    return jsonify(target)


def check_resume_upload():
    """POST /apply/resume/check and /api/resume-uploads/check: the file's first bytes must prove it a PDF or DOCX.
    Returns the token the form (or the API client) then sends."""
    try:
        token, label = resumes.check_uploaded(runtime(), str(json_object().get("upload", "")))
    except resumes.ResumeRefused as exc:
        return jsonify(error=str(exc)), 422
    return jsonify(upload=token, label=label)
