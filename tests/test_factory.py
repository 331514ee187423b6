"""The application factory: configuration from defaults, the environment and test config."""
import pytest

from portal import create_app


def test_test_config_overrides_and_names_the_tables():
    app = create_app({"TESTING": True, "STACK_NAME": "abc"})
    assert app.testing
    assert app.config["MAIN_TABLE"] == "abc-main"
    assert app.config["SELFID_TABLE"] == "abc-selfid"
    assert app.config["SITE_BUCKET"] == "abc-site"


def test_prefixed_environment_variables_configure_the_app(monkeypatch):
    monkeypatch.setenv("PORTAL_SECRET_KEY", "from-env")
    monkeypatch.setenv("PORTAL_STACK_NAME", "portal-prod")
    monkeypatch.setenv("PORTAL_PAGE_SIZE", "7")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["MAIN_TABLE"] == "portal-prod-main"
    assert app.config["PAGE_SIZE"] == 7
    assert app.config["SESSION_COOKIE_SECURE"] is True, "cookies are Secure outside local mode"


def test_refuses_to_start_without_a_secret_outside_local_mode():
    with pytest.raises(RuntimeError, match="PORTAL_SECRET_KEY"):
        create_app()


def test_local_mode_makes_its_own_secret_and_plain_http_cookies():
    app = create_app({"LOCAL_MODE": True})
    assert len(app.config["SECRET_KEY"]) >= 32
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_healthz_answers_200():
    client = create_app({"TESTING": True, "SECRET_KEY": "x"}).test_client()
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok"}


def test_wsgi_module_holds_the_one_app(monkeypatch):
    monkeypatch.setenv("PORTAL_SECRET_KEY", "x")
    import importlib

    import portal.wsgi

    wsgi = importlib.reload(portal.wsgi)
    assert wsgi.app.name == "portal"
