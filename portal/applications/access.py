"""Who may see which applications: the team check applied to every record an admin page shows."""
from __future__ import annotations

import heapq

from portal.accounts.models import Account, Team
from portal.applications.models import Application
from portal.applications.repository import ApplicationRepository


def visible_teams(account: Account, all_teams: list[Team]) -> list[Team]:
    """Admins see every team; a recruiter sees only their own."""
    if account.is_admin:
        return all_teams
    return [t for t in all_teams if t.id in account.teams]


def can_see(account: Account, application: Application) -> bool:
    return account.is_admin or application.team in account.teams


def get_application_for(repo: ApplicationRepository, account: Account, application_id: str) -> Application | None:
    """The application, or None when it does not exist or belongs to a team the account is not in.

    Both cases look the same to the caller, so another team's id cannot be told apart from a wrong one.
    """
    found = repo.get(application_id)
    return found if found is not None and can_see(account, found) else None


def newest_applications(repo: ApplicationRepository, teams: list[Team], limit: int) -> list[Application]:
    """The newest applications across these teams: one query per team, merged by id (ULIDs sort by time)."""
    per_team = [repo.list_for_team(team.id, limit).items for team in teams]
    return list(heapq.merge(*per_team, key=lambda a: a.id, reverse=True))[:limit]
