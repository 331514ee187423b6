"""Routes of the admin pages. Thin: check the account, call a service, render."""
from flask import abort, current_app, g, redirect, render_template, request, session, url_for

from portal import storage
from portal.accounts import services as accounts
from portal.admin import bp
from portal.admin.forms import LoginForm, LogoutForm
from portal.applications import access
from portal.paging import BadCursor, CursorCodec
from portal.security import csrf

PUBLIC_ENDPOINTS = {"admin.login"}


@bp.before_request
def require_account():
    """Every admin route but the login page needs a signed-in, still-active account, read afresh each request."""
    g.account = None
    email = session.get("account")
    if email:
        account = storage.accounts().get(email)
        if account and accounts.may_sign_in(account, local_mode=current_app.config["LOCAL_MODE"]):
            g.account = account
        else:
            session.clear()
    if g.account is None and request.endpoint not in PUBLIC_ENDPOINTS:
        return redirect(url_for("admin.login", next=request.path))
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
    failed = False
    if form.validate_on_submit():
        account = accounts.authenticate(
            storage.accounts(), form.email.data, form.password.data, local_mode=current_app.config["LOCAL_MODE"]
        )
        if account:
            session.clear()  # a fresh session at sign-in, nothing carried over from before
            session.permanent = True
            session["account"] = account.email
            return redirect(_safe_next(request.args.get("next")), code=303)
        failed = True
    status = 401 if failed else (422 if form.errors else 200)
    return render_template("admin/login.html", form=form, failed=failed), status


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


@bp.get("/queues/<team_id>/")
def queue(team_id):
    teams = {t.id: t for t in _teams()}
    if team_id not in teams:
        abort(404)
    codec = CursorCodec(current_app.config["SECRET_KEY"])
    try:
        start_key = codec.decode(request.args.get("page"))
    except BadCursor:
        abort(400, "This page link is not valid any more. Start again from the first page.")
    page = storage.applications().list_for_team(team_id, 50, start_key)
    return render_template(
        "admin/queue.html", team=teams[team_id], applications=page.items, next_page=codec.encode(page.next_key)
    )


@bp.get("/applications/<application_id>")
def application(application_id):
    found = access.get_application_for(storage.applications(), g.account, application_id)
    if found is None:
        abort(404)
    return render_template("admin/application.html", application=found)
