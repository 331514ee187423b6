"""The web app's factory: the Flask config it derives from the runtime's settings, and its few routes of its own."""
import pytest

from portal import create_app
from portal.parameters import MissingSecret


def test_the_app_holds_the_runtime_it_was_built_on_and_its_settings():
    app = create_app({"TESTING": True, "STACK_NAME": "abc"})
    assert app.testing
    runtime = app.extensions["portal"]
    assert runtime.settings.main_table == "abc-main"
    assert app.config["SECRET_KEY"] == runtime.secret_key


def test_prefixed_environment_variables_configure_the_app(monkeypatch):
    monkeypatch.setenv("PORTAL_SECRET_KEY", "from-env")
    monkeypatch.setenv("PORTAL_STACK_NAME", "portal-prod")
    monkeypatch.setenv("PORTAL_PAGE_SIZE", "7")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.extensions["portal"].settings.main_table == "portal-prod-main"
    assert app.extensions["portal"].settings.page_size == 7
    assert app.config["SESSION_COOKIE_SECURE"] is True, "cookies are Secure outside local mode"


def test_refuses_to_start_without_a_secret_outside_local_mode():
    with pytest.raises(MissingSecret, match="PORTAL_SECRET_KEY"):
        create_app()


def test_local_mode_makes_its_own_secret_and_plain_http_cookies():
    app = create_app({"LOCAL_MODE": True})
    assert len(app.config["SECRET_KEY"]) >= 32
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_the_session_and_form_lifetimes_come_from_the_settings():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SESSION_IDLE_MINUTES": 12, "FORM_TIME_LIMIT_SECONDS": 60})
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 12 * 60
    assert app.config["WTF_CSRF_TIME_LIMIT"] == 60


def test_the_dev_outbox_is_registered_in_local_mode_only():
    assert "dev.outbox" in create_app({"LOCAL_MODE": True}).view_functions
    assert "dev.outbox" not in create_app({"TESTING": True, "SECRET_KEY": "x"}).view_functions


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
