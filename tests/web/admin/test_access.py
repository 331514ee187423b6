"""Admin access: every /admin route, found by walking app.url_map, sends anonymous users to login and gives a
recruiter of another team 404; a recruiter sees only their own teams' applications."""
import re

import pytest

from portal.applications.repository import ApplicationRepository
from portal.applications.services import submit_application
from portal.postings.repository import PostingRepository
from tests.helpers import csrf_token
from tests.factories import PASSWORD, make_answers, make_posting
from tests.helpers import hidden_fields, login

# Routes that belong to no team: open to every signed-in account, so not part of the other-team walk.
TEAMLESS = {"admin.login", "admin.logout", "admin.index", "admin.my_queue", "admin.postings", "admin.new_posting",
            "admin.accounts", "admin.new_account", "admin.new_team"}


def _admin_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin")]


def _concrete(rule, values=None) -> str:
    values = values or {}
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: values.get(m.group(1), f"x-{m.group(1)}"), rule.rule)


def test_there_are_admin_routes_to_check(app):
    assert len(_admin_rules(app)) >= 12


def test_every_admin_route_sends_anonymous_users_to_login(app, client):
    for rule in _admin_rules(app):
        if rule.endpoint == "admin.login":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            resp = client.open(_concrete(rule), method=method)
            assert resp.status_code in (302, 303), (rule.rule, method, resp.status_code)
            assert resp.headers["Location"].startswith("/admin/login"), (rule.rule, method)


@pytest.fixture(scope="module")
def two_teams(runtime, main_table, people):
    repo = ApplicationRepository(main_table)
    north_posting, south_posting = make_posting(team="north"), make_posting(team="south")
    PostingRepository(main_table).put_many([north_posting, south_posting])
    north = submit_application(runtime, [north_posting], make_answers(name="Nora North"), "tok-north")
    south = submit_application(runtime, [south_posting], make_answers(name="Sam South"), "tok-south")
    return {"north": north.application_ids[0], "south": south.application_ids[0],
            "north_posting": north_posting.id, "south_posting": south_posting.id}


def test_every_team_route_gives_another_teams_recruiter_404(app, signed_in, people, two_teams):
    """north@ asks for south's team, application, posting and south@'s audit log: each is 404, even with CSRF."""
    client = signed_in("north")
    token = csrf_token(client)
    south = {"team_id": "south", "application_id": two_teams["south"], "posting_id": two_teams["south_posting"],
             "account_id": people["south"].id}
    checked = 0
    for rule in _admin_rules(app):
        if rule.endpoint in TEAMLESS:
            continue
        assert set(rule.arguments) <= set(south), f"{rule.rule}: teach this test which value is another team's"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token} if method == "POST" else None
            resp = client.open(_concrete(rule, south), method=method, data=data)
            assert resp.status_code == 404, (rule.rule, method, resp.status_code)
            checked += 1
    assert checked >= 10


def test_recruiter_sees_own_team_and_gets_404_for_another_team(signed_in, two_teams):
    client = signed_in("north")
    home = client.get("/admin/").get_data(as_text=True)
    assert "Nora North" in home and "Sam South" not in home
    assert client.get(f"/admin/applications/{two_teams['north']}").status_code == 200
    assert client.get(f"/admin/applications/{two_teams['south']}").status_code == 404
    assert client.get("/admin/queues/south/").status_code == 404
    assert "Nora North" in client.get("/admin/queues/north/?stage=applied").get_data(as_text=True)


def test_admin_sees_every_team(signed_in, two_teams):
    client = signed_in("boss")
    home = client.get("/admin/").get_data(as_text=True)
    assert "Nora North" in home and "Sam South" in home
    assert client.get(f"/admin/applications/{two_teams['south']}").status_code == 200


def test_wrong_password_is_refused_with_a_message(client, people):
    resp = login(client, "north@example.com", "nope")
    assert resp.status_code == 401
    assert "do not match an account" in resp.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_login_rotates_the_session_and_logout_needs_csrf(client, people):
    client.get("/admin/login")
    before = client.get_cookie("session")
    login(client, "north@example.com", PASSWORD)
    after = client.get_cookie("session")
    assert after is not None and (before is None or before.value != after.value)
    assert client.post("/admin/logout").status_code == 400, "no CSRF token, no sign-out"
    assert client.post("/admin/logout", data={"csrf_token": csrf_token(client)}).status_code == 303
    assert client.get("/admin/").status_code == 302


def test_login_only_redirects_inside_admin(client, people):
    page = client.get("/admin/login?next=https://evil.example/")
    resp = client.post("/admin/login?next=https://evil.example/",
                       data={**hidden_fields(page.get_data(as_text=True)), "email": "north@example.com", "password": PASSWORD})
    assert resp.headers["Location"] == "/admin/"


def test_no_admin_url_holds_an_email_address(app):
    for rule in _admin_rules(app):
        assert "email" not in rule.rule and "@" not in rule.rule


def test_only_admins_manage_accounts_and_teams(signed_in, people, main_table):
    from portal.accounts.repository import AccountRepository

    north = signed_in("north")
    token = csrf_token(north)
    assert north.get("/admin/accounts/").status_code == 404
    assert north.post("/admin/teams/new", data={"csrf_token": token, "team_id": "x-team", "name": "X"}).status_code == 404
    boss = signed_in("boss")
    token = csrf_token(boss)
    assert boss.get("/admin/accounts/").status_code == 200
    made = boss.post("/admin/accounts/new", data={"csrf_token": token, "email": "new@example.com", "name": "New Person",
                                                  "role": "recruiter", "teams": ["north"], "password": "twelve chars ok"})
    assert made.status_code == 303
    short = boss.post("/admin/accounts/new", data={"csrf_token": token, "email": "new2@example.com", "name": "N",
                                                   "role": "recruiter", "teams": [], "password": "short"})
    html = short.get_data(as_text=True)
    assert short.status_code == 422 and "at least 12 characters" in html and "Choose at least one team" in html
    assert 'value="new2@example.com"' in html
    team = boss.post("/admin/teams/new", data={"csrf_token": token, "team_id": "east", "name": "East"})
    assert team.status_code == 303
    target = AccountRepository(main_table).get("north2@example.com")
    assert boss.post(f"/admin/accounts/{target.id}/active", data={"csrf_token": token}).status_code == 303
    assert AccountRepository(main_table).get("north2@example.com").active is False
    assert boss.post(f"/admin/accounts/{target.id}/active", data={"csrf_token": token}).status_code == 303
    assert AccountRepository(main_table).get("north2@example.com").active is True
