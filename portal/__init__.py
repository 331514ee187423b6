"""The portal's application factory: configuration, AWS resources, blueprints and CLI commands.

Read this first: every URL prefix below names the package that serves it. The public pages (/, /jobs/...) are
not routes: portal/site renders them into the site bucket, which CloudFront (and local mode) serves.
"""
from __future__ import annotations

import datetime
import os
import secrets
from pathlib import Path

from flask import Config, Flask

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
        # Links in e-mails (the status page) start with this; the deployment sets the site's https origin.
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
        # The SES identity the pipeline sends applicants' e-mail from (verified in SES; locally in the emulator).
        "MAIL_FROM": "Flexwork Jobs <jobs@example.com>",
        # How often the stream trigger retries a failing record before dead-lettering it: the local poller
        # behaves like MaximumRetryAttempts of the event source mapping in infra/template.yaml (a test checks).
        "PIPELINE_MAX_RETRY_ATTEMPTS": 5,
        # Local mode: how often the stream poller reads the emulator's stream.
        "PIPELINE_POLL_SECONDS": 0.2,
        # Sign-in attempts allowed per 15 minutes, counted in DynamoDB (portal/accounts/services.py).
        "LOGIN_LIMIT_PER_ACCOUNT": 10,
        "LOGIN_LIMIT_PER_IP": 100,
        "QUEUE_PAGE_SIZE": 50,
        "EXPORT_MAX_ROWS": 10_000,
        "RESUME_LINK_SECONDS": 120,
        # Spam defence without puzzles: a form sent back faster than this is refused (and kept), and
        # submissions are counted per IP address an hour and per e-mail address a day, in DynamoDB.
        "APPLY_MIN_FILL_SECONDS": 3,
        "APPLY_LIMIT_PER_IP_HOUR": 20,
        "APPLY_LIMIT_PER_EMAIL_DAY": 10,
        # Résumé uploads started per IP address an hour (each may put 5 MB in the bucket until it expires).
        "RESUME_UPLOADS_PER_IP_HOUR": 20,
        # How long applications are kept, as the privacy notice on the form says.
        "RETENTION_MONTHS": 24,
    }


class PortalConfig(Config):
    """Flask's config, plus values that cost an AWS call: looked up on first read (not at start), then kept.

    Only the function that needs such a value pays for it, and needs the permission for it: the dead-letter
    queue's URL is read by the pipeline and `flask pipeline replay-dlq`, never by the web function.
    """

    def __missing__(self, key):
        lookup = _LOOKED_UP_ON_FIRST_READ.get(key)
        if lookup is None:
            raise KeyError(key)
        value = lookup(self)
        self[key] = value
        return value

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default


def _dead_letter_queue_url(cfg: Config) -> str:
    import boto3

    from portal.aws import RETRY_CONFIG

    sqs = boto3.client("sqs", region_name=cfg["AWS_REGION"], config=RETRY_CONFIG)
    try:
        return sqs.get_queue_url(QueueName=cfg["PIPELINE_DLQ_NAME"])["QueueUrl"]
    except sqs.exceptions.QueueDoesNotExist as exc:
        raise KeyError(f"PIPELINE_DLQ_URL: there is no queue {cfg['PIPELINE_DLQ_NAME']}; deploy the stack") from exc


_LOOKED_UP_ON_FIRST_READ = {"PIPELINE_DLQ_URL": _dead_letter_queue_url}


class PortalFlask(Flask):
    config_class = PortalConfig


def create_app(test_config: dict | None = None) -> Flask:
    app = PortalFlask(
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

    from portal import aws, cli, site
    from portal.admin import bp as admin_bp
    from portal.api import bp as api_bp
    from portal.apply import bp as apply_bp
    from portal.selfid import bp as selfid_bp
    from portal.status import bp as status_bp
    from portal.security import csrf

    from portal.viewer import ViewerAddress

    app.wsgi_app = ViewerAddress(app.wsgi_app, app.config["SECRET_KEY"])
    aws.init_app(app)
    csrf.init_app(app)
    csrf.exempt(admin_bp)  # admin checks CSRF itself, after the sign-in check (portal/admin/routes.py)
    cli.init_app(app)
    site.init_app(app)
    app.register_blueprint(apply_bp, url_prefix="/apply")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(status_bp, url_prefix="/applications")
    app.register_blueprint(selfid_bp, url_prefix="/applications")
    csrf.exempt(api_bp)  # JSON only, no cookies: see portal/api/routes.py for what protects it instead
    app.register_blueprint(api_bp, url_prefix="/api")
    from portal.dev import bp as dev_bp

    app.register_blueprint(dev_bp, url_prefix="/dev")  # answers 404 outside local mode

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
    cfg.setdefault("RESUME_BUCKET", f"{stack}-resumes")
    # The stream's dead-letter queue (infra/template.yaml); PIPELINE_DLQ_URL is looked up from it on first read.
    cfg.setdefault("PIPELINE_DLQ_NAME", f"{stack}-pipeline-dlq")
    cfg["SESSION_COOKIE_SECURE"] = not cfg["LOCAL_MODE"]  # local mode is plain http on loopback
    if not cfg.get("SECRET_KEY") and cfg.get("SECRET_KEY_PARAMETER"):
        # On Lambda: zappa_settings.json names the SSM parameter (PORTAL_SECRET_KEY_PARAMETER), never the secret.
        from portal import parameters

        cfg["SECRET_KEY"] = parameters.secret(cfg["SECRET_KEY_PARAMETER"], cfg["AWS_REGION"])
    if not cfg.get("SECRET_KEY"):
        if not (cfg["LOCAL_MODE"] or cfg.get("TESTING")):
            raise RuntimeError("Neither PORTAL_SECRET_KEY nor PORTAL_SECRET_KEY_PARAMETER is set; the portal will not start "
                               "without a secret outside local mode.")
        # Local mode only: a fresh key each start, so no secret ever sits in a file.
        cfg["SECRET_KEY"] = secrets.token_hex(32)
