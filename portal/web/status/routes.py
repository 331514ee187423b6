"""Routes of the private status page. Thin: find the submission by its token, call a status service, render."""
import datetime
import logging

from flask import abort, flash, redirect, render_template, request, url_for

from portal import clock
from portal.applications import resumes
from portal.applications import status as statuses
from portal.applications.stages import InvalidTransition, StageConflict, parse_version
from portal.web.shared import runtime
from portal.web.status import bp
from portal.web.status.forms import AvailabilityUpdateForm, EraseForm, WithdrawForm

log = logging.getLogger(__name__)


def _view_or_404(token: str) -> statuses.StatusView:
    view = statuses.load(runtime(), token)
    if view is None:
        abort(404)
    return view


def _availability_form(view: statuses.StatusView, formdata=None) -> AvailabilityUpdateForm:
    """Filled from the applicant's current answers (the same on every application of the submission)."""
    form = AvailabilityUpdateForm(formdata=formdata)
    current = (view.open_applications or view.applications)[0].preferences if view.applications else None
    if formdata is None and current is not None:
        form.hours_min.data, form.hours_max.data = current.hours_min, current.hours_max
        form.shifts.data = list(current.shifts)
        form.start_date.data = datetime.date.fromisoformat(current.start_date) if current.start_date else None
        term = current.term_dates or {}
        form.term_start.data = datetime.date.fromisoformat(term["start"]) if term.get("start") else None
        form.term_end.data = datetime.date.fromisoformat(term["end"]) if term.get("end") else None
        form.summer_only.data = current.summer_only
    if formdata is None:
        form.versions.data = ",".join(f"{a.id}:{a.version}" for a in view.applications)
    return form


def _page(token, view, availability=None, erase=None, status=200):
    resume_post = None
    if view.open_applications:
        redirect_url = url_for("status.resume_uploaded", token=token, _external=True)
        resume_post = resumes.upload_for_status_page(runtime(), view.submission_id, redirect_url)
    return render_template(
        "applications/status.html", token=token, view=view,
        availability=availability or _availability_form(view), erase=erase or EraseForm(),
        withdraw=WithdrawForm(), resume_post=resume_post, resume_types=resumes.CONTENT_TYPES,
        review_days=runtime().settings.applicant_review_days,
    ), status


@bp.get("/<token>")
def show(token):
    return _page(token, _view_or_404(token))


@bp.post("/<token>/availability")
def update_availability(token):
    view = _view_or_404(token)
    form = _availability_form(view, request.form)
    if not form.validate():
        return _page(token, view, availability=form, status=422)
    conflicts = statuses.update_availability(runtime(), view, form.seen_versions(),
                                             form.availability(), clock.iso(clock.now()))
    if conflicts:
        titles = ", ".join(a.posting_title for a in conflicts)
        flash(f"Your availability was not changed for {titles}: it changed while you were looking. "
              "Check it below and send your change again.", "warning")
    else:
        flash("Your availability is updated on all your open applications.", "success")
    return redirect(url_for("status.show", token=token), code=303)


@bp.post("/<token>/withdraw")
def withdraw(token):
    view = _view_or_404(token)
    form = WithdrawForm()
    version = parse_version(form.version.data)
    if not form.validate() or version is None:
        abort(400)
    try:
        moved = statuses.withdraw(runtime(), view, form.application_id.data, version,
                                  clock.iso(clock.now()))
    except StageConflict as exc:
        now = exc.current.stage_label if exc.current else "gone"
        flash(f"That application changed while you were looking (it is now: {now}). Nothing was withdrawn.", "warning")
    except InvalidTransition:
        flash("That application can no longer be withdrawn.", "warning")
    else:
        if moved is None:
            abort(404)
        flash(f"You have withdrawn your application for {moved.posting_title}.", "success")
    return redirect(url_for("status.show", token=token), code=303)


@bp.get("/<token>/resume")
def resume_uploaded(token):
    """Where S3 sends the browser back after the upload; the key in the query is checked, never trusted."""
    view = _view_or_404(token)
    try:
        kind = statuses.attach_resume(runtime(), view, request.args.get("key", ""), clock.iso(clock.now()))
    except resumes.ResumeRefused as exc:
        flash(str(exc), "error")
    else:
        flash(f"Your résumé ({resumes.CONTENT_TYPES[kind]}) is added to your applications.", "success")
    return redirect(url_for("status.show", token=token), code=303)


@bp.post("/<token>/erase")
def erase(token):
    view = _view_or_404(token)
    form = EraseForm()
    if not form.validate():
        return _page(token, view, erase=form, status=422)
    statuses.erase_everything(runtime(), view, clock.iso(clock.now()))
    log.info("submission erased at the applicant's request")
    return redirect(url_for("status.erased"), code=303)


@bp.get("/erased")
def erased():
    return render_template("applications/erased.html")
