"""The record checks of the admin routes: a team, application or posting the signed-in account may see, or 404.

Another team's record gives the same 404 as an id that does not exist, so ids cannot be probed.
"""
from __future__ import annotations

from flask import abort, g

from portal import storage
from portal.applications import access


def visible_teams():
    return access.visible_teams(g.account, storage.accounts().list_teams())


def team_or_404(team_id: str):
    teams = {t.id: t for t in visible_teams()}
    if team_id not in teams:
        abort(404)
    return teams[team_id]


def application_or_404(application_id: str):
    found = access.get_application_for(storage.applications(), g.account, application_id)
    if found is None:
        abort(404)
    return found


def posting_or_404(posting_id: str):
    posting = storage.postings().get(posting_id)
    if posting is None or not (g.account.is_admin or posting.team in g.account.teams):
        abort(404)
    return posting
