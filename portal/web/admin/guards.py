"""The record checks of the admin routes: a team, application or posting the signed-in account may see, or 404.

Another team's record gives the same 404 as an id that does not exist, so ids cannot be probed.
"""
from __future__ import annotations

from flask import abort, g

from portal.applications import access
from portal.postings import services as postings
from portal.web.shared import runtime


def visible_teams():
    return access.visible_teams(runtime(), g.account)


def _or_404(found):
    if found is None:
        abort(404)
    return found


def team_or_404(team_id: str):
    return _or_404(access.team_for(runtime(), g.account, team_id))


def application_or_404(application_id: str):
    return _or_404(access.application_for(runtime(), g.account, application_id))


def posting_or_404(posting_id: str):
    return _or_404(postings.posting_for(runtime(), g.account, posting_id))


def admin_only() -> None:
    """Admins' pages: anyone else gets 404, as for a record they may not see."""
    if not g.account.is_admin:
        abort(404)
