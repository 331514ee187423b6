"""Routes of the audit log pages: per application, and per account (by its opaque id, never its e-mail)."""
from __future__ import annotations

from flask import abort, current_app, g, render_template, request

from portal import storage
from portal.admin import bp, guards
from portal.audit import services as audit
from portal.paging import BadCursor, CursorCodec


def _start_key(codec: CursorCodec):
    try:
        return codec.decode(request.args.get("page"))
    except BadCursor:
        abort(400, "This page link is not valid any more. Start again from the first page.")


@bp.get("/applications/<application_id>/audit")
def application_audit(application_id):
    application = guards.application_or_404(application_id)
    codec = CursorCodec(current_app.config["SECRET_KEY"])
    page = storage.audit().for_subject(audit.application_subject(application.id), 50, _start_key(codec))
    return render_template("admin/audit.html", entries=page.items, next_page=codec.encode(page.next_key),
                           heading=f"Audit log of {application.contact.name}'s application", application=application)


@bp.get("/audit/accounts/<account_id>")
def account_audit(account_id):
    """Admins see anyone's log; a recruiter sees only their own (anything else is 404, like a wrong id)."""
    if not (g.account.is_admin or account_id == g.account.id):
        abort(404)
    account = storage.accounts().get_by_id(account_id)
    if account is None:
        abort(404)
    codec = CursorCodec(current_app.config["SECRET_KEY"])
    page = storage.audit().for_account(account_id, 50, _start_key(codec))
    return render_template("admin/audit.html", entries=page.items, next_page=codec.encode(page.next_key),
                           heading=f"What {account.name} viewed and changed", application=None)
