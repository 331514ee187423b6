"""Routes of the audit log pages: per application, and per account (by its opaque id, never its e-mail)."""
from __future__ import annotations

from flask import abort, g, render_template

from portal.audit import services as audit
from portal.web.admin import bp, guards
from portal.web.shared import cursor_codec, runtime, start_key

PAGE = 50


@bp.get("/applications/<application_id>/audit")
def application_audit(application_id):
    application = guards.application_or_404(application_id)
    page = audit.for_application(runtime(), application.id, PAGE, start_key())
    return render_template("admin/audit.html", entries=page.items, next_page=cursor_codec().encode(page.next_key),
                           heading=f"Audit log of {application.contact.name}'s application", application=application)


@bp.get("/audit/accounts/<account_id>")
def account_audit(account_id):
    """Admins see anyone's log; a recruiter sees only their own (anything else is 404, like a wrong id)."""
    found = audit.for_account(runtime(), g.account, account_id, PAGE, start_key())
    if found is None:
        abort(404)
    account, page = found
    return render_template("admin/audit.html", entries=page.items, next_page=cursor_codec().encode(page.next_key),
                           heading=f"What {account.name} viewed and changed", application=None)
