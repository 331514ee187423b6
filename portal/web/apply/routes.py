"""Routes of the apply flow, in steps: show a step, save it, resume from the e-mailed link, send the application.

Thin: the steps' answers are kept by portal/applications/drafts.py, the application is sent by submit_application.
``GET /apply/<id>`` is the first step; ``POST /apply/<id>`` sends the application: the answers saved so far with
what the request carries (the whole application in one request works too, as before the steps).
"""
import datetime
import json
import logging
import secrets

from flask import abort, jsonify, make_response, redirect, render_template, request, session, url_for
from werkzeug.datastructures import MultiDict

from portal import clock, geo, text
from portal.applications import drafts, resumes, spam, tokens
from portal.applications import services as applying
from portal.postings import services as postings
from portal.postings.models import REMOTE
from portal.web.apply import bp
from portal.web.forms import ApplyForm
from portal.web.shared import (
    answers_from, check_resume_upload, checked_resume, json_object, rate_limits, runtime, settings, start_resume_upload,
)

log = logging.getLogger(__name__)

# How long after sending the confirmation page may show the status link, once.
RECEIVED_LINK_SECONDS = 10 * 60
RATE_LIMITED = ("We have received several applications from this address in a short time, so we cannot take "
                "another just now. Your answers are still here: please try again later.")
TOO_FAST = ("That was sent quicker than a person usually fills in this form. Your answers are still here: "
            "check them and send the form again.")
HONEYPOT = "A field meant to stay empty was filled in. Check your answers and send the form again."
SENT_BEFORE = ("This form was already sent, with other answers, and that application stands. To change it, use the "
               "link in the e-mail we sent you; to apply for another job, open that job's page.")
TRY_AGAIN = ("We could not save your application just now. Your answers are still here: "
             "please try again in a moment.")
LATER_NEEDS_EMAIL = "Enter your e-mail address, so that we can send you the link to finish later."
TOO_MANY_LINKS = ("We have already sent you the link to finish later several times. Use the newest e-mail, or "
                  "finish now.")
STEPS = ApplyForm.STEPS
STEP_NAMES = [s.name for s in STEPS]
# What one saved answer may hold: more than any field takes (their checks say so), and bounded, since what "Back"
# saves is kept as typed, before any check.
MAX_SAVED_CHARACTERS = 2000
MAX_SAVED_VALUES = 12
# Unfinished applications a browser holds at once (one per job), in its session cookie: ids, never a link's token.
DRAFTS_PER_BROWSER = 5


def _open_posting(posting_id):
    # A page that only shows the posting may use this process's recent read of it; one that takes answers reads
    # it afresh, so nothing is saved or sent for a job closed a moment ago.
    posting = postings.get_public_posting(runtime(), posting_id, recent_will_do=request.method == "GET")
    if posting is None:
        abort(404)
    if not postings.is_open(posting, clock.now().date()):
        abort(make_response(render_template("apply/closed.html", posting=posting), 410))
    return posting


def _step(name: str):
    if name not in STEP_NAMES:
        abort(404)
    return STEPS[STEP_NAMES.index(name)]


def _step_url(posting_id: str, name: str, **args) -> str:
    if name == STEP_NAMES[0]:
        return url_for("apply.apply", posting_id=posting_id, **args)
    return url_for("apply.show_step", posting_id=posting_id, step_name=name, **args)


# --- the browser's unfinished applications ---------------------------------------------------------------------


def _draft(posting) -> drafts.Draft | None:
    return drafts.load(runtime(), (session.get("drafts") or {}).get(posting.id, ""), posting.id)


def _remember(posting_id: str, draft_id: str | None) -> None:
    kept = [(k, v) for k, v in (session.get("drafts") or {}).items() if k != posting_id]
    if draft_id:
        kept.append((posting_id, draft_id))
    session["drafts"] = dict(kept[-DRAFTS_PER_BROWSER:])


def _start_draft(posting, form) -> drafts.Draft:
    """A new unfinished application, with the form's start stamp and submission token (a new one if it has none
    that looks like ours). Raises RateLimited."""
    token = form.submission_token.data or ""
    if not (16 <= len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()):
        token = secrets.token_urlsafe(24)
    draft = drafts.start(runtime(), posting, form.started.data or "", token, request.remote_addr)
    _remember(posting.id, draft.id)
    return draft


def _saved_values(values: list[str], multiline: bool) -> list[str] | None:
    """What is kept of one answer as typed, or None when it cannot be kept (the step's checks then say why)."""
    if len(values) > MAX_SAVED_VALUES or any(len(v) > MAX_SAVED_CHARACTERS for v in values):
        return None
    if any(text.unshowable(v, multiline) for v in values):
        return None
    return values


def _typed_answers(step, posted) -> dict[str, list[str]]:
    answers = {}
    for name in step.fields:
        if name == "website":
            continue
        kept = _saved_values(posted.getlist(name), name == "accommodation")
        if kept is not None:
            answers[name] = kept
    return answers


# --- the form --------------------------------------------------------------------------------------------------


def _posted_steps(posted) -> list:
    """The steps a request answers: each step any of whose fields it carries, and check-and-send always (its boxes
    are unticked when absent). A step it does not carry keeps the answers saved before."""
    return [s for s in STEPS if s.name == "review" or any(name in posted for name in s.fields)]


def _form(posting, draft, posted=None, steps=()) -> ApplyForm:
    """The whole application's form: the answers saved so far, and for ``steps`` what ``posted`` carries."""
    data = MultiDict()
    for name, values in (draft.answers if draft else {}).items():
        data.setlist(name, values)
    if posted is not None:
        for name in ("csrf_token", "started", "submission_token"):
            if name in posted:
                data.setlist(name, posted.getlist(name))
        for step in steps:
            for name in step.fields:
                data.setlist(name, posted.getlist(name))
    if "workplace" not in data:
        data["workplace"] = posting.workplace  # what the job offers, until the applicant says otherwise
    form = ApplyForm(formdata=data)
    if posted is None:
        form.started.data = spam.fill_stamp(runtime().secret_key, clock.now())
        form.submission_token.data = draft.submission_token if draft else secrets.token_urlsafe(24)
    return form


def _keep_only_errors_of(form, steps) -> dict:
    """Problems of fields outside ``steps`` are dropped (they are asked on their own pages)."""
    asked = {name for s in steps for name in s.fields} | {"csrf_token"}
    for field in form:
        if field.name not in asked:
            field.errors = []
    return form.errors


def _suggestions(posting, draft, form) -> list[dict]:
    """The more jobs offered: kept with the draft while what they were chosen by stays the same."""
    place = geo.lookup_zip(form.zip.data or "")
    if draft is None or place is None or form.hours_min.data is None or form.hours_max.data is None:
        return []
    shifts = list(form.shifts.data or [])
    basis = f"{place.state}|{form.workplace.data}|{','.join(sorted(shifts))}|{form.hours_min.data}-" \
            f"{form.hours_max.data}|{clock.now().date()}"
    if draft.suggested_for == basis:
        return draft.suggestions
    found = drafts.suggest_jobs(runtime(), posting, place.state, form.workplace.data, shifts,
                                (form.hours_min.data, form.hours_max.data), clock.now().date())
    offered = {s["id"] for s in found}
    # A job ticked before and no longer offered (the answers changed) is not applied for unseen.
    dropped = {name: [] for name in ApplyForm.more_postings if (draft.answers.get(name) or [""])[0] not in offered}
    drafts.save(runtime(), draft, dropped, suggestions=json.dumps(found), suggested_for=basis)
    for name in dropped:
        form[name].data = ""
    return found


def _render(posting, draft, form, step, status=200, problem=None, error_links=None):
    """One step of the application. ``error_links``: the summary's links to problems asked on other steps."""
    suggestions = _suggestions(posting, draft, form) if step.name in ("jobs", "review") else []
    place = geo.lookup_zip(form.zip.data or "") if form.zip.data else None
    index = STEP_NAMES.index(step.name)
    return render_template(
        f"apply/{step.name}.html", form=form, posting=posting, step=step, steps=STEPS, index=index,
        done=draft.done if draft else set(), draft=draft, problem=problem, error_links=error_links or {},
        step_url=lambda name, **args: _step_url(posting.id, name, **args), suggestions=suggestions,
        place=place, state_name=geo.state_name(place.state) if place else "", is_remote=posting.workplace == REMOTE,
        miles=applying.distances([posting], place.zip) if place else {}, change=request.args.get("change") == "1",
        posting_data=_live_check_data([posting]), resume_attached=_attached_resume(form),
        retention_months=settings().retention_months, keep_days=settings().unfinished_retention_days,
        chosen_titles=_chosen_titles(form, suggestions), carry=_carries_the_whole_application(draft),
    ), status


def _carries_the_whole_application(draft) -> bool:
    """A sent application re-shown with a problem carries every answer with it, so it can be sent again as it came:
    when it came whole (one request, not step by step), or when nothing of it could be saved."""
    if request.endpoint != "apply.apply" or request.method != "POST":
        return False
    return draft is None or len(_posted_steps(request.form)) > 1


def _chosen_titles(form, suggestions) -> list[str]:
    titles = {s["id"]: s["title"] for s in suggestions}
    return [titles.get(pid, "Another job") for pid in form.chosen_posting_ids()]


def _attached_resume(form) -> str:
    """The type of the résumé the form already carries ("PDF"), so a re-shown form says it is still attached."""
    label = resumes.attached_label(runtime(), form.resume_upload.data) if form.resume_upload.data else ""
    if not label:
        form.resume_upload.data = ""
    return label


def _live_check_data(shown) -> dict:
    """What the page's script needs for its live checks (remote states, site position, benefits threshold)."""
    return {p.id: {"title": p.title, "workplace": p.workplace, "remote_states": p.remote_states,
                   "benefits_hours": p.benefits_hours,
                   "lat": float(p.address.lat) if p.address and p.address.lat is not None else None,
                   "lon": float(p.address.lon) if p.address and p.address.lon is not None else None}
            for p in shown}


def _first_step_to_do(draft) -> str:
    return next((s.name for s in STEPS if s.required and s.name not in draft.done), "review")


def _show_problems(posting, draft, form, status, problem=None):
    """The application could not be sent: the first step with a problem, every problem in its summary (those of
    other steps linking to their pages)."""
    names = list(form.errors)
    asked = [ApplyForm.step_of(n) for n in names if n != "csrf_token"]
    step = min(asked, key=STEPS.index) if asked else STEPS[-1]
    if draft is not None and problem is None:
        for other in {ApplyForm.step_of(n).name for n in names} - {"review"}:
            drafts.save(runtime(), draft, {}, step=other, passed=False)
    links = {name: _step_url(posting.id, ApplyForm.step_of(name).name) + "#" + form[name].id
             for name in names if name != "csrf_token" and ApplyForm.step_of(name) is not step}
    return _render(posting, draft, form, step, status, problem, links)


# --- the steps -------------------------------------------------------------------------------------------------


@bp.get("/<posting_id>/<step_name>")
def show_step(posting_id, step_name):
    posting = _open_posting(posting_id)
    step = _step(step_name)
    if step.name == STEP_NAMES[0]:
        return redirect(_step_url(posting.id, step.name), code=301)
    draft = _draft(posting)
    if draft is None:
        return redirect(_step_url(posting.id, STEP_NAMES[0]), code=303)
    todo = _first_step_to_do(draft)
    if STEP_NAMES.index(step.name) > STEP_NAMES.index(todo):
        return redirect(_step_url(posting.id, todo), code=303)  # a step before it is still to answer
    return _render(posting, draft, _form(posting, draft), step)


@bp.post("/<posting_id>/<step_name>")
def save_step(posting_id, step_name):
    """Save one step's answers. "Continue" checks them first; "Back" keeps them as typed; "Finish later" saves
    them and asks for the e-mailed link."""
    posting = _open_posting(posting_id)
    step = _step(step_name)
    if step.name == "review":
        return apply(posting_id)
    draft = _draft(posting)
    go = request.form.get("go", "next")
    form = _form(posting, draft, request.form, [step])
    form.validate()
    errors = _keep_only_errors_of(form, [step])
    if step.name == "home" and not errors:
        chosen = [posting, *applying.more_postings(runtime(), form.chosen_posting_ids(), posting,
                                                   clock.now().date())[0]] if form.chosen_posting_ids() else [posting]
        for message in applying.location_problems(chosen, form.place.state)[:1]:
            form.zip.errors = [message]
    valid = not form.errors
    index = STEP_NAMES.index(step.name)
    if go == "back" and index > 0 and draft is not None:
        drafts.save(runtime(), draft, _typed_answers(step, request.form), step=step.name, passed=valid)
        return redirect(_step_url(posting.id, STEP_NAMES[index - 1]), code=303)
    if not valid:
        if go == "later" and draft is not None:
            drafts.save(runtime(), draft, _typed_answers(step, request.form), step=step.name, passed=False)
        return _render(posting, draft, form, step, 422)
    try:
        if draft is None:
            draft = _start_draft(posting, form)
        extra = {"email": form.email_normalized} if step.name == "contact" else {}
        drafts.save(runtime(), draft, _typed_answers(step, request.form), step=step.name, passed=True,
                    resume_at=STEP_NAMES[index + 1], **extra)
    except applying.RateLimited:
        log.info("unfinished application refused: rate limit per IP")
        return _render(posting, draft, form, step, 429, RATE_LIMITED)
    except drafts.DraftGone:
        _remember(posting.id, None)
        return redirect(_step_url(posting.id, STEP_NAMES[0]), code=303)
    if go == "later":
        return _finish_later(posting, draft, form, step)
    after = STEP_NAMES[index + 1]
    if request.form.get("change") == "1" and _first_step_to_do(draft) == "review":
        after = "review"  # changing one answer from the check page goes back there
    return redirect(_step_url(posting.id, after), code=303)


def _finish_later(posting, draft, form, step):
    if not draft.email:
        form.email.errors = [LATER_NEEDS_EMAIL]
        return _render(posting, draft, form, step, 422)
    try:
        drafts.ask_for_link(runtime(), draft)
    except drafts.TooManyLinks:
        return _render(posting, draft, form, step, 429, TOO_MANY_LINKS)
    return render_template("apply/later.html", posting=posting, email=draft.email,
                           until=draft.expires_on(), resume_url=_step_url(posting.id, step.name))


@bp.get("/later/<token>")
def finish_later(token):
    """The e-mailed link: the unfinished application becomes this browser's, and the link leaves the address bar."""
    draft = drafts.load(runtime(), tokens.draft_id_of_link(runtime().secret_key, token) or "")
    if draft is None:
        abort(404)
    _remember(draft.posting_id, draft.id)
    todo = _first_step_to_do(draft)
    at = draft.resume_at if STEP_NAMES.index(draft.resume_at or todo) < STEP_NAMES.index(todo) else todo
    return redirect(_step_url(draft.posting_id, at), code=303)


# --- sending ---------------------------------------------------------------------------------------------------


@bp.route("/<posting_id>", methods=["GET", "POST"])
def apply(posting_id):
    posting = _open_posting(posting_id)
    draft = _draft(posting)
    if request.method == "GET":
        return _render(posting, draft, _form(posting, draft), STEPS[0])
    if draft is None and "name" not in request.form and applying.was_sent(runtime(),
                                                                          request.form.get("submission_token", "")):
        # "Send" pressed twice: the first press sent it, and deleted the answers it was built from.
        return redirect(url_for("apply.received"), code=303)
    form = _form(posting, draft, request.form, _posted_steps(request.form))
    if draft is not None:
        form.started.data, form.submission_token.data = draft.started, draft.submission_token
    valid = form.validate() and bool(form.submission_token.data)
    chosen = [posting]
    if form.chosen_posting_ids():
        more, problems = applying.more_postings(runtime(), form.chosen_posting_ids(), posting, clock.now().date())
        chosen += more
        filled = [name for name in form.more_postings if form[name].data]
        for n, message in problems.items():
            form[filled[n]].errors = [message]
            valid = False
    if valid:
        for message in applying.location_problems(chosen, form.place.state)[:1]:
            form.zip.errors = [message]
            valid = False
    resume_key = checked_resume(form)
    valid = valid and not form.resume_upload.errors
    if not valid:
        return _keep_and_show(posting, draft, form, 422)
    if form.website.data:
        return _keep_and_show(posting, draft, form, 422, HONEYPOT)
    min_seconds = settings().apply_min_fill_seconds
    if spam.too_fast(runtime().secret_key, form.started.data, clock.now(), min_seconds):
        # Stop a fast sender once, never twice: people with autofill are fast too (WCAG 3.3.8), so the re-shown
        # form's clock starts as if they had waited, and sending it again goes through.
        form.started.data = spam.fill_stamp(runtime().secret_key, clock.now() - datetime.timedelta(seconds=min_seconds))
        return _keep_and_show(posting, draft, form, 422, TOO_FAST)
    try:
        result = applying.submit_application(runtime(), chosen, answers_from(form), form.submission_token.data,
                                             limits=rate_limits(), resume_key=resume_key,
                                             finished_draft=draft.key if draft else None)
    except applying.RateLimited as exc:
        log.info("application refused: rate limit per %s", exc.kind)
        return _keep_and_show(posting, draft, form, 429, RATE_LIMITED)
    except applying.TokenReused:
        return _keep_and_show(posting, draft, form, 409, SENT_BEFORE)
    except applying.NotStored as exc:
        # Throttled after the SDK's retries, or the store is unreachable: keep every answer on the page, reading
        # and writing nothing more.
        log.warning("application not stored: %s", exc)
        return _render(posting, draft, form, STEPS[-1], 503, TRY_AGAIN)
    _remember(posting.id, None)
    # The session cookie is signed, not encrypted: it carries the reference (not a secret), never the token.
    session["submission"] = {
        "reference": result.reference,
        "titles": [p.title for p in chosen],
        "notes": applying.benefits_notes(chosen, form.hours_max.data),
        "link_until": int(clock.now().timestamp()) + RECEIVED_LINK_SECONDS,
    }
    return redirect(url_for("apply.received"), code=303)


def _keep_and_show(posting, draft, form, status, problem=None):
    """Not sent: what the request carried is saved with the unfinished application (one is started for a whole
    application sent at once), so every page of it shows the answers as typed; then the problems are shown."""
    try:
        if draft is None:
            draft = _start_draft(posting, form)
        answers = {}
        for step in _posted_steps(request.form):
            answers.update(_typed_answers(step, request.form))
        answers.pop("consent", None)  # agreed to when it is sent, not before
        drafts.save(runtime(), draft, answers, started=form.started.data)
    except (applying.RateLimited, drafts.DraftGone) as exc:
        log.info("answers not kept as an unfinished application: %s", type(exc).__name__)
    return _show_problems(posting, draft, form, status, problem)


@bp.get("/received")
def received():
    """The confirmation. Its status link is shown once, right after sending: whoever next uses a shared computer
    finds the thanks and the reference, and is told the link went by e-mail."""
    submission = session.get("submission")
    token = ""
    if submission and submission.get("link_until", 0) > clock.now().timestamp():
        token = applying.status_token_of(runtime(), submission["reference"])
        session["submission"] = {**submission, "link_until": 0}
    return render_template("apply/received.html", submission=submission, token=token)


# The résumé goes straight to S3: a presigned POST under a key made here, then the magic-byte check (also the
# API's /api/resume-uploads and /check, registered on its blueprint from the same shared views).
bp.add_url_rule("/resume", "resume_upload", start_resume_upload, methods=["POST"])
bp.add_url_rule("/resume/check", "resume_check", check_resume_upload, methods=["POST"])


@bp.post("/place")
def place():
    """The state and position of a ZIP code, for the form's live checks. POST, so the ZIP stays out of URLs and logs."""
    found = geo.lookup_zip(str(json_object().get("zip", "")))
    if found is None:
        return jsonify(error="Enter a real five-digit US ZIP code, like 98101."), 404
    return jsonify(zip=found.zip, city=found.city, state=found.state, state_name=geo.state_name(found.state),
                   lat=found.lat, lon=found.lon)
