"""Report rules called directly on the moto stack: the dashboard's funnel, days, shares and triage times, and the
EEO report's hidden small cells."""
import datetime

from ulid import ULID

from portal import keys
from portal.reports import services
from tests.factories import make_application, make_posting


def _received(runtime, posting, days_ago: list[int], triaged_after_hours: float | None = None):
    # Counted from today's noon, so 'days ago' lands on that calendar day at any time of day the suite runs.
    noon = datetime.datetime.combine(datetime.datetime.now(datetime.timezone.utc).date(), datetime.time(12),
                                     datetime.timezone.utc)
    apps = []
    for n, days in enumerate(days_ago):
        at = noon - datetime.timedelta(days=days, minutes=n)
        apps.append(make_application(posting, id=str(ULID.from_datetime(at)), created_at=at.isoformat(),
                                     hours_max=15 + 10 * (n % 3)))
    runtime.applications.put_many(apps)
    if triaged_after_hours is not None:
        for app in apps:
            first = datetime.datetime.fromisoformat(app.created_at) + datetime.timedelta(hours=triaged_after_hours)
            runtime.applications.mark_triaged(app.id, first.isoformat())
    return apps


def test_without_counters_the_funnel_counts_the_last_30_days(runtime):
    posting = make_posting(team="rep-days")
    _received(runtime, posting, [0, 0, 1, 40], triaged_after_hours=2)
    found = services.team_dashboard(runtime, "rep-days", datetime.datetime.now(datetime.timezone.utc).date())
    assert found.received == 3, "the one from 40 days ago is outside the window"
    assert ("Applied", 3) in found.funnel and "last 30 days" in found.funnel_source
    assert sum(n for _, n in found.per_day) == 3 and found.per_day[-1][1] == 2
    assert found.triaged == 3 and found.triage_hours_median == 2.0
    assert [label for label, _, _ in found.hours_share] == ["Fewer than 20 hours", "20 to 29 hours", "30 hours or more"]


def test_the_funnel_prefers_the_pipelines_counters(runtime):
    runtime.main_table.put_item(Item={**keys.counters("TEAM#rep-counted"), "total": 9, "stage_applied": 4,
                                      "stage_hired": 5})
    found = services.team_dashboard(runtime, "rep-counted", datetime.datetime.now(datetime.timezone.utc).date())
    assert ("Applied", 4) in found.funnel and ("Hired", 5) in found.funnel
    assert "counters" in found.funnel_source


def test_a_postings_dashboard_counts_only_that_posting(runtime):
    mine, other = make_posting(team="rep-post"), make_posting(team="rep-post")
    _received(runtime, mine, [0, 2])
    _received(runtime, other, [0])
    assert services.posting_dashboard(runtime, mine.id, datetime.datetime.now(datetime.timezone.utc).date()).received == 2


def test_eeo_cells_under_five_are_hidden_with_the_next_smallest(runtime):
    runtime.main_table.put_item(Item={**keys.counters("EEO#rep-eeo"), "veteran:protected": 7,
                                      "veteran:not_protected": 30, "veteran:declined": 3, "disability:yes": 12,
                                      "disability:no": 40})
    report = {q.question: dict(q.cells) for q in services.eeo_report(runtime, "rep-eeo")}
    assert report["veteran"] == {"declined": None, "protected": None, "not_protected": 30}
    assert report["disability"] == {"yes": 12, "no": 40}
    assert services.eeo_report(runtime, "rep-nobody") == []
