"""Routes of the apply flow. Thin: validate the form, call submit_application, redirect."""
import datetime
import logging
import secrets

from flask import abort, jsonify, redirect, render_template, session, url_for

from portal import clock, geo
from portal.applications import resumes, spam
from portal.applications import services as applying
from portal.postings import services as postings
from portal.web.apply import bp
from portal.web.forms import ApplyForm
from portal.web.shared import (
    answers_from, check_resume_upload, checked_resume, json_object, rate_limits, runtime, settings, start_resume_upload,
)

log = logging.getLogger(__name__)

# How long after sending the confirmation page may show the status link, once.
RECEIVED_LINK_SECONDS = 10 * 60
RATE_LIMITED = ("We have received several applications from this address in a short time, so we cannot take "
                "another just now. Your answers are still here: please try again later.")
TOO_FAST = ("That was sent quicker than a person usually fills in this form. Your answers are still here: "
            "check them and send the form again.")
HONEYPOT = "A field meant to stay empty was filled in. Check your answers and send the form again."
SENT_BEFORE = ("This form was already sent, with other answers, and that application stands. To change it, use the "
               "link in the e-mail we sent you; to apply for another job, open that job's page.")
TRY_AGAIN = ("We could not save your application just now. Your answers are still here: "
             "please try again in a moment.")


def _render(form, posting, status=200, problem=None, others=None, started=None):
    """The form, its choices of further jobs filled in (one query, only when the form is shown)."""
    if others is None:
        others = applying.other_open_postings(runtime(), posting, clock.now().date())
        form.started.data = spam.fill_stamp(runtime().secret_key, started or clock.now())
    form.set_posting_choices([(p.id, f"{p.title} ({p.location_label})") for p in others])
    place = getattr(form, "place", None)
    miles = applying.distances([posting, *others], place.zip) if place else {}
    return render_template("apply/form.html", form=form, posting=posting, others=others, problem=problem,
                           miles=miles, posting_data=_live_check_data([posting, *others]),
                           resume_attached=_attached_resume(form),
                           retention_months=settings().retention_months), status


def _attached_resume(form) -> str:
    """The type of the résumé the form already carries ("PDF"), so a re-shown form says it is still attached."""
    label = resumes.attached_label(runtime(), form.resume_upload.data) if form.resume_upload.data else ""
    if not label:
        form.resume_upload.data = ""
    return label


def _live_check_data(shown) -> dict:
    """What the page's script needs for its live checks (remote states, site position, benefits threshold)."""
    return {p.id: {"title": p.title, "workplace": p.workplace, "remote_states": p.remote_states,
                   "benefits_hours": p.benefits_hours,
                   "lat": float(p.address.lat) if p.address and p.address.lat is not None else None,
                   "lon": float(p.address.lon) if p.address and p.address.lon is not None else None}
            for p in shown}


@bp.route("/<posting_id>", methods=["GET", "POST"])
def apply(posting_id):
    posting = postings.get_public_posting(runtime(), posting_id)
    if posting is None:
        abort(404)
    if not postings.is_open(posting, clock.now().date()):
        return render_template("apply/closed.html", posting=posting), 410
    form = ApplyForm()
    if not form.is_submitted():
        # One token per rendered form: every re-send of this form names the same submission.
        form.submission_token.data = secrets.token_urlsafe(24)
        return _render(form, posting)
    valid = form.validate() and bool(form.submission_token.data)
    chosen = [posting]
    if form.chosen_posting_ids():
        more, problems = applying.more_postings(runtime(), form.chosen_posting_ids(), posting,
                                                clock.now().date())
        chosen += more
        filled = [name for name in form.more_postings if form[name].data]
        for n, message in problems.items():
            form[filled[n]].errors = [message]
            valid = False
    if valid:
        for message in applying.location_problems(chosen, form.place.state)[:1]:
            form.zip.errors = [message]
            valid = False
    resume_key = checked_resume(form)
    valid = valid and not form.resume_upload.errors
    if not valid:
        return _render(form, posting, 422)
    if form.website.data:
        return _render(form, posting, 422, HONEYPOT)
    min_seconds = settings().apply_min_fill_seconds
    if spam.too_fast(runtime().secret_key, form.started.data, clock.now(), min_seconds):
        # Stop a fast sender once, never twice: people with autofill are fast too (WCAG 3.3.8), so the re-shown
        # form's clock starts as if they had waited, and sending it again goes through.
        started = clock.now() - datetime.timedelta(seconds=min_seconds)
        return _render(form, posting, 422, TOO_FAST, started=started)
    try:
        result = applying.submit_application(runtime(), chosen, answers_from(form), form.submission_token.data,
                                             limits=rate_limits(), resume_key=resume_key)
    except applying.RateLimited as exc:
        log.info("application refused: rate limit per %s", exc.kind)
        return _render(form, posting, 429, RATE_LIMITED)
    except applying.TokenReused:
        return _render(form, posting, 409, SENT_BEFORE, others=chosen[1:])
    except applying.NotStored as exc:
        # Throttled after the SDK's retries, or the store is unreachable: keep every answer on the page.
        log.warning("application not stored: %s", exc)
        # No further reads here: only the jobs already chosen are offered again, and the answers stay as typed.
        return _render(form, posting, 503, TRY_AGAIN, others=chosen[1:])
    # The session cookie is signed, not encrypted: it carries the reference (not a secret), never the token.
    session["submission"] = {
        "reference": result.reference,
        "titles": [p.title for p in chosen],
        "notes": applying.benefits_notes(chosen, form.hours_max.data),
        "link_until": int(clock.now().timestamp()) + RECEIVED_LINK_SECONDS,
    }
    return redirect(url_for("apply.received"), code=303)


@bp.get("/received")
def received():
    """The confirmation. Its status link is shown once, right after sending: whoever next uses a shared computer
    finds the thanks and the reference, and is told the link went by e-mail."""
    submission = session.get("submission")
    token = ""
    if submission and submission.get("link_until", 0) > clock.now().timestamp():
        token = applying.status_token_of(runtime(), submission["reference"])
        session["submission"] = {**submission, "link_until": 0}
    return render_template("apply/received.html", submission=submission, token=token)


# The résumé goes straight to S3: a presigned POST under a key made here, then the magic-byte check (also the
# API's /api/resume-uploads and /check, registered on its blueprint from the same shared views).
bp.add_url_rule("/resume", "resume_upload", start_resume_upload, methods=["POST"])
bp.add_url_rule("/resume/check", "resume_check", check_resume_upload, methods=["POST"])


@bp.post("/place")
def place():
    """The state and position of a ZIP code, for the form's live checks. POST, so the ZIP stays out of URLs and logs."""
    found = geo.lookup_zip(str(json_object().get("zip", "")))
    if found is None:
        return jsonify(error="Enter a real five-digit US ZIP code, like 98101."), 404
    return jsonify(zip=found.zip, city=found.city, state=found.state, state_name=geo.state_name(found.state),
                   lat=found.lat, lon=found.lon)
