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


def _fits_a_phone(page, url) -> None:
    """At 375 px: no sideways scroll of the page, no table scrolling inside its own region (they are cards now),
    and the queue's checkboxes and row links are targets of at least 44 px."""
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{url} is {widths[0]}px wide in a {widths[1]}px window"
    wide = page.evaluate("""Array.from(document.querySelectorAll('.table-scroll'))
        .filter(region => region.scrollWidth > region.clientWidth).map(region => region.getAttribute('aria-label'))""")
    assert wide == [], f"{url}: these tables scroll sideways instead of becoming cards: {wide}"
    small = page.evaluate("""Array.from(document.querySelectorAll('table.queue a.triage-row, table.queue label.select-target'))
        .map(target => [target.textContent.trim() || target.htmlFor, target.getBoundingClientRect()])
        .filter(([name, box]) => box.width < 44 || box.height < 44).map(([name, box]) => name)""")
    assert small == [], f"{url}: targets under 44 px: {small}"


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
        if viewport is PHONE:
            _fits_a_phone(page, url)
        checked.append(rule.endpoint)
    # The same pages with their error states: a bad filter, and a posting form sent empty.
    page.goto(f"{live_server}/admin/queues/keys/?score_min=80&score_max=10")
    assert axe_violations(page) == []
    if viewport is PHONE:
        _fits_a_phone(page, "the queue with a bad filter")
    page.goto(f"{live_server}/admin/postings/new")
    page.get_by_role("button", name="Save as draft").click()
    page.get_by_role("alert").wait_for()
    assert axe_violations(page) == []
    if viewport is PHONE:
        _fits_a_phone(page, "the posting form with its errors")
    assert len(checked) >= 10
    context.close()
    assert refused == [], "the portal's own pages need nothing its policy refuses"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_phone_queue_is_cards_whose_boxes_select_for_a_bulk_action(browser, live_server, seeded, viewport):
    """On a phone each row of the queue is a card, each cell led by its column's name; tapping the 44 px box around
    a checkbox ticks it, and the bulk form sends what was ticked. On a laptop it is still a table."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    _sign_in_with_keyboard(page, live_server, "keys@example.com")
    page.goto(f"{live_server}/admin/queues/keys/?stage=")
    row = page.locator("table.queue tbody tr").first
    display = row.evaluate("tr => getComputedStyle(tr).display")
    assert display != "table-row" if viewport is PHONE else display == "table-row"
    job = row.locator("td[data-label=Job]")
    label = job.evaluate("td => getComputedStyle(td, '::before').content")
    if viewport is PHONE:
        assert "Job" in label, label
    else:
        assert label in ("none", "normal"), label
    target = row.locator("label.select-target")
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    page.mouse.click(box["x"] + 3, box["y"] + 3)  # the corner of the box, not the checkbox itself
    assert row.locator("input[type=checkbox]").is_checked()
    link = row.locator("a.triage-row")
    assert link.bounding_box()["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    ticked = page.locator("#bulk-form").evaluate("form => new FormData(form).getAll('selected')")
    assert len(ticked) == 1 and ticked[0].startswith(row.get_attribute("data-application") + ":")
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_chart_text_is_at_least_12px_and_stage_buttons_line_up(browser, live_server, seeded, viewport):
    """Every <text> of the dashboard's charts renders at 12 px or more (its computed size times the SVG's scale on
    screen, and its box), on a phone as on a laptop; on an application the stage buttons are all of one height, in
    rows that wrap, each row's buttons on one line."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    _sign_in_with_keyboard(page, live_server, "keysadmin@example.com")
    page.goto(f"{live_server}/admin/teams/keys/dashboard")
    sizes = page.evaluate("""Array.from(document.querySelectorAll('svg.chart text')).map(text => {
        const ctm = text.getScreenCTM();
        const scale = Math.min(Math.hypot(ctm.a, ctm.b), Math.hypot(ctm.c, ctm.d));
        return {text: text.textContent.trim(), px: parseFloat(getComputedStyle(text).fontSize) * scale,
                height: text.getBoundingClientRect().height};
    })""")
    assert len(sizes) >= 10, sizes
    small = [s for s in sizes if s["px"] < 12 or s["height"] < 12]
    assert small == [], f"chart text under 12 px at {viewport['width']}px: {small[:5]}"
    inside = page.evaluate("""Array.from(document.querySelectorAll('svg.chart')).every(svg => {
        const box = svg.getBoundingClientRect();
        return Array.from(svg.querySelectorAll('text')).every(text => {
            const r = text.getBoundingClientRect();
            return r.left >= box.left - 1 && r.right <= box.right + 1;
        });
    })""")
    assert inside, "every label of the charts is inside its chart"

    page.goto(f"{live_server}/admin/applications/{seeded['apps'][1].id}")
    buttons = page.evaluate("""Array.from(document.querySelectorAll('.moves form > button')).map(button => {
        const r = button.getBoundingClientRect();
        return {text: button.textContent.trim(), top: Math.round(r.top), height: Math.round(r.height)};
    })""")
    assert len(buttons) >= 3, buttons
    assert len({b["height"] for b in buttons}) == 1, f"stage buttons of different heights: {buttons}"
    rows = sorted({b["top"] for b in buttons})
    assert all(lower - upper >= buttons[0]["height"] for upper, lower in zip(rows, rows[1:])), \
        f"stage buttons a few pixels out of line: {buttons}"
    if viewport is DESKTOP:
        assert len(rows) == 1, f"on a laptop the stage buttons share one row: {buttons}"
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    context.close()
