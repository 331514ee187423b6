"""The portal's application factory: configuration, AWS resources, blueprints and CLI commands.

Read this first: every URL prefix below names the package that serves it.
"""
from __future__ import annotations

import datetime
import os
import secrets
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def _defaults() -> dict:
    return {
        "STACK_NAME": "portal-dev",
        "AWS_REGION": os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
        # Local mode: the embedded emulator, demo accounts allowed, cookies without Secure (plain http).
        "LOCAL_MODE": False,
        "PAGE_SIZE": 20,
        "PERMANENT_SESSION_LIFETIME": datetime.timedelta(minutes=30),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_REFRESH_EACH_REQUEST": True,
        "WTF_CSRF_TIME_LIMIT": 4 * 3600,
    }


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        static_url_path="/static",
    )
    app.config.from_mapping(_defaults())
    app.config.from_prefixed_env("PORTAL")
    if test_config:
        app.config.update(test_config)
    _finish_config(app)

    from portal import aws, cli
    from portal.admin import bp as admin_bp
    from portal.apply import bp as apply_bp
    from portal.public import bp as public_bp
    from portal.security import csrf

    aws.init_app(app)
    csrf.init_app(app)
    csrf.exempt(admin_bp)  # admin checks CSRF itself, after the sign-in check (portal/admin/routes.py)
    cli.init_app(app)
    app.register_blueprint(public_bp)
    app.register_blueprint(apply_bp, url_prefix="/apply")
    app.register_blueprint(admin_bp, url_prefix="/admin")

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app


def _finish_config(app: Flask) -> None:
    """Fill in what follows from the rest of the configuration, and refuse to start without a secret."""
    cfg = app.config
    stack = cfg["STACK_NAME"]
    cfg.setdefault("MAIN_TABLE", f"{stack}-main")
    cfg.setdefault("SELFID_TABLE", f"{stack}-selfid")
    cfg.setdefault("SITE_BUCKET", f"{stack}-site")
    cfg["SESSION_COOKIE_SECURE"] = not cfg["LOCAL_MODE"]  # local mode is plain http on loopback
    if not cfg.get("SECRET_KEY"):
        if not (cfg["LOCAL_MODE"] or cfg.get("TESTING")):
            raise RuntimeError("PORTAL_SECRET_KEY is not set; the portal will not start without it outside local mode.")
        # Local mode only: a fresh key each start, so no secret ever sits in a file.
        cfg["SECRET_KEY"] = secrets.token_hex(32)
