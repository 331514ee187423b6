"""Every route of app.url_map, walked with each of its methods, anonymously and signed in as an admin: every
response carries the security headers, and nothing dynamic may be stored by a browser or a cache."""
import re

import pytest

from portal import headers, keys
from portal.applications import tokens
from portal.web import create_app
from portal.accounts.repository import AccountRepository
from portal.postings.repository import PostingRepository
from tests.factories import PASSWORD, make_account, make_posting
from tests.helpers import login, send_application, status_token_of

UNKNOWN = "01ZZZZZZZZZZZZZZZZZZZZZZZZ"
NO_CSP_UNSAFE = re.compile(r"unsafe-(inline|eval)")


@pytest.fixture(scope="module")
def admin(main_table):
    account = make_account("headers-admin@example.com", role="admin", teams=[])
    AccountRepository(main_table).put(account)
    return account


@pytest.fixture(scope="module")
def known(app, main_table, admin):
    """A real value for each URL argument, so that GETs reach the page itself and not only its 404."""
    posting = make_posting(team="fulfillment-west")
    PostingRepository(main_table).put_many([posting])
    client = app.test_client()
    assert send_application(client, posting).status_code == 303
    token = status_token_of(client)
    status = main_table.get_item(Key=keys.status(tokens.token_hash(token)))["Item"]
    return {"posting_id": posting.id, "team_id": "fulfillment-west", "token": token, "account_id": admin.id,
            "application_id": status["application_ids"][0], "filename": "css/site.css"}


def _calls(app, values):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        url = rule.rule
        for argument in rule.arguments:
            url = re.sub(rf"<(?:[a-z]+:)?{argument}>", str(values.get(argument) or UNKNOWN), url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, url


def _assert_headers(rule, response, local_mode: bool):
    sent = response.headers
    csp = sent["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp and not NO_CSP_UNSAFE.search(csp)
    assert sent["X-Content-Type-Options"] == "nosniff"
    assert sent["Referrer-Policy"] == headers.REFERRER_POLICY
    assert sent["X-Frame-Options"] == "DENY"
    assert ("Strict-Transport-Security" in sent) is (not local_mode)
    if rule.endpoint != "static":
        assert "no-store" in sent["Cache-Control"], f"{rule.rule} {response.status_code}"


def test_every_route_sends_the_security_headers_anonymously_and_signed_in(app, known, admin):
    anonymous, signed_in = app.test_client(), app.test_client()
    assert login(signed_in, admin.email, PASSWORD).status_code == 303
    walked = 0
    for rule, method, url in _calls(app, known):
        for client in (anonymous, signed_in):
            response = client.open(url, method=method)
            response.close()
            assert response.status_code < 500, f"{method} {url}"
            _assert_headers(rule, response, app.extensions["portal"].settings.local_mode)
            walked += 1
    assert walked >= 2 * 50


def test_pages_that_upload_a_resume_let_the_browser_reach_the_bucket_and_no_other_page_does(app, known):
    client = app.test_client()
    origin = headers.origin_of(app.extensions["portal"].resumes.presigned_post("resumes/uploads/x")["url"])
    for url in (f"/apply/{known['posting_id']}", f"/applications/{known['token']}"):
        csp = client.get(url).headers["Content-Security-Policy"]
        assert f"connect-src 'self' {origin};" in csp and f"form-action 'self' {origin};" in csp
    for url in ("/admin/login", "/api/postings", "/healthz", "/nowhere"):
        csp = client.get(url).headers["Content-Security-Policy"]
        assert origin not in csp and "connect-src 'self';" in csp


def test_hashed_assets_keep_their_long_cache(app):
    from portal.web.assets import asset_url

    with app.test_request_context():
        hashed = asset_url("css/site.css")
    response = app.test_client().get(hashed)
    response.close()
    assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_server_error_carries_them_too(runtime):
    app = create_app(runtime=runtime)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/headers-test-failure")
    def failure():
        raise RuntimeError("a failure nobody handled")

    response = app.test_client().get("/headers-test-failure")
    assert response.status_code == 500
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
