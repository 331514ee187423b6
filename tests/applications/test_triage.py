"""Recruiters' actions called directly: view, move, assign, note, tag, rate, bulk; team checks, versions, audit."""
import dataclasses
import datetime
import types
import uuid

import pytest

from portal import clock, keys
from portal.applications import triage
from portal.applications.stages import InvalidTransition, StageConflict
from portal.applications.triage import AnnotationError
from tests.factories import make_account, make_application, make_posting

T1 = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.timezone.utc)
T2 = datetime.datetime(2026, 11, 24, 15, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture
def team(runtime):
    """A team of its own with two recruiters, a recruiter of another team, and an admin; returns a namespace."""
    name, other = f"tr-{uuid.uuid4().hex[:8]}", f"tr-{uuid.uuid4().hex[:8]}"
    tag = uuid.uuid4().hex[:8]
    people = dict(
        nell=make_account(f"nell.{tag}@example.com", teams=[name], name="Nell"),
        ned=make_account(f"ned.{tag}@example.com", teams=[name], name="Ned"),
        sue=make_account(f"sue.{tag}@example.com", teams=[other], name="Sue"),
        boss=make_account(f"boss.{tag}@example.com", role="admin", teams=[], name="Boss"),
    )
    for account in people.values():
        runtime.accounts.put(account)
    posting, other_posting = make_posting(team=name), make_posting(team=other)

    def applications(n=1, **overrides):
        made = [make_application(posting, **overrides) for _ in range(n)]
        runtime.applications.put_many(made)
        return made

    def foreign(**overrides):
        made = make_application(other_posting, **overrides)
        runtime.applications.put_many([made])
        return made

    return types.SimpleNamespace(id=name, other=other, applications=applications, foreign=foreign, **people)


def _log(runtime, application_id) -> list[tuple[str, str, str]]:
    """(action, who, detail) of an application's audit log, oldest first."""
    entries = runtime.audit.for_subject(f"APP#{application_id}", 50).items
    return [(e.action, e.account_name, e.detail) for e in reversed(entries)]


def _item(runtime, application_id) -> dict:
    return runtime.main_table.get_item(Key=keys.application(application_id), ConsistentRead=True)["Item"]


def test_viewing_gives_notes_and_history_to_the_team_and_admins_only_and_is_logged(runtime, team):
    (app,) = team.applications()
    runtime.applications.add_note(app.id, {"id": "01NOTE0000000000000000000B", "body": "hello"})
    shown = triage.view(runtime, team.nell, app.id)
    assert shown["application"].id == app.id and [n["body"] for n in shown["notes"]] == ["hello"]
    assert shown["history"] == []
    assert triage.view(runtime, team.boss, app.id) is not None
    assert triage.view(runtime, team.sue, app.id) is None
    assert triage.view(runtime, team.nell, "01NOSUCHAPPLICATION0000000") is None
    assert _log(runtime, app.id) == [("viewed", "Nell", ""), ("viewed", "Boss", "")]


def test_a_move_is_written_and_logged_and_the_first_triage_time_is_kept(runtime, team, monkeypatch):
    (app,) = team.applications()
    monkeypatch.setattr(clock, "now", lambda: T1)
    screened = triage.move(runtime, team.nell, app, "screened")
    assert (screened.stage, screened.version, screened.moved_by) == ("screened", 2, team.nell.email)
    assert triage.next_stages(screened) == ["interview", "rejected", "withdrawn", "on_hold"]
    monkeypatch.setattr(clock, "now", lambda: T2)
    rejected = triage.move(runtime, team.ned, screened, "rejected", reason="  Wants <b>days</b> only  ")
    assert (rejected.stage, rejected.stage_reason, rejected.updated_at) == \
        ("rejected", "Wants <b>days</b> only", "2026-11-24T15:00:00Z")
    assert _item(runtime, app.id)["first_triaged_at"] == "2026-11-23T09:00:00Z"
    assert triage.next_stages(rejected) == []
    assert _log(runtime, app.id) == [("moved", "Nell", "Applied → Screened"),
                                     ("moved", "Ned", "Screened → Not selected: Wants <b>days</b> only")]


def test_a_refused_or_stale_move_writes_and_logs_nothing(runtime, team):
    (app,) = team.applications()
    with pytest.raises(InvalidTransition) as off_path:
        triage.move(runtime, team.nell, app, "hired")
    assert off_path.value.field == "to_stage"
    with pytest.raises(InvalidTransition) as no_reason:
        triage.move(runtime, team.nell, app, "on_hold", reason=" \t\n ")
    assert no_reason.value.field == "reason"
    triage.move(runtime, team.ned, app, "screened")
    with pytest.raises(StageConflict) as stale:
        triage.move(runtime, team.nell, app, "rejected", reason="No reply")
    assert (stale.value.current.stage, stale.value.current.moved_by) == ("screened", team.ned.email)
    assert (_item(runtime, app.id)["stage"], int(_item(runtime, app.id)["version"])) == ("screened", 2)
    assert _log(runtime, app.id) == [("moved", "Ned", "Applied → Screened")]


def test_assigning_takes_only_members_of_the_applications_team_under_its_version(runtime, team):
    (app,) = team.applications()
    with pytest.raises(AnnotationError) as stranger:
        triage.assign(runtime, team.nell, app, team.sue.email)
    assert stranger.value.field == "assignee"
    assigned = triage.assign(runtime, team.nell, app, team.ned.email)
    assert (assigned.version, assigned.assignee) == (2, team.ned.email)
    with pytest.raises(StageConflict):
        triage.assign(runtime, team.ned, app, team.nell.email)
    assert _item(runtime, app.id)["assignee"] == team.ned.email
    unassigned = triage.assign(runtime, team.ned, assigned, None)
    assert (unassigned.assignee, unassigned.version) == (None, 3)
    log = _log(runtime, app.id)
    assert log == [("assigned", "Nell", "assigned to a team member"), ("assigned", "Ned", "unassigned")]
    assert team.ned.email not in str(log).lower(), "the audit detail holds no e-mail address"


def test_notes_are_trimmed_bounded_and_kept_as_plain_text_out_of_the_audit_log(runtime, team):
    (app,) = team.applications()
    for empty in ("", "   \n\t ", None):
        with pytest.raises(AnnotationError) as refused:
            triage.add_note(runtime, team.nell, app, empty)
        assert (refused.value.field, str(refused.value)) == ("body", "Write the note before adding it.")
    with pytest.raises(AnnotationError) as long:
        triage.add_note(runtime, team.nell, app, "x" * (triage.NOTE_MAX + 1))
    assert str(long.value) == "Keep a note to 2000 characters or fewer."
    hostile = '<script>alert(1)</script> =HYPERLINK("x") a\x00b\x1b[31m'
    note = triage.add_note(runtime, team.nell, app, f"  {hostile}  ")
    triage.add_note(runtime, team.ned, app, "y" * triage.NOTE_MAX)
    stored = runtime.applications.list_notes(app.id)
    assert [(n["body"], n["by_name"]) for n in stored] == [(hostile, "Nell"), ("y" * 2000, "Ned")]
    assert note["by_account_id"] == team.nell.id
    assert _log(runtime, app.id) == [("noted", "Nell", ""), ("noted", "Ned", "")]
    assert int(_item(runtime, app.id)["version"]) == 1, "a note is no stage change"


def test_a_note_on_an_application_erased_meanwhile_leaves_nothing_behind(runtime, team):
    (app,) = team.applications()
    runtime.main_table.delete_item(Key=keys.application(app.id))  # the applicant erased it after the page was shown
    with pytest.raises(StageConflict) as gone:  # the page answers 404: the application is not there any more
        triage.add_note(runtime, team.nell, app, "Called back about nights.")
    assert gone.value.current is None
    assert runtime.main_table.query(KeyConditionExpression="pk = :pk", ConsistentRead=True,
                                    ExpressionAttributeValues={":pk": f"APP#{app.id}"})["Items"] == []


@pytest.mark.parametrize("text, bad", [
    ("ok, <b>", "<b>"), ('=HYPERLINK("x")', '=hyperlink("x")'), ("a\x00b", "a\x00b"), ("x" * 31, "x" * 31),
    ("-lead", "-lead"), ("émigré", "émigré"),
])
def test_tags_outside_letters_digits_spaces_and_hyphens_are_refused(text, bad):
    with pytest.raises(AnnotationError) as refused:
        triage.parse_tags(text)
    assert refused.value.field == "tags" and str(refused.value).endswith(f": {bad}.")


def test_tags_and_ratings_change_no_version_and_are_logged(runtime, team):
    (app,) = team.applications()
    with pytest.raises(AnnotationError) as none:
        triage.parse_tags(" , ,")
    assert str(none.value) == "Enter at least one tag, like night-ok or call-back."
    tags = triage.parse_tags("Night-OK, call back ,night-ok")
    assert tags == {"night-ok", "call back"}
    triage.tag(runtime, team.nell, app, add=tags)
    triage.tag(runtime, team.nell, app, remove={"night-ok"})
    for text in ("0", "6", "4.5", "four", " "):
        with pytest.raises(AnnotationError) as bad:
            triage.parse_rating(text)
        assert bad.value.field == "rating"
    assert (triage.parse_rating(""), triage.parse_rating("5")) == (None, 5)
    triage.rate(runtime, team.nell, app, 5)
    assert runtime.applications.get(app.id).rating == 5
    triage.rate(runtime, team.nell, app, None)
    stored = runtime.applications.get(app.id)
    assert (stored.tags, stored.rating, stored.version) == (["call back"], None, 1)
    assert _log(runtime, app.id) == [("tagged", "Nell", "+call back, +night-ok"), ("tagged", "Nell", "-night-ok"),
                                     ("rated", "Nell", "5 of 5"), ("rated", "Nell", "rating cleared")]


def test_a_bulk_selection_keeps_the_version_of_each_row_and_is_bounded():
    assert triage.parse_selection(["A:1", "B:12", "C:", ":3", "D:-1", "E:x", "F", "A:2"]) == {"A": 2, "B": 12}
    assert len(triage.parse_selection([f"id{n}:1" for n in range(triage.BULK_MAX)])) == triage.BULK_MAX
    with pytest.raises(AnnotationError) as too_many:
        triage.parse_selection([f"id{n}:1" for n in range(triage.BULK_MAX + 1)])
    assert too_many.value.field == "selected"


def test_a_bulk_move_acts_only_on_this_teams_rows_at_their_versions_and_reports_each(runtime, team):
    fresh, stale, closed = team.applications(3)
    runtime.applications.put_many([dataclasses.replace(closed, stage="rejected")])
    triage.move(runtime, team.ned, stale, "screened")
    foreign = team.foreign()
    selected = {fresh.id: 1, stale.id: 1, closed.id: 1, foreign.id: 1, "01NOSUCHAPPLICATION0000000": 1}
    runs = {}
    for account in (team.nell, team.boss):  # the admin may see the foreign one, but it is not in this queue
        results = triage.bulk(runtime, account, team.id, selected, "reject", reason="Position filled")
        by_id = runs[account.name] = {r.application_id: r for r in results}
        assert [r.application_id for r in results] == list(selected), "every row is reported, in order"
        assert not by_id[foreign.id].ok and by_id[foreign.id].message == "Not found: it may have been erased."
        assert by_id[foreign.id].name == "", "nothing of another team's applicant is shown"
        assert by_id["01NOSUCHAPPLICATION0000000"].message == "Not found: it may have been erased."
        assert by_id[stale.id].message == "Not changed: someone else changed it first. It is now Screened."
        assert by_id[closed.id].message == "Not moved: Not selected cannot go to Not selected."
    assert (runs["Nell"][fresh.id].ok, runs["Nell"][fresh.id].message) == (True, "Moved to Not selected.")
    assert runs["Boss"][fresh.id].message == "Not changed: someone else changed it first. It is now Not selected."
    assert runtime.applications.get(fresh.id).stage == "rejected"
    assert (runtime.applications.get(foreign.id).stage, runtime.applications.get(stale.id).stage) == \
        ("applied", "screened")
    assert _log(runtime, fresh.id) == [("moved", "Nell", "Applied → Not selected: Position filled")]
    assert _log(runtime, foreign.id) == [] and _log(runtime, closed.id) == []


@pytest.mark.parametrize("action, options, field", [
    ("delete", {}, "action"),
    ("move", {"to_stage": "nowhere"}, "to_stage"),
    ("reject", {"reason": "  "}, "reason"),
    ("move", {"to_stage": "on_hold"}, "reason"),
    ("tag", {"tags_text": "fine, <script>"}, "tags"),
    ("assign", {"assignee": "someone@elsewhere.example"}, "assignee"),
])
def test_a_bulk_choice_no_row_could_take_is_refused_before_anything_is_written(runtime, team, action, options, field):
    (app,) = team.applications()
    with pytest.raises(AnnotationError) as refused:
        triage.bulk(runtime, team.nell, team.id, {app.id: 1}, action, **options)
    assert refused.value.field == field
    stored = runtime.applications.get(app.id)
    assert (stored.stage, stored.version, stored.tags) == ("applied", 1, [])
    assert _log(runtime, app.id) == []


def test_bulk_assigning_and_tagging_report_each_row_and_other_teams_find_none(runtime, team):
    first, second = team.applications(2)
    foreign = team.foreign()
    assigned = triage.bulk(runtime, team.nell, team.id, {first.id: 1, second.id: 7, foreign.id: 1}, "assign",
                           assignee=team.ned.email)
    assert [(r.ok, r.message) for r in assigned] == [
        (True, "Assigned."), (False, "Not changed: someone else changed it first. It is now Applied."),
        (False, "Not found: it may have been erased.")]
    assert (runtime.applications.get(first.id).assignee, runtime.applications.get(second.id).assignee) == \
        (team.ned.email, None)
    assert runtime.applications.get(foreign.id).assignee is None
    # Tags do not lock: a row shown at an older version is still tagged.
    tagged = triage.bulk(runtime, team.nell, team.id, {first.id: 1, second.id: 7}, "tag", tags_text="Call-Back")
    assert [(r.ok, r.message) for r in tagged] == [(True, "Tagged call-back."), (True, "Tagged call-back.")]
    assert runtime.applications.get(second.id).tags == ["call-back"]
    # A recruiter of another team finds none of these rows, from this team's queue or their own.
    for queue in (team.id, team.other):
        results = triage.bulk(runtime, team.sue, queue, {first.id: 2}, "tag", tags_text="hacked")
        assert [(r.ok, r.name, r.message) for r in results] == [(False, "", "Not found: it may have been erased.")]
    assert runtime.applications.get(first.id).tags == ["call-back"]
    assert [a for a, _, _ in _log(runtime, first.id)] == ["assigned", "tagged"]
