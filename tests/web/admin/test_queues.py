"""Triage queues: every filter is a key condition on an index, pages follow LastEvaluatedKey with the cursor in the
URL, filtered pages are topped up within a bounded number of reads, bulk actions report each item, and the CSV
export neutralises spreadsheet formulas."""
import csv
import dataclasses
import datetime
import io
import re

import pytest

from portal.applications import queues
from portal.applications.exports import neutralise
from portal.applications.repository import ApplicationRepository
from portal.postings.repository import PostingRepository
from tests.helpers import csrf_token
from tests.factories import make_application, make_posting


def _ulid_at(day: str, n: int) -> str:
    from ulid import ULID

    moment = datetime.datetime.fromisoformat(day + "T12:00:00+00:00") + datetime.timedelta(seconds=n)
    return str(ULID.from_datetime(moment))


@pytest.fixture(scope="module")
def queue(main_table, people):
    """24 applications in north: two postings, three states, mixed shifts, hours, flags, scores and days."""
    nights, days = make_posting(team="north", title="Night Picker"), make_posting(team="north", title="Day Packer")
    PostingRepository(main_table).put_many([nights, days])
    apps = []
    for n in range(24):
        apps.append(make_application(
            nights if n % 3 == 0 else days, id=_ulid_at("2026-11-1" + str(n % 4), n), name=f"Person {n:02d}",
            state="OR" if n % 3 == 1 else ("TX" if n % 5 == 0 else "WA"),
            shifts=["night"] if n % 2 else ["day", "weekend"], hours_max=40 if n % 4 == 0 else 25,
            flags=["veteran"] if n % 6 == 0 else [], score=n * 4,
        ))
    apps.append(make_application(nights, name="=HYPERLINK(\"http://evil\")", stage="applied", score=1))
    ApplicationRepository(main_table).put_many(apps)
    return {"apps": apps, "nights": nights, "days": days}


def _ids(page):
    return {a.id for a in page.applications}


def _expect(queue, pred):
    return {a.id for a in queue["apps"] if a.stage == "applied" and pred(a)}


@pytest.mark.parametrize("filters, index, pred", [
    ({}, "gsi2", lambda a: True),
    ({"posting_id": "nights"}, "gsi5", lambda a: a.posting_title == "Night Picker"),
    ({"state": "OR"}, "gsi6", lambda a: a.location.state == "OR"),
    ({"shift": "night"}, "gsi11", lambda a: "night" in a.preferences.shifts),
    ({"flag": "veteran"}, "gsi14", lambda a: "veteran" in a.flags),
    ({"hours_min": 30}, "gsi7", lambda a: a.preferences.hours_max >= 30),
    ({"sort": "fit", "score_min": 40, "score_max": 60}, "gsi4", lambda a: a.score is not None and 40 <= a.score <= 60),
    ({"received_from": datetime.date(2026, 11, 11), "received_to": datetime.date(2026, 11, 12)}, "gsi2",
     lambda a: "2026-11-11" <= _day_of(a) <= "2026-11-12"),
])
def test_each_filter_is_a_key_condition_on_its_index_and_finds_exactly_its_matches(runtime, main_table, queue, filters, index, pred):
    filters = dict(filters)
    if filters.get("posting_id") == "nights":
        filters["posting_id"] = queue["nights"].id
    f = queues.QueueFilter(team="north", **filters)
    plan = queues.plan(f)
    assert plan.index == index
    assert plan.filter_expression is None, "a single filter needs no filter expression"
    page = queues.read_page(runtime, f, 50)
    assert _ids(page) == _expect(queue, pred)
    assert page.items_read == len(page.applications), "the key alone selects: nothing read is thrown away"


def _day_of(application) -> str:
    from ulid import ULID

    return ULID.from_str(application.id).datetime.date().isoformat()


def test_best_fit_first_is_ordered_by_score(runtime, main_table, queue):
    page = queues.read_page(runtime, queues.QueueFilter(team="north", sort="fit"), 50)
    scores = [a.score for a in page.applications]
    assert scores == sorted(scores, reverse=True) and len(scores) == 25


def test_pages_follow_the_signed_cursor_in_the_url(signed_in, queue, runtime, monkeypatch):
    client = signed_in("north")
    monkeypatch.setattr(runtime, "settings", dataclasses.replace(runtime.settings, queue_page_size=10))
    seen, url = [], "/admin/queues/north/?stage=applied"
    for _ in range(5):
        html = client.get(url).get_data(as_text=True)
        seen += re.findall(r'data-application="([0-9A-Z]{26})"', html)
        more = re.search(r'href="([^"]*page=[^"]+)" rel="next"', html)
        if not more:
            break
        url = more.group(1).replace("&amp;", "&")
    assert len(seen) == len(set(seen)) == 25
    assert client.get("/admin/queues/north/?page=forged").status_code == 400


def test_combined_filters_top_up_the_page_and_say_when_they_stop_early(runtime, main_table, queue):
    repo = ApplicationRepository(main_table)
    f = queues.QueueFilter(team="north", shift="night", state="WA")
    plan = queues.plan(f)
    assert plan.index == "gsi11" and plan.filter_expression is not None
    expected = _expect(queue, lambda a: "night" in a.preferences.shifts and a.location.state == "WA")
    full = queues.read_page(runtime, f, 3, max_reads=20)
    assert len(full.applications) == 3 and _ids(full) <= expected and full.reads > 1
    short = queues.read_page(runtime, f, 4, max_reads=1)
    assert short.reads == 1
    assert short.stopped_early == (len(short.applications) < 4 and short.next_key is not None)
    rest, key = set(), None
    while True:
        page = queues.read_page(runtime, f, 2, key, max_reads=5)
        rest |= _ids(page)
        key = page.next_key
        if key is None:
            break
    assert rest == expected


def test_filters_are_validated_next_to_their_fields_and_kept(signed_in, queue):
    client = signed_in("north")
    resp = client.get("/admin/queues/north/?score_min=70&score_max=20&hours_min=abc")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "The highest score must be at least the lowest." in html and 'value="70"' in html
    fit_all = client.get("/admin/queues/north/?stage=&sort=fit")
    assert fit_all.status_code == 422 and "Best fit first needs one open stage" in fit_all.get_data(as_text=True)


def test_bulk_actions_report_each_item(runtime, signed_in, queue, main_table):
    client = signed_in("north")
    a, b, c = queue["apps"][1], queue["apps"][2], queue["apps"][3]
    repo = ApplicationRepository(main_table)
    from portal.applications.stages import move_stage

    move_stage(runtime.applications, repo.get(c.id), "screened", by="someone@example.com", at="2026-11-22T00:00:00Z")
    resp = client.post("/admin/queues/north/bulk", data={
        "csrf_token": csrf_token(client), "action": "move", "to_stage": "screened",
        "selected": [f"{a.id}:1", f"{b.id}:1", f"{c.id}:1", "01NOTANAPPLICATION0000000:1"]})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "2 of 4 done." in html
    assert "someone else changed it first. It is now Screened." in html
    assert "Not found" in html
    reject = client.post("/admin/queues/north/bulk", data={
        "csrf_token": csrf_token(client), "action": "reject", "reason": "", "selected": [f"{a.id}:2"]})
    assert reject.status_code == 422 and "Give a reason for rejecting them." in reject.get_data(as_text=True)
    tagged = client.post("/admin/queues/north/bulk", data={
        "csrf_token": csrf_token(client), "action": "tag", "tags": "spanish", "selected": [f"{a.id}:2", f"{b.id}:2"]})
    assert "2 of 2 done." in tagged.get_data(as_text=True)
    assert repo.get(a.id).tags == ["spanish"]
    assigned = client.post("/admin/queues/north/bulk", data={
        "csrf_token": csrf_token(client), "action": "assign", "assignee": "north2@example.com",
        "selected": [f"{a.id}:2"]})
    assert "1 of 1 done." in assigned.get_data(as_text=True)
    assert repo.get(a.id).assignee == "north2@example.com"


@pytest.mark.parametrize("cell, safe", [
    ("=1+1", "'=1+1"), ("+SUM(A1)", "'+SUM(A1)"), ("-2", "'-2"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("Ada", "Ada"), ("", ""), (None, ""), (42, "42"),
])
def test_formula_cells_are_neutralised(cell, safe):
    assert neutralise(cell) == safe


def test_the_export_is_the_filtered_view_with_formulas_neutralised(signed_in, queue):
    client = signed_in("north")
    resp = client.get(f"/admin/queues/north/export.csv?stage=applied&posting={queue['nights'].id}")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
    names = {r[2] for r in rows[1:]}
    assert "'=HYPERLINK(\"http://evil\")" in names
    assert all(r[6] == "Night Picker" for r in rows[1:])
    assert not any(cell.startswith(("=", "+", "@")) for r in rows[1:] for cell in r)
    assert signed_in("south").get("/admin/queues/north/export.csv").status_code == 404


def test_a_member_record_nobody_expected_breaks_no_page_and_is_never_assigned(runtime, signed_in, queue, main_table):
    """What the pipeline's open_count update leaves for someone removed from the team meanwhile: no e-mail."""
    from portal import keys
    from portal.pipeline import routing

    main_table.update_item(Key=keys.team_member("north", "gone@example.com"), UpdateExpression="ADD open_count :one",
                           ExpressionAttributeValues={":one": 1})
    members = runtime.accounts.list_members("north")
    assert members and all(m["email"] for m in members)
    assert routing.least_loaded(members) != "gone@example.com"
    client = signed_in("north")
    page = client.get("/admin/queues/north/")
    assert page.status_code == 200 and "gone@example.com" not in page.get_data(as_text=True)
    assert client.get(f"/admin/applications/{queue['apps'][5].id}").status_code == 200
    refused = client.post("/admin/queues/north/bulk", data={
        "csrf_token": csrf_token(client), "action": "assign", "assignee": "gone@example.com",
        "selected": [f"{queue['apps'][5].id}:1"]})
    assert refused.status_code in (200, 422) and "1 of 1 done." not in refused.get_data(as_text=True)
    assert ApplicationRepository(main_table).get(queue["apps"][5].id).assignee != "gone@example.com"


def test_a_team_queue_opens_where_work_waits_with_each_stages_count_from_one_counters_read(runtime, signed_in,
                                                                                           main_table):
    from portal import keys
    from portal.accounts.models import Team

    runtime.accounts.put_team(Team("tabs", "Tabs team"))
    posting = make_posting(team="tabs", title="Tab Picker")
    PostingRepository(main_table).put(posting)
    waiting = [make_application(posting, stage="interview", name=f"Ivy Interview {n}") for n in range(2)]
    ApplicationRepository(main_table).put_many([*waiting, make_application(posting, stage="applied", name="Al Applied")])
    # As the pipeline keeps them: nothing screened, two at interview, one just applied, four hired.
    main_table.put_item(Item={**keys.counters("TEAM#tabs"), "total": 7, "stage_interview": 2, "stage_applied": 1,
                              "stage_hired": 4, "stage_screened": 0})
    html = signed_in("boss").get("/admin/queues/tabs/").get_data(as_text=True)
    assert "Ivy Interview 0" in html and "Ivy Interview 1" in html and "Al Applied" not in html
    tabs = dict(re.findall(r'<li><a href="/admin/queues/tabs/\?stage=(\w+)"[^>]*>[^<]+<span class="count">(\d+)</span>',
                           html))
    assert tabs == {"applied": "1", "screened": "0", "interview": "2", "offer": "0", "hired": "4", "rejected": "0",
                    "withdrawn": "0", "on_hold": "0"}
    assert re.search(r'href="/admin/queues/tabs/\?stage=interview" aria-current="page"', html)
    summary = re.sub(r"\s+", " ", re.search(r'id="queue-summary"[^>]*>(.*?)</p>', html, re.S).group(1)).strip()
    assert summary == "2 applications, at Interview, newest first."
    assert 'href="/admin/queues/tabs/export.csv?stage=interview"' in html, "the CSV is of the stage it opened on"
    assert '<details class="queue-filters">' in html, "no filter was asked for: the filters stay folded"


def test_a_stage_tab_keeps_the_filters_folded_and_each_cell_names_its_column(signed_in, queue):
    """On a phone the open filter panel would push the applications a screen down: a stage tab or the next page
    leaves it folded, a filter opens it. Each cell carries its column's name (the card's label on a phone), and
    each row's checkbox sits in a label that is its 44 px target."""
    client = signed_in("north")
    tab = client.get("/admin/queues/north/?stage=applied").get_data(as_text=True)
    assert '<details class="queue-filters">' in tab
    filtered = client.get("/admin/queues/north/?stage=applied&state=OR").get_data(as_text=True)
    assert '<details class="queue-filters" open>' in filtered
    row = re.search(r'<tr data-application="[^"]+">(.*?)</tr>', tab, re.S).group(1)
    assert re.findall(r'<td data-label="([^"]*)"', row) == ["Select", "Applicant", "Job", "Stage", "Fit", "Hours",
                                                             "Shifts", "Received"]
    assert re.search(r'<label class="select-target" for="sel-(\w+)"><input type="checkbox" name="selected" '
                     r'value="\1:\d+" id="sel-\1"', row)
