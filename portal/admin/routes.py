"""Routes of signing in and out and the admin home page, and the checks every admin request passes first."""
import secrets
import time

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for

from portal import clock, storage
from portal.accounts import services as accounts
from portal.admin import bp
from portal.admin.forms import LoginForm, LogoutForm
from portal.applications import access
from portal.security import csrf

PUBLIC_ENDPOINTS = {"admin.login"}


@bp.before_request
def require_account():
    """Every admin route but the login page needs a signed-in, still-active account, read afresh each request."""
    g.account = None
    email = session.get("account")
    now = int(time.time())
    idle_limit = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if email and now - int(session.get("seen", 0)) > idle_limit:
        # Idle too long: the cookie's own expiry is up to the browser, so the server checks as well.
        session.clear()
        email = None
        if request.endpoint not in PUBLIC_ENDPOINTS:
            flash("You were signed out after a while without activity. Sign in again to carry on.")
    if email:
        account = storage.accounts().get(email)
        if account and accounts.may_sign_in(account, local_mode=current_app.config["LOCAL_MODE"]):
            g.account = account
        else:
            session.clear()
    if g.account is None and request.endpoint not in PUBLIC_ENDPOINTS:
        return redirect(url_for("admin.login", next=request.path))
    if g.account is not None:
        session["seen"] = now
    # The blueprint is exempt from the app-wide CSRF hook so that the sign-in check above comes first;
    # every state-changing request is still checked here.
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()


@bp.app_context_processor
def admin_context():
    return {"logout_form": LogoutForm() if g.get("account") else None}


def _safe_next(target: str | None) -> str:
    # Only paths inside the admin area, so the login page cannot be used to send people elsewhere.
    if target and target.startswith("/admin/") and not target.startswith("//"):
        return target
    return url_for("admin.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    failed = limited = False
    if form.validate_on_submit():
        cfg = current_app.config
        try:
            accounts.count_login_attempt(storage.accounts(), cfg["SECRET_KEY"], form.email.data, request.remote_addr,
                                         clock.now(), per_account=cfg["LOGIN_LIMIT_PER_ACCOUNT"],
                                         per_ip=cfg["LOGIN_LIMIT_PER_IP"])
        except accounts.TooManyAttempts:
            limited = True
        account = None if limited else accounts.authenticate(
            storage.accounts(), form.email.data, form.password.data, local_mode=cfg["LOCAL_MODE"]
        )
        if account:
            session.clear()  # a fresh session at sign-in, nothing carried over from before
            session.permanent = True
            session["sid"] = secrets.token_urlsafe(16)  # so the new cookie never equals one issued before
            session["account"] = account.email
            session["seen"] = int(time.time())
            return redirect(_safe_next(request.args.get("next")), code=303)
        failed = not limited
    status = 429 if limited else 401 if failed else (422 if form.errors else 200)
    return render_template("admin/login.html", form=form, failed=failed, limited=limited), status


@bp.post("/logout")
def logout():
    if LogoutForm().validate_on_submit():
        session.clear()
    return redirect(url_for("admin.login"), code=303)


def _teams():
    return access.visible_teams(g.account, storage.accounts().list_teams())


@bp.get("/")
def index():
    teams = _teams()
    newest = access.newest_applications(storage.applications(), teams, limit=25)
    return render_template("admin/index.html", applications=newest, teams=teams)
