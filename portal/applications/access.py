"""Who may see which teams and applications: the team check applied to every record an admin page names."""
from __future__ import annotations

import heapq

from portal.accounts.models import Account, Team
from portal.applications.models import Application


def visible_teams(runtime, account: Account) -> list[Team]:
    """Admins see every team; a recruiter sees only their own."""
    return [t for t in runtime.accounts.list_teams() if account.works_for(t.id)]


def team_for(runtime, account: Account, team_id: str) -> Team | None:
    """The team, or None when it does not exist or the account does not work for it (the two look alike)."""
    return next((t for t in visible_teams(runtime, account) if t.id == team_id), None)


def can_see(account: Account, application: Application) -> bool:
    return account.works_for(application.team)


def application_for(runtime, account: Account, application_id: str) -> Application | None:
    """The application, or None when it does not exist or belongs to a team the account is not in.

    Both cases look the same to the caller, so another team's id cannot be told apart from a wrong one.
    """
    found = runtime.applications.get(application_id)
    return found if found is not None and can_see(account, found) else None


def team_members(runtime, team_id: str) -> list[dict]:
    """Who can be assigned the team's applications (email, active, open_count), for the assign choices."""
    return runtime.accounts.list_members(team_id)


def newest_applications(runtime, teams: list[Team], limit: int) -> list[Application]:
    """The newest applications across these teams: one query per team, merged by id (ULIDs sort by time)."""
    per_team = [runtime.applications.list_for_team(team.id, limit).items for team in teams]
    return list(heapq.merge(*per_team, key=lambda a: a.id, reverse=True))[:limit]
