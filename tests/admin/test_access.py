"""Admin access: every /admin route, found by walking app.url_map, sends anonymous users to login;
a recruiter sees only their own teams' applications."""
import re

import pytest

from portal.accounts.repository import AccountRepository
from portal.accounts.models import Team
from portal.applications.repository import ApplicationRepository
from portal.applications.services import submit_application
from tests.factories import PASSWORD, make_account, make_answers, make_posting
from tests.helpers import hidden_fields, login


def _admin_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin")]


def _concrete(rule) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: f"x-{m.group(1)}", rule.rule)


def test_there_are_admin_routes_to_check(app):
    assert len(_admin_rules(app)) >= 4


def test_every_admin_route_sends_anonymous_users_to_login(app, client):
    for rule in _admin_rules(app):
        if rule.endpoint == "admin.login":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            resp = client.open(_concrete(rule), method=method)
            assert resp.status_code in (302, 303), (rule.rule, method, resp.status_code)
            assert resp.headers["Location"].startswith("/admin/login"), (rule.rule, method)


@pytest.fixture(scope="module")
def two_teams(main_table):
    accounts = AccountRepository(main_table)
    for team in ("north", "south"):
        accounts.put_team(Team(team, team.title()))
    accounts.put(make_account("north@example.com", teams=["north"]))
    accounts.put(make_account("boss@example.com", role="admin", teams=[]))
    repo = ApplicationRepository(main_table)
    north = submit_application(repo, [make_posting(team="north")], make_answers(name="Nora North"), "tok-north")
    south = submit_application(repo, [make_posting(team="south")], make_answers(name="Sam South"), "tok-south")
    return north.application_ids[0], south.application_ids[0]


def test_recruiter_sees_own_team_and_gets_404_for_another_team(client, two_teams):
    north_id, south_id = two_teams
    assert login(client, "north@example.com", PASSWORD).status_code == 303
    home = client.get("/admin/").get_data(as_text=True)
    assert "Nora North" in home and "Sam South" not in home
    assert client.get(f"/admin/applications/{north_id}").status_code == 200
    assert client.get(f"/admin/applications/{south_id}").status_code == 404
    assert client.get("/admin/queues/south/").status_code == 404
    assert "Nora North" in client.get("/admin/queues/north/").get_data(as_text=True)


def test_admin_sees_every_team(client, two_teams):
    login(client, "boss@example.com", PASSWORD)
    home = client.get("/admin/").get_data(as_text=True)
    assert "Nora North" in home and "Sam South" in home
    assert client.get(f"/admin/applications/{two_teams[1]}").status_code == 200


def test_wrong_password_is_refused_with_a_message(client, two_teams):
    resp = login(client, "north@example.com", "nope")
    assert resp.status_code == 401
    assert "do not match an account" in resp.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_login_rotates_the_session_and_logout_needs_csrf(client, two_teams):
    client.get("/admin/login")
    before = client.get_cookie("session")
    login(client, "north@example.com", PASSWORD)
    after = client.get_cookie("session")
    assert after is not None and (before is None or before.value != after.value)
    assert client.post("/admin/logout").status_code == 400, "no CSRF token, no sign-out"
    token = hidden_fields(client.get("/admin/").get_data(as_text=True))["csrf_token"]
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/admin/").status_code == 302


def test_login_only_redirects_inside_admin(client, two_teams):
    page = client.get("/admin/login?next=https://evil.example/")
    resp = client.post("/admin/login?next=https://evil.example/",
                       data={**hidden_fields(page.get_data(as_text=True)), "email": "north@example.com", "password": PASSWORD})
    assert resp.headers["Location"] == "/admin/"
