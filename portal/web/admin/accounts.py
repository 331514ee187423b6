"""Routes of account and team management: admins only (anyone else gets 404, as for a record they may not see)."""
from __future__ import annotations

import time

from flask import abort, flash, g, redirect, render_template, url_for

from portal.accounts import services
from portal.applications import retention
from portal.web.admin import bp, guards
from portal.web.admin.forms import AccountForm, PostingActionForm, TeamForm
from portal.web.forms import choices
from portal.web.shared import runtime, settings, show_at_field


def _with_teams(form: AccountForm) -> AccountForm:
    form.teams.choices = choices((t.id, t.name) for t in services.list_teams(runtime()))
    return form


def _page(account_form=None, team_form=None, status=200):
    account_form = account_form or _with_teams(AccountForm(formdata=None))
    return render_template("admin/accounts.html", accounts=services.list_accounts(runtime()),
                           teams=services.list_teams(runtime()), account_form=account_form,
                           team_form=team_form or TeamForm(formdata=None), action_form=PostingActionForm(),
                           retention_run=retention.last_run(runtime()),
                           retention_months=settings().retention_months), status


@bp.get("/accounts/")
def accounts():
    guards.admin_only()
    return _page()


def _made(form, fallback: str, make, message):
    """Validate, make it through the service, then a message and back to the page (None: show the form again, with
    the service's message at its field)."""
    if not form.validate():
        return None
    try:
        made = make()
    except services.AccountRefused as exc:
        show_at_field(form, exc, fallback)
        return None
    flash(message(made))
    return redirect(url_for("admin.accounts"), code=303)


@bp.post("/accounts/new")
def new_account():
    guards.admin_only()
    form = _with_teams(AccountForm())
    done = _made(form, "email", lambda: services.create_account(
        runtime(), g.account, form.email.data, form.name.data, form.role.data, list(form.teams.data),
        form.password.data), lambda created: f"Account created for {created.name}.")
    return done or _page(account_form=form, status=422)


@bp.post("/accounts/<account_id>/active")
def toggle_account(account_id):
    """Deactivate or reactivate: a deactivated account is signed out at its next request (checked every time)."""
    guards.admin_only()
    if not PostingActionForm().validate():
        abort(404)
    try:
        changed = services.toggle_active(runtime(), g.account, account_id, int(time.time() * 1000))
    except services.AccountRefused as exc:
        flash(str(exc))
        return redirect(url_for("admin.accounts"), code=303)
    if changed is None:
        abort(404)
    flash(f"{changed.name} is {'active again' if changed.active else 'deactivated'}.")
    return redirect(url_for("admin.accounts"), code=303)


@bp.post("/teams/new")
def new_team():
    guards.admin_only()
    form = TeamForm()
    done = _made(form, "team_id", lambda: services.create_team(runtime(), g.account, form.team_id.data, form.name.data),
                 lambda team: f"Team {team.name} created.")
    return done or _page(team_form=form, status=422)
