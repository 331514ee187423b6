"""Routes of signing in and out and the admin home page, and the checks every admin request passes first."""
import secrets
import time

from flask import flash, g, redirect, render_template, request, session, url_for

from portal import clock
from portal.accounts import services as accounts
from portal.applications import access
from portal.web.admin import bp, guards
from portal.web.admin.forms import LoginForm, LogoutForm
from portal.web.shared import csrf, runtime, safe_next, settings

PUBLIC_ENDPOINTS = {"admin.login"}


@bp.before_request
def require_account():
    """Every admin route but the login page needs a signed-in, still-active account, read afresh each request."""
    g.account = None
    email = session.get("account")
    now = int(time.time())
    idle_limit = settings().session_idle_minutes * 60
    if email and now - int(session.get("seen", 0)) > idle_limit:
        # Idle too long: the cookie's own expiry is up to the browser, so the server checks as well.
        session.clear()
        email = None
        if request.endpoint not in PUBLIC_ENDPOINTS:
            flash("You were signed out after a while without activity. Sign in again to carry on.")
    if email:
        g.account = accounts.signed_in_account(runtime(), email, int(session.get("signed_in_at", 0)))
        if g.account is None:
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


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    account, failed, retry_after = None, False, 0
    if form.validate_on_submit():
        try:
            account = accounts.sign_in(runtime(), form.email.data, form.password.data, request.remote_addr,
                                       clock.now())
        except accounts.TooManyAttempts as refused:
            retry_after = refused.retry_after
        if account:
            session.clear()  # a fresh session at sign-in, nothing carried over from before
            session.permanent = True
            session["sid"] = secrets.token_urlsafe(16)  # so the new cookie never equals one issued before
            session["account"] = account.email
            session["seen"] = int(time.time())
            session["signed_in_at"] = int(time.time() * 1000)
            # Only paths inside the admin area, so the login page cannot be used to send people elsewhere.
            return redirect(safe_next(request.args.get("next")) or url_for("admin.index"), code=303)
        failed = not retry_after
    if retry_after:
        return render_template("admin/login.html", form=form, retry_after=retry_after), 429, {
            "Retry-After": str(retry_after)}
    status = 401 if failed else (422 if form.errors else 200)
    return render_template("admin/login.html", form=form, failed=failed), status


@bp.post("/logout")
def logout():
    if LogoutForm().validate_on_submit():
        if g.account is not None:
            accounts.sign_out(runtime(), g.account, int(time.time() * 1000))
        session.clear()
        flash("You are signed out, here and anywhere else you were signed in.")
    return redirect(url_for("admin.login"), code=303)


@bp.get("/")
def index():
    teams = guards.visible_teams()
    newest = access.newest_applications(runtime(), teams, limit=25)
    return render_template("admin/index.html", applications=newest, teams=teams)
