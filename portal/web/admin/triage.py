"""Routes of the triage pages: queues with filters, bulk actions, CSV export, and one application's page and actions.

The six actions on one application (move, assign, notes, tags, tag removal, rating) share one shape, written once
in ``_run_action``: load the application the account may see, validate the form, act through the triage service
with the version the page showed, and answer (a message and a redirect; or the page again, with the message next
to its field, or with the current state after a conflict). Each action is then a few lines.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from portal import geo
from portal.applications import access, exports, queues, resumes, triage
from portal.applications.models import STAGE_LABELS
from portal.applications.stages import REASON_REQUIRED, StageConflict, parse_version
from portal.errors import FieldProblem
from portal.postings import services as postings
from portal.web.admin import bp, guards
from portal.web.admin.forms import (
    AssignForm, BulkForm, MoveForm, NoteForm, QueueFilterForm, RatingForm, RemoveTagForm, TagForm,
)
from portal.web.forms import choices
from portal.web.shared import cursor_codec, runtime, safe_next, settings, show_at_field, start_key


# --- queues ------------------------------------------------------------------------------------------------


def _filter_form(team_id: str | None, counts: dict[str, int] | None = None) -> QueueFilterForm:
    """The queue's filters from the query string. With no stage asked for, a team's queue opens where work waits
    (``counts``, the team's stage counts), and my queue on every stage."""
    form = QueueFilterForm(formdata=request.args if request.args else MultiDict())
    form.stage.choices = choices([("", "Every stage"), *STAGE_LABELS.items()])
    if not request.args.get("stage") and "stage" not in request.args:
        form.stage.data = "" if team_id is None else queues.landing_stage(counts or {})
    team_postings = postings.team_postings(runtime(), team_id) if team_id else []
    form.posting.choices = choices([("", "Any posting")] + [(p.id, f"{p.title} ({p.location_label})")
                                                            for p in team_postings])
    form.state.choices = choices([("", "Any state"), *geo.state_choices()])
    return form


def _queue_filter(form: QueueFilterForm, team_id: str | None) -> queues.QueueFilter:
    return queues.QueueFilter(
        team=team_id, assignee=None if team_id else g.account.email, stage=form.stage.data or "",
        posting_id=form.posting.data or "", state=form.state.data or "", score_min=form.score_min.data,
        score_max=form.score_max.data, shift=form.shift.data or "", hours_min=form.hours_min.data,
        flag=form.flag.data or "", received_from=form.received_from.data, received_to=form.received_to.data,
        sort=form.sort.data or "newest",
    )


def _read_queue(team_id: str | None, counts: dict[str, int] | None = None):
    """The filter form and one page of the queue (or None with the form's errors)."""
    form = _filter_form(team_id, counts)
    if not form.validate():
        return form, None, None
    try:
        page = queues.read_page(runtime(), _queue_filter(form, team_id), settings().queue_page_size, start_key())
    except queues.UnservableFilter as exc:
        form.sort.errors = [str(exc)]
        return form, None, None
    return form, page, cursor_codec().encode(page.next_key)


def _member_choices(team_id: str | None, nobody: str):
    members = access.team_members(runtime(), team_id) if team_id else []
    return choices([("", nobody)] + [(m["email"], m["email"]) for m in members])


def _bulk_form(team_id: str | None, formdata=None) -> BulkForm:
    form = BulkForm(formdata=formdata)
    form.to_stage.choices = choices([("", "Choose a stage"), *STAGE_LABELS.items()])
    form.assignee.choices = _member_choices(team_id, "Nobody (unassign)")
    return form


def _render_queue(team, team_id, results=None, bulk_form=None, status=200):
    counts = queues.stage_counts(runtime(), team_id) if team_id else None
    form, page, next_page = _read_queue(team_id, counts)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    if "stage" not in request.args and form.stage.data:
        args["stage"] = form.stage.data  # the stage it opened on, so the CSV and bulk links act on what is shown
    return render_template("admin/queue.html", team=team, form=form, page=page, next_page=next_page, args=args,
                           bulk_form=bulk_form or _bulk_form(team_id), results=results, counts=counts,
                           stage_labels=STAGE_LABELS, sort_labels=queues.SORTS), (
        422 if page is None and status == 200 else status)


@bp.get("/my-queue/")
def my_queue():
    return _render_queue(None, None)


@bp.get("/queues/<team_id>/")
def queue(team_id):
    return _render_queue(guards.team_or_404(team_id), team_id)


@bp.post("/queues/<team_id>/bulk")
def bulk(team_id):
    team = guards.team_or_404(team_id)
    form = _bulk_form(team_id, request.form)
    if not form.validate():
        return _render_queue(team, team_id, bulk_form=form, status=422)
    try:
        results = triage.bulk(runtime(), g.account, team_id, triage.parse_selection(form.selected.data),
                              form.action.data, to_stage=form.to_stage.data, reason=form.reason.data or "",
                              assignee=form.assignee.data or None, tags_text=form.tags.data or "")
    except FieldProblem as problem:
        show_at_field(form, problem, "action")
        return _render_queue(team, team_id, bulk_form=form, status=422)
    return _render_queue(team, team_id, results=results)


@bp.get("/queues/<team_id>/export.csv")
def export(team_id):
    guards.team_or_404(team_id)
    form = _filter_form(team_id)
    if not form.validate():
        return redirect(url_for("admin.queue", team_id=team_id, **request.args), code=303)
    try:
        text = exports.export_queue(runtime(), g.account, _queue_filter(form, team_id))
    except queues.UnservableFilter:
        return redirect(url_for("admin.queue", team_id=team_id, **request.args), code=303)
    return current_app.response_class(
        text, mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{team_id}-applications.csv"',
                 "Cache-Control": "no-store"},
    )


# --- one application -----------------------------------------------------------------------------------------


def _render_application(application_id: str, status: int = 200, **forms):
    shown = triage.view(runtime(), g.account, application_id)
    if shown is None:
        abort(404)
    application = shown["application"]
    assign_form = forms.pop("assign_form", None) or AssignForm(formdata=None, version=application.version,
                                                                 assignee=application.assignee or "")
    assign_form.assignee.choices = _member_choices(application.team, "Nobody")
    resume_url = resumes.download_link(runtime(), application.resume_key) if application.resume_key else None
    return render_template(
        "admin/application.html", application=application, notes=shown["notes"], history=shown["history"],
        next_stages=triage.next_stages(application), reason_required=REASON_REQUIRED,
        move_form=forms.pop("move_form", None) or MoveForm(formdata=None),
        note_form=forms.pop("note_form", None) or NoteForm(formdata=None),
        tag_form=forms.pop("tag_form", None) or TagForm(formdata=None),
        rating_form=forms.pop("rating_form", None) or RatingForm(formdata=None, rating=str(application.rating or "")),
        remove_tag_form=forms.pop("remove_tag_form", None) or RemoveTagForm(formdata=None), assign_form=assign_form, resume_url=resume_url,
        stage_labels=STAGE_LABELS, **forms,
    ), status


@bp.get("/applications/<application_id>")
def application(application_id):
    return _render_application(application_id)


@dataclasses.dataclass(frozen=True)
class Action:
    """One action on an application: its form, what it does (returning the message to flash), and where to go."""

    form: type
    form_name: str  # what the application page calls the form when it shows it again
    act: Callable  # (application as the page showed it, the valid form) -> message
    fallback_field: str  # where a rule's message goes when the form has no field of the name it gives
    anchor: str = ""


def _run_action(application_id: str, action: Action):
    found = guards.application_or_404(application_id)
    form = action.form()
    if "assignee" in form:
        form.assignee.choices = _member_choices(found.team, "Nobody")
    if not form.validate():
        return _render_application(application_id, 422, **{action.form_name: form})
    seen = found
    if "version" in form:  # a versioned action: the write is guarded by the version the page showed
        version = parse_version(form.version.data)
        if version is None:
            return _render_application(application_id, 409, **{action.form_name: form}, conflict=found)
        seen = dataclasses.replace(found, version=version)
    try:
        message = action.act(seen, form)
    except FieldProblem as problem:
        show_at_field(form, problem, action.fallback_field)
        return _render_application(application_id, 422, **{action.form_name: form})
    except StageConflict as exc:
        if exc.current is None:
            abort(404)
        return _render_application(application_id, 409, **{action.form_name: form}, conflict=exc.current)
    flash(message)
    target = safe_next(form.next.data) if "next" in form else None
    return redirect(target or url_for("admin.application", application_id=application_id) + action.anchor, code=303)


def _move(application, form):
    moved = triage.move(runtime(), g.account, application, form.to_stage.data, form.reason.data or "")
    return f"{moved.contact.name}: moved to {moved.stage_label}."


def _assign(application, form):
    triage.assign(runtime(), g.account, application, form.assignee.data or None)
    return "Assigned." if form.assignee.data else "Unassigned."


def _note(application, form):
    triage.add_note(runtime(), g.account, application, form.body.data)
    return "Note added."


def _add_tags(application, form):
    triage.tag(runtime(), g.account, application, add=triage.parse_tags(form.tags.data))
    return "Tags added."


def _remove_tag(application, form):
    if form.tag.data not in application.tags:
        return f"Tag {form.tag.data} is not on this application."
    triage.tag(runtime(), g.account, application, remove={form.tag.data})
    return f"Tag {form.tag.data} removed."


def _rate(application, form):
    rating = triage.parse_rating(form.rating.data)
    triage.rate(runtime(), g.account, application, rating)
    return f"Rated {rating} of 5."


ACTIONS = {
    # URL under /admin/applications/<id>/ -> (endpoint, action)
    "move": ("move", Action(MoveForm, "move_form", _move, "to_stage")),
    "assign": ("assign", Action(AssignForm, "assign_form", _assign, "assignee")),
    "notes": ("add_note", Action(NoteForm, "note_form", _note, "body", "#notes")),
    "tags": ("add_tags", Action(TagForm, "tag_form", _add_tags, "tags", "#tags")),
    "tags/remove": ("remove_tag", Action(RemoveTagForm, "remove_tag_form", _remove_tag, "tag", "#tags")),
    "rating": ("rate", Action(RatingForm, "rating_form", _rate, "rating", "#rating")),
}
for _path, (_endpoint, _action) in ACTIONS.items():
    bp.add_url_rule(f"/applications/<application_id>/{_path}", _endpoint,
                    lambda application_id, _action=_action: _run_action(application_id, _action), methods=["POST"])
