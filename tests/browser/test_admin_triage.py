"""In a real browser: a recruiter works through a queue of 50 applications with the keyboard alone, and axe-core
finds no violations on any admin page."""
import datetime
import re

import pytest
from ulid import ULID

from portal import keys
from portal.accounts.models import Team
from portal.accounts.repository import AccountRepository
from portal.applications.repository import ApplicationRepository
from portal.postings.repository import PostingRepository
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, refused_by_policy, scrolls_sideways, tab_to
from tests.factories import PASSWORD, make_account, make_application, make_posting

pytestmark = pytest.mark.browser
QUEUE_SIZE = 50


@pytest.fixture(scope="module")
def seeded(main_table):
    accounts = AccountRepository(main_table)
    accounts.put_team(Team("keys", "Keyboard team"))
    recruiter = make_account("keys@example.com", teams=["keys"], name="Kim Keys")
    admin = make_account("keysadmin@example.com", role="admin", teams=[], name="Ari Admin")
    accounts.put(recruiter)
    accounts.put(admin)
    posting = make_posting(team="keys", title="Night Sorter")
    PostingRepository(main_table).put(posting)
    start = datetime.datetime(2026, 11, 1, 8, tzinfo=datetime.timezone.utc)
    apps = [make_application(posting, id=str(ULID.from_datetime(start + datetime.timedelta(minutes=n))),
                             name=f"Keyboard Person {n:02d}", score=50 + n % 40, fit_reasons=["Can work nights"])
            for n in range(QUEUE_SIZE)]
    ApplicationRepository(main_table).put_many(apps)
    main_table.put_item(Item={**keys.counters("EEO#keys"), "veteran:protected": 6, "veteran:declined": 2,
                              "veteran:not_protected": 20})
    return {"posting": posting, "apps": apps, "recruiter": recruiter, "admin": admin}


def _sign_in_with_keyboard(page, live_server, email):
    page.goto(f"{live_server}/admin/")
    tab_to(page, "email", limit=10)  # past the skip link and the header's links, to the first field
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Newest applications").wait_for()


def _shortcuts_ready(page) -> None:
    """Wait until triage.js (deferred) listens for keys on this page."""
    page.locator("html[data-shortcuts=ready]").wait_for(state="attached")


def _focused_text(page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


def test_a_recruiter_works_through_50_applications_with_the_keyboard_alone(browser, live_server, seeded, main_table):
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    refused = refused_by_policy(page)
    _sign_in_with_keyboard(page, live_server, "keys@example.com")
    page.goto(f"{live_server}/admin/queues/keys/?stage=applied&sort=oldest")
    assert axe_violations(page) == []
    _shortcuts_ready(page)
    page.keyboard.press("j")
    assert _focused_text(page) == "Keyboard Person 00"
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert _focused_text(page) == "Keyboard Person 00"
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Keyboard Person 00").wait_for()
    assert axe_violations(page) == []

    for n in range(QUEUE_SIZE):
        page.get_by_role("heading", name=f"Keyboard Person {n:02d}").wait_for()
        _shortcuts_ready(page)
        if n % 10 == 9:
            page.keyboard.press("r")  # reject: focus goes to the reason first
            assert page.evaluate("document.activeElement.name") == "reason"
            page.keyboard.type("Needs days only")
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")
        else:
            page.keyboard.press("s")  # to Screened, and on to the next application
        page.wait_for_load_state()
        if n < QUEUE_SIZE - 1:
            page.get_by_role("heading", name=f"Keyboard Person {n + 1:02d}").wait_for()
            status = page.get_by_role("status").inner_text()
            assert f"Keyboard Person {n:02d}: moved to" in status
    page.get_by_role("heading", name="Keyboard team queue").wait_for()
    assert "No applications match." in page.content()
    stored = ApplicationRepository(main_table).get_many([a.id for a in seeded["apps"]])
    stages = [stored[a.id].stage for a in seeded["apps"]]
    assert stages.count("screened") == 45 and stages.count("rejected") == 5
    context.close()
    assert refused == [], "the portal's own pages need nothing its policy refuses"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_violations_on_any_admin_page(browser, live_server, seeded, app, viewport):
    """Every GET route of /admin (from app.url_map), filled with the admin's real ids, checked by axe-core, and
    none wider than the window (on a phone, tables scroll inside their own region)."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    refused = refused_by_policy(page)
    _sign_in_with_keyboard(page, live_server, "keysadmin@example.com")
    values = {"team_id": "keys", "application_id": seeded["apps"][0].id, "posting_id": seeded["posting"].id,
              "account_id": seeded["admin"].id}
    checked = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or "GET" not in rule.methods or rule.endpoint in ("admin.export",):
            continue
        url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: values[m.group(1)], rule.rule)
        response = page.goto(live_server + url)
        assert response.status == 200, (url, response.status)
        assert axe_violations(page) == [], url
        assert not scrolls_sideways(page), f"{url} scrolls sideways at {viewport['width']}px"
        checked.append(rule.endpoint)
    # The same pages with their error states: a bad filter, and a posting form sent empty.
    page.goto(f"{live_server}/admin/queues/keys/?score_min=80&score_max=10")
    assert axe_violations(page) == []
    page.goto(f"{live_server}/admin/postings/new")
    page.get_by_role("button", name="Save as draft").click()
    page.get_by_role("alert").wait_for()
    assert axe_violations(page) == []
    assert len(checked) >= 10
    context.close()
    assert refused == [], "the portal's own pages need nothing its policy refuses"
