"""Fuzzing every form with hypothesis: no answer gives a 5xx, and whatever a form accepts still renders on every
page, CSV, e-mail, JSON-LD block and feed that carries it.

Each example starts from answers the form accepts and changes up to three fields: text with control characters,
NUL, markup, formulas, huge or odd unicode, numbers out of range or of the wrong kind, a field left out or sent
twice, another team's id. Surrogates are sent as the bytes a sloppy client sends (CESU-8): a form body cannot
carry them as characters. The JSON endpoints are fuzzed by tests/web/api/test_schemathesis.py.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import itertools
import operator
import re
import xml.etree.ElementTree as ElementTree
from typing import Callable
from urllib.parse import urlencode, urlsplit

import html5lib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal import clock, mail, text
from portal.accounts.repository import AccountRepository
from portal.applications import services as applying
from portal.applications.exports import FORMULA_STARTS
from portal.applications.tokens import token_hash
from portal.postings.models import PUBLISHED
from portal.postings.repository import PostingRepository
from portal.site import feeds
from portal.site.listings import listing
from portal.site.pages import SiteRenderer
from tests.factories import PASSWORD, make_account, make_answers, make_posting
from tests.helpers import csrf_token, hidden_fields, jsonld_blocks, login, parse_errors, status_token_of
from tests.web.admin.conftest import people  # noqa: F401  (the two teams, their recruiters, an admin)

FUZZ = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

# Endpoints that take JSON, not a form (fuzzed with schemathesis and tests/web/test_hostile_input.py).
JSON_ENDPOINTS = {"apply.resume_upload", "apply.resume_check", "apply.place"}


@pytest.fixture(scope="module")
def settings_overrides():
    # Hundreds of sign-ins and submissions from one address: the limits are tested on their own.
    return {"login_limit_per_account": 100_000, "login_limit_per_ip": 100_000,
            "apply_limit_per_ip_hour": 100_000, "apply_limit_per_email_day": 100_000}


# --- what is sent -------------------------------------------------------------------------------------------

SPECIMENS = (
    "", " ", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</textarea></select><b>",
    "{{ 7 * 7 }}", "{% raw %}", "<!--", "]]>", "<![CDATA[x]]>", "&amp;", "&#0;", "'; DROP TABLE x; --",
    '=HYPERLINK("http://evil.example/","Click")', "=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", " =1",
    "\x00", "a\x00b", "\x1b[31m", "\x7f", "\x85", "a\r\nBcc: x@example.com", "line\nbreak",
    "\u2028", "\u202e", "\ufeff", "\ufffe", "\ufdd0", "\U0010ffff", "\ud800", "\udfff",
    "Zoë Ørsted-Núñez 李", "👍🏽", "e\u0301" * 40,
    "0", "-0", "1e309", "NaN", "sNaN", "Infinity", "-Infinity", "99999999999999999999999", "²", "١٢", "１２",
    "0x10", "20.5", "1,000", "2026-02-30", "0000-01-01", "9999-12-31", "true", "on", "None", "null", "[]",
)
# Just over each length limit of the forms (120, 500, 1,000, 2,000, 8,000), and near the 1 MB body limit.
HUGE = st.builds(operator.mul, st.sampled_from(["x", "é", "<b>", "=", "7", "a,", "\x00"]),
                 st.sampled_from([121, 501, 1001, 2001, 8001, 300_000]))
HOSTILE = st.one_of(st.sampled_from(SPECIMENS), st.text(st.characters(exclude_categories=()), max_size=30),
                    st.integers().map(str), HUGE)


@st.composite
def answers(draw, valid: dict[str, list[str]], foreign: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The valid answers with up to three fields changed: left out (no value), sent twice or more, or hostile.
    The CSRF token is always the valid one: without it nothing is read."""
    names = [n for n in valid if n != "csrf_token"] + ["unexpected"]
    changed = draw(st.sets(st.sampled_from(names), max_size=3))
    pairs = []
    for name in [*valid, "unexpected"]:
        if name in changed:
            value = st.one_of(HOSTILE, st.sampled_from(foreign[name])) if name in foreign else HOSTILE
            values = draw(st.lists(st.one_of(value, st.sampled_from(valid.get(name) or [""])), max_size=3))
        else:
            values = valid.get(name, [])
        pairs += [(name, v) for v in values]
    return pairs


def send(client, method: str, path: str, pairs: list[tuple[str, str]]):
    """The answers as a browser encodes them (UTF-8, percent-encoded), surrogates as their CESU-8 bytes."""
    encoded = urlencode(pairs, encoding="utf-8", errors="surrogatepass")
    if method == "GET":
        return client.get(path, query_string=encoded)
    return client.post(path, data=encoded, content_type="application/x-www-form-urlencoded")


# --- what must still render ---------------------------------------------------------------------------------


def assert_sound_html(html: str, where: str) -> None:
    """Parses as browsers do without a single error, and runs no script it did not mean to: every script is a
    file, or data (JSON-LD, the apply form's JSON), so nothing typed into a form became markup."""
    assert parse_errors(html) == [], where
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    for script in tree.iter("script"):
        assert script.get("src") or script.get("type") in ("application/ld+json", "application/json"), where


def page(client, path: str, status: int = 200) -> str:
    resp = client.get(path)
    assert resp.status_code == status, (path, resp.status_code)
    html = resp.get_data(as_text=True)
    if status == 200 and resp.mimetype == "text/html":
        assert_sound_html(html, path)
    return html


def assert_sound_csv(body: str, team_application_ids: set[str] | None = None) -> list[dict]:
    """Parses as CSV, every row as wide as the header, and no cell a spreadsheet would evaluate or mangle."""
    rows = list(csv.reader(io.StringIO(body, newline="")))
    header, cells = rows[0], rows[1:]
    for row in cells:
        assert len(row) == len(header), row
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS) and not (cell and ord(cell[0]) < 32), cell
    found = [dict(zip(header, row)) for row in cells]
    if team_application_ids is not None:
        assert {r["Application"] for r in found} <= team_application_ids, "another team's application in the export"
    return found


STAGE_TEMPLATES = ("interview", "offer", "hired", "rejected", "withdrawn")


def assert_emails_render(application, reference: str) -> None:
    """Every e-mail the pipeline would send about this application renders (the context built as
    portal/pipeline/services.py builds it), with a one-line subject and no control character anywhere."""
    contact_by = {"phone": "by phone", "text": "by text message"}.get(application.contact.preferred, "by e-mail")
    status_url = "https://jobs.example/applications/TOKEN"
    rendered = [mail.render("confirmation", {"name": application.contact.name or "there", "reference": reference,
                                             "posting_titles": [application.posting_title],
                                             "status_url": status_url})]
    rendered += [mail.render(stage, {"name": application.contact.name or "there",
                                     "posting_title": application.posting_title or "the role",
                                     "contact_by": contact_by, "status_url": status_url})
                 for stage in STAGE_TEMPLATES]
    for subject, body in rendered:
        assert subject and not text.unshowable(subject), subject
        assert not text.unshowable(body, multiline=True) and "\r" not in body


def assert_feeds_valid(renderer: SiteRenderer, posting) -> None:
    """The posting as the public site publishes it: its page, its JSON-LD, a listing, the search index, RSS,
    Indeed's feed and the sitemap, each parsed as what it claims to be."""
    now = clock.now()
    html = renderer.posting(posting).body.decode()
    assert_sound_html(html, "the public posting page")
    [ld] = jsonld_blocks(html)
    assert ld["title"] == posting.title and ld["identifier"]["value"] == posting.id
    record = feeds.search_record(posting)
    assert_sound_html(renderer.listing_page(listing("all"), 1, 1, [record]).body.decode(), "the listing page")
    assert renderer.search_chunk(1, [record]).body.decode()
    rss = ElementTree.fromstring(renderer.rss([record], now).body)
    assert rss.find("channel/item/title").text == posting.title
    indeed = ElementTree.fromstring(b"".join(renderer.indeed_feed([posting], now)))
    assert [job.findtext("title") for job in indeed.iter("job")][:1] == [posting.title]
    ElementTree.fromstring(renderer.sitemap_chunk(1, [record]).body)


# --- the portal the examples are sent to --------------------------------------------------------------------


@dataclasses.dataclass
class World:
    """Two teams' postings and applications, signed-in clients, and fresh records for examples that use one up."""

    app: object
    runtime: object
    clients: dict
    tokens: dict  # CSRF token of each signed-in client (valid for the whole session)
    south_posting: object
    south_application: str
    numbers: itertools.count = dataclasses.field(default_factory=itertools.count)

    def unique(self, prefix: str) -> str:
        return f"{prefix}{next(self.numbers)}"

    def posting(self, **overrides):
        # Posted today: the queue's posting filter offers a team's newest postings, and this one must be among them.
        found = make_posting(team="north", title="Fuzz Picker", date_posted=clock.now().date().isoformat(),
                             **overrides)
        self.runtime.postings.put(found)
        return found

    def submission(self, posting=None):
        """A fresh submission of one application to a fresh posting of north's: (application, status token,
        reference). Its own posting keeps the export that checks it to the few rows of that posting."""
        result = applying.submit_application(self.runtime, [posting or self.posting()],
                                             make_answers(), self.unique("fuzz-token-"))
        return self.runtime.applications.get(result.application_ids[0]), result.status_token, result.reference

    def application_shows(self, application_id: str, token: str, reference: str) -> None:
        """The application after an accepted example: its admin page, the applicant's status page, the team's CSV
        and every e-mail about it."""
        application = self.runtime.applications.get(application_id)
        page(self.clients["north"], f"/admin/applications/{application_id}")
        page(self.clients["north"], f"/admin/applications/{application_id}/audit")
        page(self.app.test_client(), f"/applications/{token}")
        self.export_is_sound(application.posting_id, application.stage)
        assert_emails_render(application, reference)

    def export_is_sound(self, posting_id: str, stage: str = "") -> list[dict]:
        # By stage and posting, the export reads one posting's partition of the index, not the whole team.
        resp = self.clients["north"].get(f"/admin/queues/north/export.csv?stage={stage}&posting={posting_id}")
        assert resp.status_code == 200 and resp.mimetype == "text/csv"
        return assert_sound_csv(resp.get_data(as_text=True))

    def posting_shows(self, posting_id: str) -> None:
        """The posting after an accepted example: its admin pages, and the public site as it would publish it."""
        posting = self.runtime.postings.get(posting_id)
        assert posting.team == "north", "north's recruiter made a posting for another team"
        for path in (f"/admin/postings/{posting_id}/", f"/admin/postings/{posting_id}/preview", "/admin/postings/"):
            html = page(self.clients["north"], path)
        published = dataclasses.replace(posting, status=PUBLISHED,
                                        date_posted=posting.date_posted or clock.now().date().isoformat())
        assert_feeds_valid(SiteRenderer(self.runtime.templates, self.runtime.settings.public_base_url,
                                        clock.now().date()), published)
        assert html

    def south_unchanged(self, before) -> None:
        assert self.runtime.applications.get(self.south_application) == before, "another team's application changed"


@pytest.fixture(scope="module")
def world(app, runtime, main_table, people):  # noqa: F811
    postings = PostingRepository(main_table)
    south_posting = make_posting(team="south")
    postings.put(south_posting)
    south = applying.submit_application(runtime, [south_posting], make_answers(), "fuzz-south")
    AccountRepository(main_table).put(make_account("leaver@example.com", teams=["north"], name="Lee Leaver"))
    AccountRepository(main_table).put(make_account("toggled@example.com", teams=["north"], name="Toni Toggled"))
    clients = {who: app.test_client() for who in ("north", "boss")}
    for who, client in clients.items():
        assert login(client, people[who].email, PASSWORD).status_code == 303
    return World(app, runtime, clients, {who: csrf_token(c) for who, c in clients.items()},
                 south_posting, south.application_ids[0])


# --- every form route: where it is, who sends it, what it accepts, and what must render after -----------------


@dataclasses.dataclass
class Target:
    """One example's request: the client, the path, the answers the form accepts, and what must still render."""

    client: object
    path: str
    valid: dict[str, list[str]]
    renders: Callable[[object], None]  # given the accepted response
    foreign: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # another team's values, by field
    method: str = "POST"
    sent: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # the example, once sent


def _admin(world: World, who: str, path: str, fields: dict, renders, foreign=None, method="POST") -> Target:
    token = {} if method == "GET" else {"csrf_token": [world.tokens[who]]}
    return Target(world.clients[who], path, {**token, **fields}, renders, foreign or {}, method)


def apply_target(world: World) -> Target:
    client = world.app.test_client()
    posting = world.posting()
    shown = hidden_fields(client.get(f"/apply/{posting.id}").get_data(as_text=True))

    def renders(resp):
        token = status_token_of(client)
        view = page(client, f"/applications/{token}")
        status = world.runtime.applications.get_status(token_hash(token))
        for application_id in status["application_ids"]:
            world.application_shows(application_id, token, status["reference"])
        assert view

    fields = {name: [value] for name, value in shown.items()}
    fields.update({"name": ["Jordan Lee"], "email": [world.unique("fuzz.") + "@example.com"],
                   "phone": ["(206) 555-0147"], "preferred_contact": ["email"], "zip": ["98032"],
                   "hours_min": ["20"], "hours_max": ["30"], "shifts": ["day", "night"], "workplace": ["onsite"],
                   "max_commute_miles": ["25"], "start_date": ["2027-01-04"], "term_start": ["2027-01-10"],
                   "term_end": ["2027-05-20"], "military_spouse": ["y"], "move_date": ["2027-08-01"],
                   "accommodation": ["A step-free entrance, please."], "programmes": ["tuition"], "consent": ["y"],
                   "choice_2": [""]})
    return Target(client, f"/apply/{posting.id}", fields, renders,
                  {"choice_2": [world.south_posting.id], "choice_3": [world.south_posting.id]})


STEP_ANSWERS = {
    "contact": {"name": ["Jordan Lee"], "email": ["jordan.step@example.com"], "phone": ["(206) 555-0147"],
                "preferred_contact": ["text"]},
    "home": {"zip": ["98032"], "workplace": ["onsite"], "max_commute_miles": ["25"]},
    "availability": {"hours_min": ["20"], "hours_max": ["30"], "shifts": ["day", "night"],
                     "start_date": ["2027-01-04"], "term_start": ["2027-01-10"], "term_end": ["2027-05-20"]},
    "about": {"military_spouse": ["y"], "move_date": ["2027-08-01"], "accommodation": ["A step-free entrance."],
              "programmes": ["tuition"]},
    "jobs": {"choice_2": [""]},
}
# The step fuzzed: the first, which starts the unfinished application and keeps the contact details in it. (One
# step, the same every example: hypothesis needs each example to draw from the same fields; the other steps' fields
# go through the same checks in apply.apply's target.)
FUZZED_STEP = "contact"


def apply_step_target(world: World) -> Target:
    """One step of the application, the steps before it answered well; what it saves must show again on its own
    page and on the next one."""
    client = world.app.test_client()
    posting = world.posting()
    step = FUZZED_STEP
    for before in itertools.takewhile(lambda s: s != step, STEP_ANSWERS):
        shown = hidden_fields(page(client, f"/apply/{posting.id}" if before == "contact"
                                   else f"/apply/{posting.id}/{before}"))
        assert client.post(f"/apply/{posting.id}/{before}",
                           data={**shown, **STEP_ANSWERS[before]}).status_code == 303
    shown = hidden_fields(page(client, f"/apply/{posting.id}" if step == "contact" else f"/apply/{posting.id}/{step}"))

    def renders(resp):
        page(client, resp.headers["Location"])
        page(client, f"/apply/{posting.id}" if step == "contact" else f"/apply/{posting.id}/{step}")

    fields = {"csrf_token": [shown["csrf_token"]], **STEP_ANSWERS[step], "go": ["next"]}
    return Target(client, f"/apply/{posting.id}/{step}", fields, renders,
                  {"choice_2": [world.south_posting.id]} if step == "jobs" else {})


def _status_target(world: World, action: str, fields: dict, after) -> Target:
    application, token, reference = world.submission()
    client = world.app.test_client()
    shown = hidden_fields(client.get(f"/applications/{token}").get_data(as_text=True))
    return Target(client, f"/applications/{token}/{action}", {"csrf_token": [shown["csrf_token"]], **fields},
                  lambda resp: after(application, token, reference),
                  {"application_id": [world.south_application], "versions": [f"{world.south_application}:1"]})


def availability_target(world: World) -> Target:
    application, token, reference = world.submission()
    client = world.app.test_client()
    shown = hidden_fields(client.get(f"/applications/{token}").get_data(as_text=True))
    return Target(client, f"/applications/{token}/availability",
                  {"csrf_token": [shown["csrf_token"]], "versions": [shown["versions"]], "hours_min": ["10"],
                   "hours_max": ["40"], "shifts": ["evening", "weekend"], "start_date": ["2027-02-01"],
                   "term_start": [""], "term_end": [""], "summer_only": ["y"]},
                  lambda resp: world.application_shows(application.id, token, reference),
                  {"versions": [f"{world.south_application}:1"]})


def withdraw_target(world: World) -> Target:
    application, token, reference = world.submission()
    client = world.app.test_client()
    shown = hidden_fields(client.get(f"/applications/{token}").get_data(as_text=True))
    return Target(client, f"/applications/{token}/withdraw",
                  {"csrf_token": [shown["csrf_token"]], "application_id": [application.id],
                   "version": [str(application.version)]},
                  lambda resp: world.application_shows(application.id, token, reference),
                  {"application_id": [world.south_application]})


def erase_target(world: World) -> Target:
    application, token, reference = world.submission()
    client = world.app.test_client()
    shown = hidden_fields(client.get(f"/applications/{token}").get_data(as_text=True))

    def renders(resp):
        page(client, f"/applications/{token}", 404)
        page(world.clients["north"], f"/admin/applications/{application.id}", 404)
        assert world.export_is_sound(application.posting_id, application.stage) == []

    return Target(client, f"/applications/{token}/erase", {"csrf_token": [shown["csrf_token"]], "confirm": ["y"]},
                  renders)


def selfid_target(world: World) -> Target:
    application, token, reference = world.submission()
    client = world.app.test_client()
    shown = hidden_fields(client.get(f"/applications/{token}/self-id").get_data(as_text=True))

    def renders(resp):
        page(client, f"/applications/{token}")
        page(world.clients["boss"], "/admin/teams/north/eeo")

    return Target(client, f"/applications/{token}/self-id",
                  {"csrf_token": [shown["csrf_token"]], "veteran": ["protected"], "disability": ["declined"]}, renders)


def login_target(world: World) -> Target:
    client = world.app.test_client()
    shown = hidden_fields(client.get("/admin/login").get_data(as_text=True))
    return Target(client, "/admin/login", {"csrf_token": [shown["csrf_token"]], "email": ["north@example.com"],
                                           "password": [PASSWORD]},
                  lambda resp: page(client, "/admin/"), {"email": ["south@example.com", "BOSS@example.com "]})


def logout_target(world: World) -> Target:
    # Its own account: signing out ends every session of the account, and the other clients must stay signed in.
    client = world.app.test_client()
    assert login(client, "leaver@example.com", PASSWORD).status_code == 303
    return Target(client, "/admin/logout", {"csrf_token": [csrf_token(client)]},
                  lambda resp: page(client, "/admin/login"))


def _application_action(world: World, action: str, fields: Callable, **seed) -> Target:
    application, token, reference = world.submission()
    if seed:
        world.runtime.applications.change_tags(application.id, add=seed["tags"])
    before = world.runtime.applications.get(world.south_application)

    def renders(resp):
        world.application_shows(application.id, token, reference)
        world.south_unchanged(before)

    return _admin(world, "north", f"/admin/applications/{application.id}/{action}", fields(application), renders,
                  {"assignee": ["south@example.com"], "next": ["https://evil.example/", "//evil.example/"]})


def bulk_target(world: World) -> Target:
    application, token, reference = world.submission()
    before = world.runtime.applications.get(world.south_application)

    def renders(resp):
        page(world.clients["north"], "/admin/queues/north/")
        world.application_shows(application.id, token, reference)
        world.south_unchanged(before)

    return _admin(world, "north", "/admin/queues/north/bulk",
                  {"selected": [f"{application.id}:{application.version}"], "action": ["tag"], "to_stage": ["screened"],
                   "reason": ["Not enough hours"], "assignee": ["north2@example.com"], "tags": ["night-ok, call back"]},
                  renders, {"selected": [f"{world.south_application}:1"], "assignee": ["south@example.com"]})


def _posting_fields(world: World) -> dict:
    return {"title": ["Night Sorter"], "team": ["north"], "category": ["fulfillment"],
            "employment_types": ["PART_TIME", "SEASONAL"], "workplace": ["onsite"], "remote_states": ["WA"],
            "site": ["Kent SEA6"], "street": ["20526 59th Pl S"], "city": ["Kent"], "zip": ["98032"],
            "hours_min": ["20"], "hours_max": ["30"], "shifts": ["night"], "pay_min": ["18.50"], "pay_max": ["21.00"],
            "pay_unit": ["HOUR"], "benefits_hours": ["20"], "programmes": ["tuition"],
            "valid_through": [(clock.now().date() + datetime.timedelta(days=30)).isoformat()],
            "description": ["Sort parcels at night.\n\nTwenty to thirty hours a week."]}


def _created_posting(world: World):
    def renders(resp):
        world.posting_shows(urlsplit(resp.headers["Location"]).path.split("/")[3])
    return renders


def new_posting_target(world: World) -> Target:
    return _admin(world, "north", "/admin/postings/new", _posting_fields(world), _created_posting(world),
                  {"team": ["south"]})


def edit_posting_target(world: World) -> Target:
    posting = world.posting()
    return _admin(world, "north", f"/admin/postings/{posting.id}/", _posting_fields(world),
                  lambda resp: world.posting_shows(posting.id), {"team": ["south"]})


def posting_action_target(action: str):
    def target(world: World) -> Target:
        posting = world.posting()
        return _admin(world, "north", f"/admin/postings/{posting.id}/{action}", {}, _created_posting(world))
    return target


def new_account_target(world: World) -> Target:
    def renders(resp):
        page(world.clients["boss"], "/admin/accounts/")
        application, _, _ = world.submission()
        page(world.clients["north"], f"/admin/applications/{application.id}")  # members are its assign choices

    return _admin(world, "boss", "/admin/accounts/new",
                  {"email": [world.unique("new.") + "@example.com"], "name": ["Nia New"], "role": ["recruiter"],
                   "teams": ["north"], "password": ["a long enough password"]}, renders, {"teams": ["south", "nope"]})


def toggle_account_target(world: World) -> Target:
    toggled = world.runtime.accounts.get("toggled@example.com")
    return _admin(world, "boss", f"/admin/accounts/{toggled.id}/active", {},
                  lambda resp: page(world.clients["boss"], "/admin/accounts/"))


def new_team_target(world: World) -> Target:
    def renders(resp):
        # The example's, which may not be the valid one (the form reads the first of several).
        team_id = next(value for name, value in target.sent if name == "team_id")
        page(world.clients["boss"], "/admin/accounts/")
        page(world.clients["boss"], f"/admin/queues/{team_id}/")
        page(world.clients["boss"], f"/admin/teams/{team_id}/dashboard")

    target = _admin(world, "boss", "/admin/teams/new", {"team_id": [world.unique("fuzz-team-")],
                                                       "name": ["Fuzz Team"]}, renders)
    return target


QUEUE_FILTER = {"stage": ["applied"], "sort": ["newest"], "posting": [""], "state": ["WA"], "score_min": ["0"],
                "score_max": ["100"], "shift": ["day"], "hours_min": ["10"], "flag": [""],
                "received_from": ["2026-01-01"], "received_to": ["2027-12-31"]}


def queue_target(world: World) -> Target:
    return _admin(world, "north", "/admin/queues/north/", QUEUE_FILTER, lambda resp: assert_sound_html(
        resp.get_data(as_text=True), "the queue"), {"posting": [world.south_posting.id]}, "GET")


def my_queue_target(world: World) -> Target:
    return _admin(world, "north", "/admin/my-queue/", QUEUE_FILTER, lambda resp: assert_sound_html(
        resp.get_data(as_text=True), "my queue"), {"posting": [world.south_posting.id]}, "GET")


def export_target(world: World) -> Target:
    north_ids = {a.id for a in world.runtime.applications.list_for_team("north", 1000).items}

    def renders(resp):
        if resp.status_code == 200:  # a filter that will not do goes back to the queue (303)
            assert_sound_csv(resp.get_data(as_text=True), north_ids)

    return _admin(world, "north", "/admin/queues/north/export.csv", QUEUE_FILTER, renders,
                  {"posting": [world.south_posting.id]}, "GET")


FORM_ROUTES: dict[str, Callable[[World], Target]] = {
    "apply.apply": apply_target,
    "apply.save_step": apply_step_target,
    "status.update_availability": availability_target,
    "status.withdraw": withdraw_target,
    "status.erase": erase_target,
    "selfid.answer": selfid_target,
    "admin.login": login_target,
    "admin.logout": logout_target,
    "admin.move": lambda w: _application_action(w, "move", lambda a: {
        "to_stage": ["on_hold"], "version": [str(a.version)], "reason": ["Waiting for\r\nthe new site"],
        "next": [f"/admin/applications/{a.id}"]}),
    "admin.assign": lambda w: _application_action(w, "assign", lambda a: {
        "version": [str(a.version)], "assignee": ["north2@example.com"]}),
    "admin.add_note": lambda w: _application_action(w, "notes", lambda a: {"body": ["Call back after 5pm.\n\nOK."]}),
    "admin.add_tags": lambda w: _application_action(w, "tags", lambda a: {"tags": ["night-ok, call back"]}),
    "admin.remove_tag": lambda w: _application_action(w, "tags/remove", lambda a: {"tag": ["night-ok"]},
                                                      tags={"night-ok"}),
    "admin.rate": lambda w: _application_action(w, "rating", lambda a: {"rating": ["4"]}),
    "admin.bulk": bulk_target,
    "admin.new_posting": new_posting_target,
    "admin.posting": edit_posting_target,
    "admin.publish_posting": posting_action_target("publish"),
    "admin.close_posting": posting_action_target("close"),
    "admin.duplicate_posting": posting_action_target("duplicate"),
    "admin.new_account": new_account_target,
    "admin.toggle_account": toggle_account_target,
    "admin.new_team": new_team_target,
    "admin.queue": queue_target,
    "admin.my_queue": my_queue_target,
    "admin.export": export_target,
}


def test_every_form_route_is_fuzzed(app):
    """Walks app.url_map: each route taking a form POST (and each GET form: the queue filters) has its target."""
    posted = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods
              and not rule.endpoint.startswith("api.") and rule.endpoint not in JSON_ENDPOINTS}
    assert posted <= set(FORM_ROUTES), f"teach this test the new form: {sorted(posted - set(FORM_ROUTES))}"
    assert set(FORM_ROUTES) - posted == {"admin.queue", "admin.my_queue", "admin.export"}


def check_example(target: Target, pairs: list[tuple[str, str]]):
    """Send one example: never a 5xx; a re-shown form is sound HTML; an accepted one leaves everything rendering."""
    target.sent = pairs
    resp = send(target.client, target.method, target.path, pairs)
    assert resp.status_code < 500, resp.get_data(as_text=True)[:500]
    if resp.status_code < 400:
        target.renders(resp)
    elif resp.mimetype == "text/html" and resp.status_code in (409, 422, 429):
        assert_sound_html(resp.get_data(as_text=True), target.path)
    return resp


def fuzz_form_route(world, endpoint):
    make_target = FORM_ROUTES[endpoint]

    @FUZZ
    @given(data=st.data())
    def run(data):
        target = make_target(world)
        check_example(target, data.draw(answers(target.valid, target.foreign), label="answers"))

    run()


# The routes in three groups of about equal cost, each its own class: `make test` runs test modules and classes
# in parallel (pytest-xdist's loadscope), and this module alone would otherwise outlast the rest of the suite.
APPLICATION_ACTIONS = {"admin.move", "admin.assign", "admin.add_note", "admin.add_tags", "admin.remove_tag",
                       "admin.rate", "admin.bulk"}
PUBLIC_FORMS = {name for name in FORM_ROUTES if not name.startswith("admin.")} | {"admin.login", "admin.logout"}
OTHER_ADMIN_FORMS = set(FORM_ROUTES) - APPLICATION_ACTIONS - PUBLIC_FORMS


class TestApplicantForms:
    @pytest.mark.parametrize("endpoint", sorted(PUBLIC_FORMS))
    def test_no_answer_breaks_a_page_a_feed_an_email_or_the_csv(self, world, endpoint):
        fuzz_form_route(world, endpoint)


class TestApplicationActions:
    @pytest.mark.parametrize("endpoint", sorted(APPLICATION_ACTIONS))
    def test_no_answer_breaks_a_page_a_feed_an_email_or_the_csv(self, world, endpoint):
        fuzz_form_route(world, endpoint)


class TestPostingAccountAndQueueForms:
    @pytest.mark.parametrize("endpoint", sorted(OTHER_ADMIN_FORMS))
    def test_no_answer_breaks_a_page_a_feed_an_email_or_the_csv(self, world, endpoint):
        fuzz_form_route(world, endpoint)
