"""Routes of the postings pages: list, create, edit, preview, publish, close and duplicate, for the account's teams."""
from __future__ import annotations

import datetime

from flask import abort, current_app, flash, g, redirect, render_template, url_for

from portal import clock, geo
from portal.postings import editing
from portal.postings import services as postings_service
from portal.postings.models import REMOTE, STATUSES, Posting
from portal.site import jsonld
from portal.web.admin import bp, guards
from portal.web.admin.forms import PostingActionForm, PostingForm
from portal.web.forms import choices
from portal.web.shared import runtime, settings, show_at_field


def _form(obj: Posting | None = None, **kwargs) -> PostingForm:
    form = PostingForm(obj=obj, **kwargs)
    form.team.choices = choices((t.id, t.name) for t in guards.visible_teams())
    form.remote_states.choices = choices(geo.state_choices())
    if obj is not None and not form.is_submitted():
        # Stored as ISO text and as a nested address; the form shows them as a date and as separate fields.
        form.valid_through.data = datetime.date.fromisoformat(obj.valid_through) if obj.valid_through else None
        if obj.address:
            form.street.data, form.city.data, form.zip.data = obj.address.street, obj.address.city, obj.address.zip
    return form


def _from_form(form: PostingForm) -> Posting:
    """A Posting from the form's answers; raises PostingRuleError for the public rules."""
    workplace = form.workplace.data
    address = None
    if workplace != REMOTE:
        address = editing.site_address(form.street.data or "", form.city.data or "", form.zip.data or "")
    return Posting(
        id="", title=form.title.data.strip(), description=form.description.data.strip(),
        employment_types=list(form.employment_types.data), workplace=workplace, category=form.category.data,
        team=form.team.data, hours_min=form.hours_min.data, hours_max=form.hours_max.data,
        shifts=list(form.shifts.data), pay_min=form.pay_min.data, pay_max=form.pay_max.data,
        pay_unit=form.pay_unit.data, benefits_hours=form.benefits_hours.data, programmes=list(form.programmes.data),
        site=(form.site.data or "").strip() if address else "", address=address,
        remote_states=sorted(form.remote_states.data) if workplace == REMOTE else [],
        valid_through=form.valid_through.data.isoformat() if form.valid_through.data else "",
    )


def _save(form: PostingForm, save):
    """Validate, apply the rules and save; on a problem, the message goes next to its field and the form is kept."""
    if not form.validate():
        return None
    try:
        return save(_from_form(form))
    except editing.PostingRuleError as exc:
        show_at_field(form, exc, "title")
        return None


@bp.get("/postings/")
def postings():
    listed = postings_service.postings_of_teams(runtime(), guards.visible_teams())
    return render_template("admin/postings.html", postings=listed, statuses=STATUSES)


@bp.route("/postings/new", methods=["GET", "POST"])
def new_posting():
    form = _form()
    created = _save(form, lambda p: editing.create(runtime(), g.account, p)) if form.is_submitted() else None
    if created:
        flash(f"Draft saved: {created.title}. Preview it, then publish it.")
        return redirect(url_for("admin.posting", posting_id=created.id), code=303)
    return render_template("admin/posting_form.html", form=form, posting=None), 422 if form.errors else 200


@bp.route("/postings/<posting_id>/", methods=["GET", "POST"])
def posting(posting_id):
    current = guards.posting_or_404(posting_id)
    form = _form(obj=current)
    if form.is_submitted():
        edited = _save(form, lambda p: editing.edit(runtime(), g.account, current, p))
        if edited:
            flash("Saved." + (" The public page updates within a minute." if edited.status == "published" else ""))
            return redirect(url_for("admin.posting", posting_id=posting_id), code=303)
    return (render_template("admin/posting_form.html", form=form, posting=current, action_form=PostingActionForm()),
            422 if form.errors else 200)


@bp.get("/postings/<posting_id>/preview")
def preview_posting(posting_id):
    """The public page as it will look once published (never cached, never indexed)."""
    found = guards.posting_or_404(posting_id)
    base = settings().public_base_url
    response = current_app.make_response(render_template(
        "admin/posting_preview.html", posting=found, is_open=True, canonical=f"{base}/jobs/{found.id}/",
        jsonld=jsonld.script_json(jsonld.job_posting(found, base)), state_name=geo.state_name))
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _posting_action(posting_id: str, act, action: str, message: str):
    """Publish, close or duplicate: the posting the account may see, a valid form, the service, and the answer."""
    found = guards.posting_or_404(posting_id)
    if not PostingActionForm().validate():
        abort(400)
    try:
        result = act(runtime(), g.account, found)
    except editing.PostingRuleError as exc:
        flash(f"Not {action}: {exc}")
        return redirect(url_for("admin.posting", posting_id=posting_id), code=303)
    flash(message)
    return redirect(url_for("admin.posting", posting_id=result.id), code=303)


@bp.post("/postings/<posting_id>/publish")
def publish_posting(posting_id):
    return _posting_action(posting_id, lambda rt, account, p: editing.publish(rt, account, p, clock.now().date()),
                           "published", "Published. The public site shows it within a minute.")


@bp.post("/postings/<posting_id>/close")
def close_posting(posting_id):
    return _posting_action(posting_id, editing.close, "closed",
                           "Closed. It takes no more applications; its page says it is closed.")


@bp.post("/postings/<posting_id>/duplicate")
def duplicate_posting(posting_id):
    return _posting_action(posting_id, editing.duplicate, "duplicated",
                           "This is a new draft copy. Change what differs, then publish it.")
