"""Routes of the triage pages: queues with filters, bulk actions, CSV export, and one application's page and actions."""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from portal import geo, storage
from portal.admin import bp, guards
from portal.admin.forms import (
    AssignForm, BulkForm, MoveForm, NoteForm, QueueFilterForm, RatingForm, RemoveTagForm, TagForm, choices,
)
from portal.applications import exports, queues, triage
from portal.applications.models import STAGE_LABELS
from portal.applications.stages import REASON_REQUIRED, InvalidTransition, StageConflict
from portal.audit import services as audit
from portal.paging import BadCursor, CursorCodec


def _filter_form(team_id: str | None) -> QueueFilterForm:
    form = QueueFilterForm(formdata=request.args if request.args else MultiDict())
    form.stage.choices = choices([("", "Every stage"), *STAGE_LABELS.items()])
    if not request.args.get("stage") and "stage" not in request.args:
        form.stage.data = "" if team_id is None else "applied"
    postings = storage.postings().list_for_team(team_id, 100).items if team_id else []
    form.posting.choices = choices([("", "Any posting")] + [(p.id, f"{p.title} ({p.location_label})") for p in postings])
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


def _read_queue(team_id: str | None):
    """The filter form and one page of the queue (or None with the form's errors)."""
    form = _filter_form(team_id)
    if not form.validate():
        return form, None, None
    codec = CursorCodec(current_app.config["SECRET_KEY"])
    try:
        start_key = codec.decode(request.args.get("page"))
    except BadCursor:
        abort(400, "This page link is not valid any more. Start again from the first page.")
    try:
        page = queues.read_page(storage.applications(), _queue_filter(form, team_id),
                                current_app.config["QUEUE_PAGE_SIZE"], start_key)
    except queues.UnservableFilter as exc:
        form.sort.errors = [str(exc)]
        return form, None, None
    return form, page, codec.encode(page.next_key)


def _render_queue(team, team_id, results=None, bulk_form=None, status=200):
    form, page, next_page = _read_queue(team_id)
    members = storage.accounts().list_members(team_id) if team_id else []
    bulk_form = bulk_form or BulkForm(formdata=None)
    bulk_form.to_stage.choices = choices([("", "Choose a stage"), *STAGE_LABELS.items()])
    bulk_form.assignee.choices = choices([("", "Nobody (unassign)")] + [(m["email"], m["email"]) for m in members])
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/queue.html", team=team, form=form, page=page, next_page=next_page, args=args,
                           bulk_form=bulk_form, results=results), (422 if page is None and status == 200 else status)


@bp.get("/my-queue/")
def my_queue():
    return _render_queue(None, None)


@bp.get("/queues/<team_id>/")
def queue(team_id):
    return _render_queue(guards.team_or_404(team_id), team_id)


@bp.post("/queues/<team_id>/bulk")
def bulk(team_id):
    team = guards.team_or_404(team_id)
    form = BulkForm()
    form.to_stage.choices = choices([("", "Choose a stage"), *STAGE_LABELS.items()])
    members = storage.accounts().list_members(team_id)
    form.assignee.choices = choices([("", "Nobody (unassign)")] + [(m["email"], m["email"]) for m in members])
    if not form.validate():
        return _render_queue(team, team_id, bulk_form=form, status=422)
    try:
        tags = triage.parse_tags(form.tags.data) if form.action.data == "tag" else set()
        if form.action.data == "move" and form.to_stage.data in REASON_REQUIRED and not form.reason.data.strip():
            raise triage.AnnotationError(f"Give a reason for moving to {triage.stage_label(form.to_stage.data)}.")
    except triage.AnnotationError as exc:
        (form.tags if form.action.data == "tag" else form.reason).errors = [str(exc)]
        return _render_queue(team, team_id, bulk_form=form, status=422)
    results = triage.bulk(storage.applications(), storage.audit(), g.account,
                          triage.parse_selection(form.selected.data), form.action.data, to_stage=form.to_stage.data,
                          reason=form.reason.data or "", assignee=form.assignee.data or None, tags=tags)
    return _render_queue(team, team_id, results=results)


@bp.get("/queues/<team_id>/export.csv")
def export(team_id):
    guards.team_or_404(team_id)
    form = _filter_form(team_id)
    if not form.validate():
        return redirect(url_for("admin.queue", team_id=team_id, **request.args), code=303)
    try:
        rows = exports.queue_rows(storage.applications(), _queue_filter(form, team_id),
                                  current_app.config["EXPORT_MAX_ROWS"])
    except queues.UnservableFilter:
        return redirect(url_for("admin.queue", team_id=team_id, **request.args), code=303)
    audit.record(storage.audit(), g.account, "exported", audit.account_subject(g.account.id),
                 f"{len(rows)} applications of team {team_id}")
    return current_app.response_class(
        exports.to_csv(rows), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{team_id}-applications.csv"',
                 "Cache-Control": "no-store"},
    )


def _render_application(application_id: str, status: int = 200, **forms):
    shown = triage.view(storage.applications(), storage.audit(), g.account, application_id)
    if shown is None:
        abort(404)
    application = shown["application"]
    members = storage.accounts().list_members(application.team)
    assign_form = forms.pop("assign_form", None) or AssignForm(formdata=None, version=application.version,
                                                                 assignee=application.assignee or "")
    assign_form.assignee.choices = choices([("", "Nobody")] + [(m["email"], m["email"]) for m in members])
    move_form = forms.pop("move_form", None) or MoveForm(formdata=None)
    resume_url = (storage.resumes().download_link(application.resume_key, current_app.config["RESUME_LINK_SECONDS"])
                  if application.resume_key else None)
    return render_template(
        "admin/application.html", application=application, notes=shown["notes"], history=shown["history"],
        next_stages=triage.next_stages(application), reason_required=REASON_REQUIRED, move_form=move_form,
        note_form=forms.pop("note_form", None) or NoteForm(formdata=None),
        tag_form=forms.pop("tag_form", None) or TagForm(formdata=None),
        rating_form=forms.pop("rating_form", None) or RatingForm(formdata=None, rating=str(application.rating or "")),
        remove_tag_form=RemoveTagForm(formdata=None), assign_form=assign_form, resume_url=resume_url,
        stage_labels=STAGE_LABELS, **forms,
    ), status


@bp.get("/applications/<application_id>")
def application(application_id):
    return _render_application(application_id)


def _safe_admin_path(target: str | None) -> str | None:
    if target and target.startswith("/admin/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.post("/applications/<application_id>/move")
def move(application_id):
    found = guards.application_or_404(application_id)
    form = MoveForm()
    if not form.validate():
        return _render_application(application_id, 422, move_form=form)
    if str(found.version) != (form.version.data or ""):
        return _render_application(application_id, 409, move_form=form, conflict=found)
    try:
        moved = triage.move(storage.applications(), storage.audit(), g.account, found, form.to_stage.data,
                            form.reason.data or "")
    except InvalidTransition as exc:
        if form.to_stage.data in REASON_REQUIRED and not (form.reason.data or "").strip():
            form.reason.errors = [f"Give a reason for moving to {triage.stage_label(form.to_stage.data)}."]
        else:
            form.to_stage.errors = [str(exc)]
        return _render_application(application_id, 422, move_form=form)
    except StageConflict as exc:
        if exc.current is None:
            abort(404)
        return _render_application(application_id, 409, move_form=form, conflict=exc.current)
    flash(f"{moved.contact.name}: moved to {moved.stage_label}.")
    return redirect(_safe_admin_path(form.next.data) or url_for("admin.application", application_id=application_id),
                    code=303)


@bp.post("/applications/<application_id>/assign")
def assign(application_id):
    found = guards.application_or_404(application_id)
    form = AssignForm()
    members = {m["email"] for m in storage.accounts().list_members(found.team)}
    form.assignee.choices = choices([("", "Nobody")] + [(m, m) for m in sorted(members)])
    if not form.validate():
        return _render_application(application_id, 422, assign_form=form)
    try:
        if str(found.version) != (form.version.data or ""):
            raise StageConflict(found)
        triage.assign(storage.applications(), storage.audit(), g.account, found, form.assignee.data or None)
    except StageConflict as exc:
        return _render_application(application_id, 409, assign_form=form, conflict=exc.current or found)
    flash("Assigned." if form.assignee.data else "Unassigned.")
    return redirect(url_for("admin.application", application_id=application_id), code=303)


@bp.post("/applications/<application_id>/notes")
def add_note(application_id):
    found = guards.application_or_404(application_id)
    form = NoteForm()
    if not form.validate():
        return _render_application(application_id, 422, note_form=form)
    triage.add_note(storage.applications(), storage.audit(), g.account, found, form.body.data)
    flash("Note added.")
    return redirect(url_for("admin.application", application_id=application_id) + "#notes", code=303)


@bp.post("/applications/<application_id>/tags")
def add_tags(application_id):
    found = guards.application_or_404(application_id)
    form = TagForm()
    if form.validate():
        try:
            triage.tag(storage.applications(), storage.audit(), g.account, found, add=triage.parse_tags(form.tags.data))
        except triage.AnnotationError as exc:
            form.tags.errors = [str(exc)]
        else:
            flash("Tags added.")
            return redirect(url_for("admin.application", application_id=application_id) + "#tags", code=303)
    return _render_application(application_id, 422, tag_form=form)


@bp.post("/applications/<application_id>/tags/remove")
def remove_tag(application_id):
    found = guards.application_or_404(application_id)
    form = RemoveTagForm()
    if form.validate() and form.tag.data in found.tags:
        triage.tag(storage.applications(), storage.audit(), g.account, found, remove={form.tag.data})
        flash(f"Tag {form.tag.data} removed.")
    return redirect(url_for("admin.application", application_id=application_id) + "#tags", code=303)


@bp.post("/applications/<application_id>/rating")
def rate(application_id):
    found = guards.application_or_404(application_id)
    form = RatingForm()
    if not form.validate():
        return _render_application(application_id, 422, rating_form=form)
    triage.rate(storage.applications(), storage.audit(), g.account, found, triage.parse_rating(form.rating.data))
    flash(f"Rated {form.rating.data} of 5.")
    return redirect(url_for("admin.application", application_id=application_id) + "#rating", code=303)
