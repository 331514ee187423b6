"""Routes of the JSON API. Thin: the same form validation and services as the HTML pages, answered as JSON.

CSRF-exempt (no cookies are used), but POST takes only application/json, needs an Idempotency-Key header, and is
counted against the same rate limits as the form.
"""
import logging

from flask import jsonify, request, url_for
from werkzeug.datastructures import MultiDict

from portal import clock, text
from portal.applications import services as applying
from portal.applications import status as statuses
from portal.appointments import calendar
from portal.appointments import services as appointments
from portal.appointments.models import VIRTUAL
from portal.paging import BadCursor
from portal.postings import services as postings
from portal.web.api import bp
from portal.web.api.openapi import document
from portal.web.forms import ApplyForm
from portal.web.shared import (
    answers_from, check_resume_upload, checked_resume, cursor_codec, json_object, rate_limits, runtime, settings,
    start_resume_upload,
)

log = logging.getLogger(__name__)


def _error(message: str, status: int, errors: dict | None = None):
    body = {"error": message}
    if errors:
        body["errors"] = errors
    return jsonify(body), status


def _summary(p) -> dict:
    return {"id": p.id, "title": p.title, "workplace": p.workplace, "location": p.location_label,
            "pay": p.pay_label, "hours": p.hours_label, "apply_url": f"/apply/{p.id}"}


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())


@bp.get("/postings")
def list_postings():
    codec = cursor_codec()
    try:
        start_key = codec.decode(request.args.get("cursor"))
    except BadCursor:
        return _error("This cursor is not valid. Start again without one.", 400)
    page = postings.list_published(runtime(), settings().page_size, start_key)
    return jsonify(postings=[_summary(p) for p in page.items], next=codec.encode(page.next_key))


@bp.get("/postings/<posting_id>")
def get_posting(posting_id):
    p = postings.get_public_posting(runtime(), posting_id)
    if p is None:
        return _error("No such posting.", 404)
    return jsonify(**_summary(p), description=p.description, shifts=p.shifts, benefits_hours=p.benefits_hours,
                   remote_states=p.remote_states, programmes=p.programmes, valid_through=p.valid_through,
                   is_open=postings.is_open(p, clock.now().date()))


# A résumé goes straight to S3 as on the form: ask for a presigned POST, send the file, have it checked, then
# name the checked upload in the application's "resume_upload".
bp.add_url_rule("/resume-uploads", "resume_upload", start_resume_upload, methods=["POST"])
bp.add_url_rule("/resume-uploads/check", "resume_check", check_resume_upload, methods=["POST"])


def _formdata(body: dict) -> MultiDict:
    """The JSON answers as the HTML form would send them, so both are validated by the same form."""
    data = MultiDict()
    for name, value in body.items():
        if name == "posting_ids":
            continue
        for item in (value if isinstance(value, list) else [value]):
            if item is True:
                data.add(name, "y")
            elif item is not False and item is not None:
                data.add(name, str(item))
    return data


@bp.post("/applications")
def apply():
    if not request.is_json:
        return _error("Send the application as application/json.", 415)
    key = request.headers.get("Idempotency-Key", "")
    if not 16 <= len(key) <= 64 or not (key.isascii() and key.isprintable()):
        return _error("Send an Idempotency-Key header of 16 to 64 printable ASCII characters, the same on every "
                      "retry.", 400)
    body = json_object()
    ids = body.get("posting_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 5 or not all(isinstance(i, str) and i for i in ids):
        return _error("Answers need fixing.", 422, {"posting_ids": "List from 1 to 5 posting ids, first choice first."})
    form = ApplyForm(formdata=_formdata(body), meta={"csrf": False})
    valid = form.validate()
    resume_key = checked_resume(form) if valid else ""
    errors = {name: messages[0] for name, messages in form.errors.items() if name not in ("started", "website")}
    first = postings.get_public_posting(runtime(), ids[0])
    if first is None or not postings.is_open(first, clock.now().date()):
        errors["posting_ids"] = "The first posting does not take applications."
    else:
        more, problems = applying.more_postings(runtime(), ids[1:], first, clock.now().date())
        if problems:
            errors["posting_ids"] = next(iter(problems.values()))
        elif valid:
            for message in applying.location_problems([first, *more], form.place.state)[:1]:
                errors["zip"] = message
    if errors:
        return _error("Answers need fixing.", 422, errors)
    chosen = [first, *more]
    try:
        result = applying.submit_application(runtime(), chosen, answers_from(form), f"api:{key}",
                                             limits=rate_limits(), resume_key=resume_key)
    except applying.RateLimited as exc:
        log.info("API application refused: rate limit per %s", exc.kind)
        return _error("Too many applications from this address just now. Try again later.", 429)
    except applying.TokenReused:
        # The IETF idempotency-key draft's answer to a key re-used with another payload.
        return _error("Answers need fixing.", 422, {"Idempotency-Key": "This key was already used with a different "
                                                    "application. Send a new key with each new application."})
    except applying.NotStored as exc:
        log.warning("API application not stored: %s", exc)
        return _error("Could not store the application just now. Send it again with the same Idempotency-Key.", 503)
    return jsonify(reference=result.reference, application_ids=result.application_ids,
                   status_token=result.status_token,
                   status_url=url_for("status.show", token=result.status_token),
                   notes=applying.benefits_notes(chosen, form.hours_max.data)), 200 if result.duplicate else 201


@bp.get("/applications/<token>")
def get_status(token):
    view = statuses.load(runtime(), token)
    if view is None:
        return _error("No applications for this token.", 404)
    days = runtime().settings.applicant_review_days
    return jsonify(reference=view.item["reference"], applications=[
        {"posting_id": a.posting_id, "posting_title": a.posting_title, "rank": a.rank, "stage": a.stage,
         "stage_label": a.stage_label, **dict(zip(("status", "next_step"), a.applicant_status(days)))}
        for a in view.applications])


# --- appointments ----------------------------------------------------------------------------------------------

MAX_ACCOMMODATION = 1000


def _slot_json(slot) -> dict:
    return {"id": slot.id, "kind": slot.kind, "starts_at": slot.starts_at, "ends_at": slot.ends_at,
            "time_zone": slot.time_zone, "shown_as": calendar.zone_label(slot.start, slot.time_zone),
            "seats_left": slot.seats_left, "address": slot.address, "bring": list(slot.bring),
            "video_link": slot.kind == VIRTUAL}


def _booking_json(booking) -> dict:
    """The booking and where to be: the slot as it is now (read after the booking, so its seats are current),
    and for a virtual one its video link (shown only to those who booked it)."""
    slot = runtime().slots.get(booking.slot_id)
    where = {**_slot_json(slot), "video_url": slot.video_url} if slot is not None else {}
    return {"id": booking.id, "slot_id": booking.slot_id, "booked_at": booking.booked_at, "slot": where}


@bp.get("/applications/<token>/slots")
def list_slots(token):
    view = statuses.load(runtime(), token)
    if view is None:
        return _error("No applications for this token.", 404)
    return jsonify(slots=[{"posting_id": application.posting_id, **_slot_json(slot)}
                          for application, slot in appointments.slots_for(runtime(), view.applications)])


@bp.post("/applications/<token>/bookings")
def book(token):
    view = statuses.load(runtime(), token)
    if view is None:
        return _error("No applications for this token.", 404)
    body = json_object()
    accommodation = body.get("accommodation", "")
    if not isinstance(accommodation, str) or len(accommodation) > MAX_ACCOMMODATION or text.unshowable(
            accommodation, multiline=True):
        return _error("That will not do.", 422, {"accommodation": f"Write up to {MAX_ACCOMMODATION} characters, "
                                                                   "without control characters."})
    try:
        booking, made = appointments.book_for(runtime(), view.applications, body.get("slot_id"),
                                              accommodation.strip())
    except appointments.FieldProblem as problem:
        return _error("That will not do.", 422, {problem.field: str(problem)})
    except appointments.SlotFull as full:
        return jsonify(error="That time just filled up. Choose another.",
                       alternatives=[_slot_json(s) for s in full.alternatives]), 409
    except appointments.AlreadyBooked:
        return _error("You have a booking already: cancel it first, or move it.", 409)
    return jsonify(booking=_booking_json(booking)), 201 if made else 200


@bp.delete("/applications/<token>/bookings/<booking_id>")
def cancel(token, booking_id):
    view = statuses.load(runtime(), token)
    if view is None:
        return _error("No applications for this token.", 404)
    try:
        appointments.cancel_for(runtime(), view.applications, booking_id)
    except appointments.BookingGone:
        return _error("No such booking.", 404)
    except appointments.FieldProblem as problem:
        return _error(str(problem), 409)
    return "", 204
