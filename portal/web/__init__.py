"""The web side: the Flask app's factory and its blueprints, one package per audience. The only layer importing Flask.

Every URL prefix names the package that serves it:

    /apply/...          portal/web/apply     applying for a posting
    /applications/...   portal/web/status    the applicant's private status page
                        portal/web/selfid    voluntary self-identification
    /api/...            portal/web/api       the JSON API
    /admin/...          portal/web/admin     recruiters and admins
    /dev/...            portal/local/outbox  local mode only
    /healthz            here

The public pages (/, /jobs/...) are not routes: portal/site renders them into the site bucket, which CloudFront
(and local mode) serves. Routes parse and validate, call a service (portal/<domain>/) and render or redirect;
they reach the stores only through services, and services through the runtime the app holds.
"""
from __future__ import annotations

import datetime

from flask import Flask, Request, jsonify, render_template, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest, HTTPException, ServiceUnavailable

from portal import aws
from portal.applications.resumes import upload_origin
from portal.headers import security_headers
from portal.runtime import STATIC_DIR, TEMPLATES_DIR, Runtime
from portal.settings import Settings

# Their pages POST résumés straight to the bucket, so their policy lets the browser reach it.
UPLOADING_BLUEPRINTS = frozenset({"apply", "status"})


# Nothing the portal takes is larger: résumés go straight to S3. Larger bodies get 413 before any parsing.
MAX_BODY_BYTES = 1024 * 1024
# The API's bodies are two levels deep; a deeper one is malformed, and 10,000 levels would exhaust the stack.
MAX_JSON_DEPTH = 8
TOO_LARGE = ("What you sent is larger than we accept (1 MB). Shorten the longest answer and send it again; a résumé "
             "is uploaded on its own.")
# The styled page for what is not there: the static site's 404 page, from the app too.
NOT_THERE = {
    404: {"heading": "We cannot find that page", "message": "The link may be mistyped, or the page may have moved."},
    410: {"heading": "This page has gone", "message": "What was here has been removed for good."},
}
BUSY = "We are very busy just now and could not finish this. Please try again in a moment."
BUSY_RETRY_AFTER_SECONDS = 5


class PortalJSON(DefaultJSONProvider):
    def loads(self, s, **kwargs):
        """JSON too deep for the parser is malformed: a ValueError (not a RecursionError, a 500), which
        request.get_json turns into a 400, or None when asked to be silent."""
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deep") from None


class PortalRequest(Request):
    def get_json(self, force=False, silent=False, cache=True):
        """A body deeper than any the portal takes is malformed too."""
        value = super().get_json(force=force, silent=silent, cache=cache)
        if _depth(value) > MAX_JSON_DEPTH:
            if silent:
                return None
            raise BadRequest("The JSON body is nested too deep.")
        return value


def _depth(value) -> int:
    deepest, level = 0, [(value, 1)]
    while level:
        node, depth = level.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            level.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


class PortalFlask(Flask):
    json_provider_class = PortalJSON
    request_class = PortalRequest

    def log_exception(self, exc_info) -> None:
        """Flask logs the path of a request that failed; paths carry status tokens and ids, so this logs the
        route's pattern instead (``/applications/<token>/withdraw``): where it failed, never whose it was."""
        rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
        self.logger.error("Exception on %s [%s]", rule, request.method, exc_info=exc_info)


def create_app(test_config: dict | None = None, runtime: Runtime | None = None) -> Flask:
    """The Flask app on ``runtime``, or on a runtime built from the settings (``test_config`` overriding them).

    Refuses to start without the web secret (outside local mode and tests): every page signs something.
    """
    runtime = runtime or Runtime(Settings.load(test_config))
    cfg = runtime.settings
    app = PortalFlask("portal", template_folder=str(TEMPLATES_DIR), static_folder=str(STATIC_DIR),
                static_url_path="/static")
    app.config.update(
        SECRET_KEY=runtime.secret_key,
        TESTING=cfg.testing,
        PERMANENT_SESSION_LIFETIME=datetime.timedelta(minutes=cfg.session_idle_minutes),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not cfg.local_mode,  # local mode is plain http on loopback
        SESSION_REFRESH_EACH_REQUEST=True,
        WTF_CSRF_TIME_LIMIT=cfg.form_time_limit_seconds,
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
    )
    app.extensions["portal"] = runtime

    from portal import cli
    from portal.web import assets
    from portal.web.admin import bp as admin_bp
    from portal.web.api import bp as api_bp
    from portal.web.apply import bp as apply_bp
    from portal.web.selfid import bp as selfid_bp
    from portal.web.shared import csrf
    from portal.web.status import bp as status_bp
    from portal.web.viewer import ViewerAddress

    app.wsgi_app = ViewerAddress(app.wsgi_app, runtime.secret_key)
    assets.init_app(app)
    csrf.init_app(app)
    csrf.exempt(admin_bp)  # admin checks CSRF itself, after the sign-in check (portal/web/admin/routes.py)
    csrf.exempt(api_bp)  # JSON only, no cookies: see portal/web/api/routes.py for what protects it instead
    cli.init_app(app)
    app.register_blueprint(apply_bp, url_prefix="/apply")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(status_bp, url_prefix="/applications")
    app.register_blueprint(selfid_bp, url_prefix="/applications")
    app.register_blueprint(api_bp, url_prefix="/api")
    if cfg.local_mode:
        from portal.local.outbox import bp as dev_bp

        app.register_blueprint(dev_bp, url_prefix="/dev")

    plain_headers = security_headers(cfg.local_mode)
    uploading_headers = security_headers(cfg.local_mode, upload_origin(runtime))

    @app.after_request
    def send_security_headers(response):
        """Every response, errors included. What a route does not say may be cached is ``no-store``: every
        dynamic page is someone's (a status link, a queue, a form with its answers); hashed assets say otherwise."""
        response.headers.update(uploading_headers if request.blueprint in UPLOADING_BLUEPRINTS else plain_headers)
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(HTTPException)
    def explain_http_error(exc: HTTPException):
        """The API and every JSON request get the error in JSON, as their clients parse it; pages keep werkzeug's
        plain page."""
        if exc.code == 413:
            exc.description = TOO_LARGE
        if request.path.startswith("/api/") or request.is_json:
            kept = {name: value for name, value in exc.get_headers() if name.lower() != "content-type"}  # Allow
            return jsonify(error=exc.description), exc.code, kept
        if exc.code in NOT_THERE:  # a person followed a link: the site's own page, with the way back to jobs
            return render_template("public/404.html", **NOT_THERE[exc.code]), exc.code
        return exc.get_response()

    def explain_aws_unavailable(exc):
        """AWS still throttled, failing or unreachable after the SDK's retries, where no route caught it: a 503 that
        says to try again, never a 500. Any other AWS error is a fault of ours, raised on to be logged as one."""
        if not aws.unavailable(exc):
            raise exc
        rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
        app.logger.warning("AWS unavailable on %s [%s]: %s", rule, request.method, aws.error_code(exc))
        return explain_http_error(ServiceUnavailable(BUSY, retry_after=BUSY_RETRY_AFTER_SECONDS))

    for error in aws.ERRORS:
        app.register_error_handler(error, explain_aws_unavailable)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app
