"""Signing in: rate limits per account and per IP in DynamoDB, cookie flags, rotation and idle expiry."""
import re
import time

import pytest

from portal import create_app
from portal.accounts.repository import AccountRepository
from tests.factories import PASSWORD, make_account
from tests.helpers import hidden_fields, login


@pytest.fixture(scope="module")
def strict_app(stack, main_table):
    AccountRepository(main_table).put(make_account("limit@example.com", teams=["north"]))
    AccountRepository(main_table).put(make_account("other@example.com", teams=["north"]))
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret", "STACK_NAME": stack["StackName"],
                       "LOCAL_MODE": True, "LOGIN_LIMIT_PER_ACCOUNT": 3, "LOGIN_LIMIT_PER_IP": 6})


def test_too_many_attempts_on_one_account_are_refused_even_with_the_right_password(strict_app, main_table):
    client = strict_app.test_client()
    for _ in range(3):
        assert login(client, "limit@example.com", "wrong").status_code == 401
    resp = login(client, "limit@example.com", PASSWORD)
    assert resp.status_code == 429
    retry_after = int(resp.headers["Retry-After"])
    assert 0 < retry_after <= 15 * 60
    assert re.search(r"Too many sign-in attempts\. Wait \d+ (minutes|seconds?), then try again",
                     resp.get_data(as_text=True))
    items = main_table.scan()["Items"]  # a test may look at the whole table; the app never scans
    counters = [i for i in items if i["pk"].startswith("LOGIN#")]
    assert counters and all("expires_at" in i for i in counters), "counters expire by TTL"
    assert not any("limit@example.com" in i["pk"] or "127.0.0.1" in i["pk"] for i in counters)


def test_wrong_passwords_from_another_address_never_lock_the_owner_out(strict_app):
    AccountRepository(strict_app.extensions["portal"].main_table).put(make_account("owner@example.com",
                                                                                   teams=["north"]))
    attacker = strict_app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.50"
    for _ in range(3):
        assert login(attacker, "owner@example.com", "wrong").status_code == 401
    assert login(attacker, "owner@example.com", PASSWORD).status_code == 429, "the guesser is stopped"
    owner = strict_app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    assert login(owner, "owner@example.com", PASSWORD).status_code == 303, "the owner signs in from elsewhere"


def test_too_many_attempts_from_one_address_are_refused(strict_app):
    client = strict_app.test_client()
    # 3 more (6 counted on this address with the test above) and then the address is over its limit.
    for _ in range(3):
        login(client, "other@example.com", "wrong")
    assert login(client, "other@example.com", PASSWORD).status_code == 429


def test_session_cookie_flags_and_idle_expiry(app, stack, people):
    client = app.test_client()
    resp = login(client, "north@example.com", PASSWORD)
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/admin/").status_code == 200
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 31 * 60
    resp = client.get("/admin/")
    assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]


def test_cookie_is_secure_outside_local_mode(stack):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "STACK_NAME": stack["StackName"], "LOCAL_MODE": False})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_a_cookie_saved_before_signing_out_opens_nothing_afterwards(app, main_table):
    AccountRepository(main_table).put(make_account("leaver@example.com", teams=["north"]))
    client = app.test_client()
    assert login(client, "leaver@example.com", PASSWORD).status_code == 303
    saved = client.get_cookie("session").value  # as someone who copied it would keep it
    page = client.get("/admin/")
    assert page.status_code == 200
    out = client.post("/admin/logout", data={"csrf_token": hidden_fields(page.get_data(as_text=True))["csrf_token"]})
    assert out.status_code == 303
    assert "You are signed out" in client.get(out.headers["Location"]).get_data(as_text=True)

    thief = app.test_client()
    thief.set_cookie("session", saved)
    resp = thief.get("/admin/")
    assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]
    assert "session=;" in resp.headers.get("Set-Cookie", "") or "Expires=Thu, 01 Jan 1970" in \
        resp.headers.get("Set-Cookie", ""), "the refused cookie is cleared, not refreshed"
    assert login(client, "leaver@example.com", PASSWORD).status_code == 303, "signing in again works"
    assert client.get("/admin/").status_code == 200
