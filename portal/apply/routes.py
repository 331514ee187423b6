"""Routes of the apply flow. Thin: validate the form, call submit_application, redirect."""
import datetime
import logging
import secrets

from botocore.exceptions import BotoCoreError, ClientError
from flask import abort, current_app, jsonify, redirect, render_template, request, session, url_for

from portal import clock, geo, storage
from portal.applications import services as applying
from portal.applications import resumes, spam
from portal.applications.models import Contact, Location, Preferences
from portal.applications.repository import RateLimited
from portal.apply import bp
from portal.apply.forms import ApplyForm
from portal.postings import services as postings

log = logging.getLogger(__name__)

RATE_LIMITED = ("We have received several applications from this address in a short time, so we cannot take "
                "another just now. Your answers are still here: please try again later.")
TOO_FAST = ("That was sent quicker than a person usually fills in this form. Your answers are still here: "
            "check them and send the form again.")
UPLOADS_LIMITED = ("We have received many files from this address in a short time, so we cannot take another "
                   "just now. You can send your application without it and add your résumé from your status page.")
HONEYPOT = "A field meant to stay empty was filled in. Check your answers and send the form again."
TRY_AGAIN = ("We could not save your application just now. Your answers are still here: "
             "please try again in a moment.")


def answers_from(form: ApplyForm) -> applying.ApplicationInput:
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


def checked_resume(form: ApplyForm) -> str:
    """The key of the résumé the form names, checked again now; "" when there is none or it is refused (the
    form's résumé field then says why, and no longer names it)."""
    if not form.resume_upload.data:
        return ""
    try:
        key, _ = resumes.check_upload(storage.resumes(), current_app.config["SECRET_KEY"], form.resume_upload.data)
    except resumes.ResumeRefused as exc:
        form.resume_upload.errors = [str(exc)]
        form.resume_upload.data = ""
        return ""
    return key


def rate_limits() -> applying.RateLimits:
    cfg = current_app.config
    return applying.RateLimits(cfg["SECRET_KEY"], request.remote_addr or "unknown",
                               cfg["APPLY_LIMIT_PER_IP_HOUR"], cfg["APPLY_LIMIT_PER_EMAIL_DAY"])


def _render(form, posting, status=200, problem=None, others=None, started=None):
    """The form, its choices of further jobs filled in (one query, only when the form is shown)."""
    if others is None:
        others = applying.other_open_postings(storage.postings(), posting, clock.now().date())
        form.started.data = spam.fill_stamp(current_app.config["SECRET_KEY"], started or clock.now())
    form.set_posting_choices([(p.id, f"{p.title} ({p.location_label})") for p in others])
    place = getattr(form, "place", None)
    miles = applying.distances([posting, *others], place.zip) if place else {}
    return render_template("apply/form.html", form=form, posting=posting, others=others, problem=problem,
                           miles=miles, posting_data=_live_check_data([posting, *others]),
                           resume_attached=_attached_resume(form),
                           retention_months=current_app.config["RETENTION_MONTHS"]), status


def _attached_resume(form) -> str:
    """The type of the résumé the form already carries ("PDF"), so a re-shown form says it is still attached."""
    if not form.resume_upload.data:
        return ""
    try:
        _, kind = resumes.read_upload_token(current_app.config["SECRET_KEY"], form.resume_upload.data, checked=True)
    except resumes.ResumeRefused:
        form.resume_upload.data = ""
        return ""
    return resumes.CONTENT_TYPES[kind]


def _live_check_data(shown) -> dict:
    """What the page's script needs for its live checks (remote states, site position, benefits threshold)."""
    return {p.id: {"title": p.title, "workplace": p.workplace, "remote_states": p.remote_states,
                   "benefits_hours": p.benefits_hours,
                   "lat": float(p.address.lat) if p.address and p.address.lat is not None else None,
                   "lon": float(p.address.lon) if p.address and p.address.lon is not None else None}
            for p in shown}


@bp.route("/<posting_id>", methods=["GET", "POST"])
def apply(posting_id):
    posting = postings.get_public_posting(storage.postings(), posting_id)
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
        more, problems = applying.more_postings(storage.postings(), form.chosen_posting_ids(), posting,
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
    min_seconds = current_app.config["APPLY_MIN_FILL_SECONDS"]
    if spam.too_fast(current_app.config["SECRET_KEY"], form.started.data, clock.now(), min_seconds):
        # Stop a fast sender once, never twice: people with autofill are fast too (WCAG 3.3.8), so the re-shown
        # form's clock starts as if they had waited, and sending it again goes through.
        started = clock.now() - datetime.timedelta(seconds=min_seconds)
        return _render(form, posting, 422, TOO_FAST, started=started)
    try:
        result = applying.submit_application(storage.applications(), chosen, answers_from(form),
                                             form.submission_token.data, secret_key=current_app.config["SECRET_KEY"],
                                             limits=rate_limits(), resume_key=resume_key)
    except RateLimited as exc:
        log.info("application refused: rate limit per %s", exc.kind)
        return _render(form, posting, 429, RATE_LIMITED)
    except (ClientError, BotoCoreError) as exc:
        # Throttled after the SDK's retries, or the store is unreachable: keep every answer on the page.
        log.warning("application not stored: %s", type(exc).__name__)
        # No further reads here: only the jobs already chosen are offered again, and the answers stay as typed.
        return _render(form, posting, 503, TRY_AGAIN, others=chosen[1:])
    session["submission"] = {
        "reference": result.reference,
        "titles": [p.title for p in chosen],
        "token": result.status_token,
        "notes": applying.benefits_notes(chosen, form.hours_max.data),
    }
    return redirect(url_for("apply.received"), code=303)


@bp.get("/received")
def received():
    return render_template("apply/received.html", submission=session.get("submission"))


@bp.post("/resume")
def resume_upload():
    """Where the form's script sends the chosen résumé: a presigned POST straight to S3, under a key made here.

    Also the API's /api/resume-uploads (portal/api/routes.py): the same answer, as JSON.
    """
    try:
        storage.applications().count(rate_limits().upload_counter(clock.now(),
                                                                  current_app.config["RESUME_UPLOADS_PER_IP_HOUR"]))
    except RateLimited:
        log.info("résumé upload refused: rate limit per IP")
        return jsonify(error=UPLOADS_LIMITED), 429
    key = resumes.new_upload_key()
    target = storage.resumes().presigned_post(key)
    return jsonify(url=target["url"], fields=target["fields"],
                   upload=resumes.upload_token(current_app.config["SECRET_KEY"], key))


@bp.post("/resume/check")
def resume_check():
    """After the upload: the file's first bytes must prove it a PDF or DOCX. Returns the token the form sends.

    Also the API's /api/resume-uploads/check.
    """
    secret = current_app.config["SECRET_KEY"]
    try:
        key, _ = resumes.read_upload_token(secret, str((request.get_json(silent=True) or {}).get("upload", "")),
                                           checked=False)
        kind = storage.resumes().check(key)
    except resumes.ResumeRefused as exc:
        return jsonify(error=str(exc)), 422
    return jsonify(upload=resumes.upload_token(secret, key, kind), label=resumes.CONTENT_TYPES[kind])


@bp.post("/place")
def place():
    """The state and position of a ZIP code, for the form's live checks. POST, so the ZIP stays out of URLs and logs."""
    found = geo.lookup_zip(str((request.get_json(silent=True) or {}).get("zip", "")))
    if found is None:
        return jsonify(error="Enter a real five-digit US ZIP code, like 98101."), 404
    return jsonify(zip=found.zip, city=found.city, state=found.state, state_name=geo.state_name(found.state),
                   lat=found.lat, lon=found.lon)
