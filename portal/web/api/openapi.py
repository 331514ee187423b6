"""The OpenAPI 3 document of the JSON API; tests validate real responses against these schemas."""
from __future__ import annotations

from portal.applications.models import CONTACT_METHODS, MAX_POSTINGS_PER_SUBMISSION
from portal.postings.models import PROGRAMMES, SHIFTS, WORKPLACES

ERROR = {"type": "object", "required": ["error"], "properties": {
    "error": {"type": "string"},
    "errors": {"type": "object", "additionalProperties": {"type": "string"}},
}}
POSTING_SUMMARY = {"type": "object", "required": ["id", "title", "workplace", "location", "pay", "hours", "apply_url"],
                   "properties": {
                       "id": {"type": "string"}, "title": {"type": "string"},
                       "workplace": {"type": "string", "enum": list(WORKPLACES)},
                       "location": {"type": "string"}, "pay": {"type": "string"}, "hours": {"type": "string"},
                       "apply_url": {"type": "string"}}}
POSTING = {"type": "object", "required": [*POSTING_SUMMARY["required"], "description", "shifts", "benefits_hours",
                                          "remote_states", "programmes", "is_open"],
           "properties": {
               **POSTING_SUMMARY["properties"],
               "description": {"type": "string"},
               "shifts": {"type": "array", "items": {"type": "string", "enum": list(SHIFTS)}},
               "benefits_hours": {"type": "integer"},
               "remote_states": {"type": "array", "items": {"type": "string"}},
               "programmes": {"type": "array", "items": {"type": "string"}},
               "valid_through": {"type": "string"},
               "is_open": {"type": "boolean"}}}
POSTING_LIST = {"type": "object", "required": ["postings", "next"], "properties": {
    "postings": {"type": "array", "items": POSTING_SUMMARY},
    "next": {"type": "string", "nullable": True}}}
DATE = {"type": "string", "format": "date"}
APPLICATION_REQUEST = {
    "type": "object",
    "required": ["posting_ids", "name", "email", "phone", "zip", "hours_min", "hours_max", "shifts", "workplace",
                 "consent"],
    "properties": {
        "posting_ids": {"type": "array", "minItems": 1, "maxItems": MAX_POSTINGS_PER_SUBMISSION,
                        "items": {"type": "string", "minLength": 1},
                        "description": "In the applicant's order of preference."},
        "name": {"type": "string", "minLength": 1, "maxLength": 120},
        "email": {"type": "string", "format": "email"}, "phone": {"type": "string", "minLength": 1},
        "preferred_contact": {"type": "string", "enum": list(CONTACT_METHODS)},
        "zip": {"type": "string", "pattern": "^[0-9]{5}$", "description": "A real US ZIP code."},
        "max_commute_miles": {"type": "integer", "minimum": 1, "maximum": 300},
        "hours_min": {"type": "integer", "minimum": 1, "maximum": 80},
        "hours_max": {"type": "integer", "minimum": 1, "maximum": 80, "description": "At least hours_min."},
        "shifts": {"type": "array", "items": {"type": "string", "enum": list(SHIFTS)}},
        "workplace": {"type": "string", "enum": list(WORKPLACES)},
        "start_date": DATE, "term_start": DATE, "term_end": DATE, "summer_only": {"type": "boolean"},
        "military_spouse": {"type": "boolean"}, "may_relocate": {"type": "boolean"}, "move_date": DATE,
        "veteran": {"type": "boolean"}, "student": {"type": "boolean"}, "parent_carer": {"type": "boolean"},
        "accommodation": {"type": "string", "maxLength": 1000},
        "programmes": {"type": "array", "items": {"type": "string", "enum": list(PROGRAMMES)}},
        "resume_upload": {"type": "string", "description": "The checked upload from /api/resume-uploads/check."},
        "consent": {"type": "boolean", "enum": [True], "description": "Consent to the privacy notice."},
    },
}
RESUME_UPLOAD = {"type": "object", "required": ["url", "fields", "upload"], "properties": {
    "url": {"type": "string"},
    "fields": {"type": "object", "additionalProperties": {"type": "string"},
               "description": "Send these, then Content-Type, then the file (last) as multipart/form-data to url."},
    "upload": {"type": "string"}}}
RESUME_CHECK_REQUEST = {"type": "object", "required": ["upload"], "properties": {"upload": {"type": "string"}}}
RESUME_CHECKED = {"type": "object", "required": ["upload", "label"], "properties": {
    "upload": {"type": "string", "description": "Name it as resume_upload when applying."},
    "label": {"type": "string", "description": "The type its first bytes prove: PDF or Word (DOCX)."}}}
SUBMISSION = {"type": "object", "required": ["reference", "application_ids", "status_token", "status_url", "notes"],
              "properties": {
                  "reference": {"type": "string"},
                  "application_ids": {"type": "array", "items": {"type": "string"}},
                  "status_token": {"type": "string"}, "status_url": {"type": "string"},
                  "notes": {"type": "array", "items": {"type": "string"}}}}
STATUS = {"type": "object", "required": ["reference", "applications"], "properties": {
    "reference": {"type": "string"},
    "applications": {"type": "array", "items": {"type": "object", "required": [
        "posting_id", "posting_title", "rank", "stage", "stage_label", "status", "next_step"], "properties": {
        "posting_id": {"type": "string"}, "posting_title": {"type": "string"}, "rank": {"type": "integer"},
        "stage": {"type": "string"}, "stage_label": {"type": "string", "description": "The recruiters' word"},
        "status": {"type": "string", "description": "Where it stands, in the applicant's words"},
        "next_step": {"type": "string", "description": "What happens next, in the applicant's words"}}}}}}

SLOT = {"type": "object", "required": ["id", "kind", "starts_at", "ends_at", "time_zone", "shown_as", "seats_left"],
        "properties": {
            "id": {"type": "string"}, "kind": {"type": "string", "enum": ["onsite", "virtual"]},
            "posting_id": {"type": "string"},
            "starts_at": {"type": "string", "description": "UTC, ISO 8601"}, "ends_at": {"type": "string"},
            "time_zone": {"type": "string", "description": "IANA name: the slot's own time zone"},
            "shown_as": {"type": "string", "description": "The start in the slot's time zone, its offset named"},
            "seats_left": {"type": "integer", "minimum": 1}, "address": {"type": "string"},
            "bring": {"type": "array", "items": {"type": "string"}}, "video_link": {"type": "boolean"}}}
SLOT_LIST = {"type": "object", "required": ["slots"], "properties": {"slots": {"type": "array", "items": SLOT}}}
BOOKING_REQUEST = {"type": "object", "required": ["slot_id"], "properties": {
    "slot_id": {"type": "string"},
    "accommodation": {"type": "string", "maxLength": 1000, "description": "Travels with the booking to the "
                                                                           "recruiter"}}}
BOOKED = {"type": "object", "required": ["booking"], "properties": {"booking": {
    "type": "object", "required": ["id", "slot_id", "booked_at"], "properties": {
        "id": {"type": "string"}, "slot_id": {"type": "string"}, "booked_at": {"type": "string"},
        "slot": {**SLOT, "properties": {**SLOT["properties"], "seats_left": {"type": "integer", "minimum": 0},
                                        "video_url": {"type": "string", "description": "Virtual slots: the "
                                                                                       "video link"}}}}}}}
FILLED = {"type": "object", "required": ["error"], "properties": {
    "error": {"type": "string"}, "alternatives": {"type": "array", "items": SLOT}}}
TOKEN = {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document() -> dict:
    found = _operations()
    for operation in (op for path in found["paths"].values() for op in path.values()):
        # Any operation, when AWS is still throttled or unreachable after retries (portal/web/__init__.py).
        operation["responses"].setdefault("503", _json(ERROR, "Busy just now: send it again in a moment "
                                                             "(Retry-After says when)"))
    return found


def _operations() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Flexwork Jobs API", "version": "1.0.0",
                 "description": "Postings, applying (idempotent by the Idempotency-Key header) and status."},
        "paths": {
            "/api/postings": {"get": {
                "operationId": "listPostings",
                "parameters": [{"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}}],
                "responses": {"200": _json(POSTING_LIST, "Open postings, newest first, one page"),
                              "400": _json(ERROR, "A cursor this API did not make")}}},
            "/api/postings/{posting_id}": {"get": {
                "operationId": "getPosting",
                "parameters": [{"name": "posting_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _json(POSTING, "One posting"), "404": _json(ERROR, "No such posting")}}},
            "/api/applications": {"post": {
                "operationId": "apply",
                "parameters": [{"name": "Idempotency-Key", "in": "header", "required": True,
                                "schema": {"type": "string", "minLength": 16, "maxLength": 64,
                                           "pattern": "^[ -~]{16,64}$"}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": APPLICATION_REQUEST}}},
                "responses": {
                    "201": _json(SUBMISSION, "Applied"),
                    "200": _json(SUBMISSION, "Sent before with this Idempotency-Key and this same body: the first "
                                             "submission"),
                    "400": _json(ERROR, "No Idempotency-Key, or a body that is not a JSON object"),
                    "415": _json(ERROR, "Not application/json"),
                    "422": _json(ERROR, "Answers that will not do, each explained by field; or an "
                                             "Idempotency-Key first sent with another body"),
                    "429": _json(ERROR, "Too many submissions from this address or e-mail"),
                    "503": _json(ERROR, "Could not be stored just now: send it again with the same key")}}},
            "/api/resume-uploads": {"post": {
                "operationId": "startResumeUpload",
                "responses": {"200": _json(RESUME_UPLOAD, "A presigned POST for one PDF or DOCX file up to 5 MB"),
                              "429": _json(ERROR, "Too many uploads from this address just now")}}},
            "/api/resume-uploads/check": {"post": {
                "operationId": "checkResumeUpload",
                "requestBody": {"required": True, "content": {"application/json": {"schema": RESUME_CHECK_REQUEST}}},
                "responses": {"200": _json(RESUME_CHECKED, "The file is a PDF or DOCX up to 5 MB"),
                              "400": _json(ERROR, "A body that is not a JSON object"),
                              "422": _json(ERROR, "Not uploaded, not a PDF or DOCX, too large, or too old: "
                                                  "deleted, choose it again")}}},
            "/api/applications/{token}": {"get": {
                "operationId": "getStatus",
                "parameters": [{"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _json(STATUS, "Where each application of the submission stands"),
                              "404": _json(ERROR, "Unknown or erased")}}},
            "/api/applications/{token}/slots": {"get": {
                "operationId": "listSlots",
                "parameters": [TOKEN],
                "responses": {"200": _json(SLOT_LIST, "Times the submission's open applications can book, soonest "
                                                      "first"),
                              "404": _json(ERROR, "Unknown or erased")}}},
            "/api/applications/{token}/bookings": {"post": {
                "operationId": "bookSlot",
                "parameters": [TOKEN],
                "requestBody": {"required": True, "content": {"application/json": {"schema": BOOKING_REQUEST}}},
                "responses": {"201": _json(BOOKED, "Booked"),
                              "200": _json(BOOKED, "Already booked on this slot (a replay): that booking"),
                              "400": _json(ERROR, "A body that is not a JSON object"),
                              "404": _json(ERROR, "Unknown or erased"),
                              "409": _json(FILLED, "The slot just filled up (other times offered), or a booking "
                                                   "is held already"),
                              "422": _json(ERROR, "Not a slot of this submission's postings, or an accommodation "
                                                  "that will not do")}}},
            "/api/applications/{token}/bookings/{booking_id}": {"delete": {
                "operationId": "cancelBooking",
                "parameters": [TOKEN, {"name": "booking_id", "in": "path", "required": True,
                                       "schema": {"type": "string"}}],
                "responses": {"204": {"description": "Cancelled: the seat is given back"},
                              "404": _json(ERROR, "Unknown token, or no such booking"),
                              "409": _json(ERROR, "Too close to the time to cancel here")}}},
        },
    }
