"""Routes of account and team management: admins only (anyone else gets 404, as for a record they may not see)."""
from __future__ import annotations

import dataclasses

from flask import abort, flash, g, redirect, render_template, url_for

from portal import storage
from portal.accounts import services
from portal.accounts.models import Team
from portal.admin import bp
from portal.admin.forms import AccountForm, PostingActionForm, TeamForm, choices
from portal.audit import services as audit


def _admin_only() -> None:
    if not g.account.is_admin:
        abort(404)


def _page(account_form=None, team_form=None, status=200):
    teams = storage.accounts().list_teams()
    account_form = account_form or AccountForm(formdata=None)
    account_form.teams.choices = choices((t.id, t.name) for t in teams)
    return render_template("admin/accounts.html", accounts=storage.accounts().list_accounts(), teams=teams,
                           account_form=account_form, team_form=team_form or TeamForm(formdata=None),
                           action_form=PostingActionForm()), status


@bp.get("/accounts/")
def accounts():
    _admin_only()
    return _page()


@bp.post("/accounts/new")
def new_account():
    _admin_only()
    form = AccountForm()
    form.teams.choices = choices((t.id, t.name) for t in storage.accounts().list_teams())
    if form.validate():
        try:
            created = services.create_account(storage.accounts(), form.email.data, form.name.data, form.role.data,
                                              list(form.teams.data), form.password.data)
        except ValueError as exc:
            form.email.errors = [str(exc)]
        else:
            audit.record(storage.audit(), g.account, "created", audit.account_subject(created.id), created.role)
            flash(f"Account created for {created.name}.")
            return redirect(url_for("admin.accounts"), code=303)
    return _page(account_form=form, status=422)


@bp.post("/accounts/<account_id>/active")
def toggle_account(account_id):
    """Deactivate or reactivate: a deactivated account is signed out at its next request (checked every time)."""
    _admin_only()
    account = storage.accounts().get_by_id(account_id)
    if account is None or not PostingActionForm().validate():
        abort(404)
    if account.id == g.account.id:
        flash("You cannot deactivate your own account.")
        return redirect(url_for("admin.accounts"), code=303)
    changed = dataclasses.replace(account, active=not account.active)
    storage.accounts().put(changed)
    audit.record(storage.audit(), g.account, "activated" if changed.active else "deactivated",
                 audit.account_subject(account.id))
    flash(f"{account.name} is {'active again' if changed.active else 'deactivated'}.")
    return redirect(url_for("admin.accounts"), code=303)


@bp.post("/teams/new")
def new_team():
    _admin_only()
    form = TeamForm()
    if not form.validate():
        return _page(team_form=form, status=422)
    if form.team_id.data in {t.id for t in storage.accounts().list_teams()}:
        form.team_id.errors = ["There is already a team with that id."]
        return _page(team_form=form, status=422)
    storage.accounts().put_team(Team(form.team_id.data, form.name.data.strip()))
    flash(f"Team {form.name.data.strip()} created.")
    return redirect(url_for("admin.accounts"), code=303)
