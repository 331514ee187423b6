"""Routes of the apply flow. Thin: validate the form, call submit_application, redirect."""
import logging
import secrets

from botocore.exceptions import BotoCoreError, ClientError
from flask import abort, redirect, render_template, session, url_for

from portal import clock, storage
from portal.applications.models import Contact, Location, Preferences
from portal.applications.services import ApplicationInput, submit_application
from portal.apply import bp
from portal.apply.forms import ApplyForm
from portal.postings import services as postings

log = logging.getLogger(__name__)


def _answers(form: ApplyForm) -> ApplicationInput:
    return ApplicationInput(
        contact=Contact(form.name.data.strip(), form.email_normalized, form.phone_e164, form.preferred_contact.data),
        location=Location(form.place.zip, form.place.state),
        preferences=Preferences(form.hours_min.data, form.hours_max.data, list(form.shifts.data), form.workplace.data),
    )


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
        return render_template("apply/form.html", form=form, posting=posting)
    if not form.validate() or not form.submission_token.data:
        return render_template("apply/form.html", form=form, posting=posting), 422
    try:
        result = submit_application(storage.applications(), [posting], _answers(form), form.submission_token.data)
    except (ClientError, BotoCoreError) as exc:
        # Throttled after the SDK's retries, or the store is unreachable: keep every answer on the page.
        log.warning("application not stored: %s", type(exc).__name__)
        return render_template("apply/form.html", form=form, posting=posting, try_again=True), 503
    session["submission"] = {"reference": result.reference, "titles": [posting.title]}
    return redirect(url_for("apply.received"), code=303)


@bp.get("/received")
def received():
    return render_template("apply/received.html", submission=session.get("submission"))
