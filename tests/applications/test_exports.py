"""The queue CSV export called directly: the filtered team queue, formulas neutralised, a row cap, its audit."""
import csv
import io
import uuid

import pytest

from portal.applications import exports
from portal.applications.queues import QueueFilter, UnservableFilter
from tests.factories import make_account, make_application, make_posting
from tests.helpers import with_settings


@pytest.fixture
def team(runtime):
    """(team id, its posting, a recruiter of it) for a team of its own."""
    team_id = f"ex-{uuid.uuid4().hex[:8]}"
    account = make_account(f"ex.{uuid.uuid4().hex[:8]}@example.com", teams=[team_id], name="Exporter")
    runtime.accounts.put(account)
    return team_id, make_posting(team=team_id, title="Night Picker"), account


def _rows(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == exports.COLUMNS
    return rows[1:]


def _put(runtime, *applications):
    runtime.applications.put_many(list(applications))
    return applications


def test_formula_cells_are_neutralised_and_other_hostile_text_stays_one_plain_cell(runtime, team):
    team_id, posting, account = team
    hostile = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
               "\t=1+1", "\r=1+1", '<script>alert(1)</script>', 'Ada "the, quoted" \r\nLovelace', "ctl\x07\x1b[31m"]
    made = _put(runtime, *(make_application(posting, name=name) for name in hostile))
    rows = _rows(exports.export_queue(runtime, account, QueueFilter(team=team_id)))
    assert len(rows) == len(hostile) and {len(r) for r in rows} == {len(exports.COLUMNS)}
    names = {r[0]: r[2] for r in rows}
    for application, name in zip(made, hostile):
        expected = "'" + name if name.startswith(("=", "+", "-", "@", "\t", "\r")) else name
        assert names[application.id] == expected
    assert not [cell for r in rows for cell in r if cell.startswith(exports.FORMULA_STARTS)]
    assert {r[4] for r in rows} == {"'+12065550147"}, "a phone number in E.164 starts with + too"


def test_a_formula_behind_a_leading_nul_is_neutralised_too():
    assert exports.neutralise('\x00=HYPERLINK("http://evil.example")').startswith("'")


def test_the_export_is_the_filtered_queue_of_this_team_only(runtime, team):
    team_id, posting, account = team
    other_posting = make_posting(team=team_id, title="Day Packer")
    wanted = make_application(posting, name="Wanted", score=72, tags=["night-ok"], rating=4,
                              assignee="r@example.com", flags=["veteran"], shifts=["night", "weekend"], state="OR")
    _put(runtime, wanted, make_application(other_posting, name="Other posting"),
         make_application(posting, name="Screened already", stage="screened"),
         make_application(make_posting(team=f"ex-{uuid.uuid4().hex[:8]}"), name="Other team"))
    rows = _rows(exports.export_queue(runtime, account, QueueFilter(team=team_id, posting_id=posting.id)))
    assert rows == [[wanted.id, wanted.created_at, "Wanted", wanted.contact.email, "'+12065550147", "OR",
                     "Night Picker", "Applied", "72", "20-30", "night weekend", "veteran", "night-ok", "4",
                     "r@example.com"]]
    everyone = {r[2] for r in _rows(exports.export_queue(runtime, account, QueueFilter(team=team_id, stage="")))}
    assert everyone == {"Wanted", "Other posting", "Screened already"}


def test_the_export_pages_through_the_queue_newest_first_up_to_the_row_cap(runtime, team):
    team_id, posting, account = team
    made = _put(runtime, *(make_application(posting) for _ in range(5)))
    newest_first = sorted((a.id for a in made), reverse=True)
    assert [r[0] for r in exports.queue_rows(runtime, QueueFilter(team=team_id), 100, page_size=2)] == newest_first
    capped = with_settings(runtime, export_max_rows=3)
    rows = _rows(exports.export_queue(capped, account, QueueFilter(team=team_id)))
    assert [r[0] for r in rows] == newest_first[:3]


def test_each_export_is_audited_in_the_exporters_log_without_applicant_data(runtime, team):
    team_id, posting, account = team
    (only,) = _put(runtime, make_application(posting, name="Private Person"))
    exports.export_queue(runtime, account, QueueFilter(team=team_id))
    exports.export_queue(runtime, account, QueueFilter(team=team_id, stage="hired"))
    entries = runtime.audit.for_account(account.id, 10).items
    assert [(e.action, e.subject, e.detail) for e in entries] == [
        ("exported", f"ACCOUNT#{account.id}", f"0 applications of team {team_id}"),
        ("exported", f"ACCOUNT#{account.id}", f"1 applications of team {team_id}"),
    ]
    assert "Private Person" not in str(entries) and only.contact.email not in str(entries)


def test_a_filter_no_index_serves_is_refused_and_nothing_is_audited(runtime, team):
    team_id, _, account = team
    with pytest.raises(UnservableFilter):
        exports.export_queue(runtime, account, QueueFilter(team=team_id, stage="", sort="fit"))
    assert runtime.audit.for_account(account.id, 10).items == []

