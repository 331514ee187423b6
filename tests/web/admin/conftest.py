"""Fixtures of the admin tests: two teams, their recruiters and an admin, and a client signed in as any of them."""
from __future__ import annotations

import pytest

from portal.accounts.models import Team
from portal.accounts.repository import AccountRepository
from tests.factories import PASSWORD, make_account
from tests.helpers import login


@pytest.fixture(scope="module")
def settings_overrides():
    # Many sign-ins per module: the limits are tested on their own in test_login.py.
    return {"login_limit_per_account": 10_000, "login_limit_per_ip": 10_000}


@pytest.fixture(scope="module")
def people(main_table):
    """north@ recruits for north, south@ for south, boss@ is an admin. Returns the accounts by name."""
    accounts = AccountRepository(main_table)
    for team in ("north", "south"):
        accounts.put_team(Team(team, team.title()))
    found = {
        "north": make_account("north@example.com", teams=["north"], name="Nell North"),
        "north2": make_account("north2@example.com", teams=["north"], name="Ned North"),
        "south": make_account("south@example.com", teams=["south"], name="Sue South"),
        "boss": make_account("boss@example.com", role="admin", teams=[], name="Bo Boss"),
    }
    for account in found.values():
        accounts.put(account)
    return found


@pytest.fixture
def signed_in(app, people):
    """signed_in("north") -> a test client signed in as that person."""

    def sign_in(who: str):
        client = app.test_client()
        assert login(client, people[who].email, PASSWORD).status_code == 303
        return client

    return sign_in
