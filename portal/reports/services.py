"""What the dashboard and the EEO report show, computed from counters and recent applications (no Flask here)."""
from __future__ import annotations

import collections
import dataclasses
import datetime

from ulid import ULID

from portal.applications.models import STAGE_LABELS
from portal.postings.models import WORKPLACES

WINDOW_DAYS = 30
MAX_ITEMS = 20_000  # a month of one team's applications at the scale we expect; beyond, the page says so
SMALL_CELL = 5  # EEO cells under this are hidden


@dataclasses.dataclass
class Dashboard:
    funnel: list[tuple[str, int]]  # (stage label, applications now in that stage)
    funnel_source: str
    per_day: list[tuple[str, int]]  # (ISO date, applications received)
    workplace_share: list[tuple[str, int, float]]  # (preference, count, percent)
    hours_share: list[tuple[str, int, float]]
    triage_hours_median: float | None
    triage_hours_p90: float | None
    triaged: int
    received: int
    truncated: bool


def _since_id(today: datetime.date) -> str:
    start = datetime.datetime.combine(today - datetime.timedelta(days=WINDOW_DAYS - 1), datetime.time(),
                                      tzinfo=datetime.timezone.utc)
    return str(ULID.from_datetime(start))[:10]


def _parse(ts: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))


def _share(counter: collections.Counter, labels: dict) -> list[tuple[str, int, float]]:
    total = sum(counter.values()) or 1
    return [(labels.get(k, k), counter[k], round(100 * counter[k] / total, 1)) for k in labels if counter[k]]


def _hours_band(hours_max) -> str:
    hours = int(hours_max)
    return "under20" if hours < 20 else ("20to29" if hours < 30 else "30plus")


HOURS_BANDS = {"under20": "Fewer than 20 hours", "20to29": "20 to 29 hours", "30plus": "30 hours or more"}


def build(items: list[dict], counters: dict, today: datetime.date, truncated: bool) -> Dashboard:
    import statistics  # with fractions and decimal, more than a cold start should pay for a page few open

    days = [(today - datetime.timedelta(days=n)).isoformat() for n in range(WINDOW_DAYS - 1, -1, -1)]
    per_day = collections.Counter(str(ULID.from_str(i["id"]).datetime.date()) for i in items)
    if counters.get("total"):
        funnel = [(label, int(counters.get(f"stage_{stage}", 0))) for stage, label in STAGE_LABELS.items()]
        source = "all applications ever received (the pipeline's counters)"
    else:
        by_stage = collections.Counter(i["stage"] for i in items)
        funnel = [(label, by_stage[stage]) for stage, label in STAGE_LABELS.items()]
        source = f"applications received in the last {WINDOW_DAYS} days"
    waits = sorted((_parse(i["first_triaged_at"]) - _parse(i["created_at"])).total_seconds() / 3600
                   for i in items if i.get("first_triaged_at"))
    workplace = collections.Counter(i.get("preferences", {}).get("workplace", "") for i in items)
    hours = collections.Counter(_hours_band(i["preferences"]["hours_max"]) for i in items
                                if i.get("preferences", {}).get("hours_max") is not None)
    return Dashboard(
        funnel=funnel, funnel_source=source, per_day=[(d, per_day[d]) for d in days],
        workplace_share=_share(workplace, WORKPLACES), hours_share=_share(hours, HOURS_BANDS),
        triage_hours_median=round(statistics.median(waits), 1) if waits else None,
        triage_hours_p90=round(waits[min(len(waits) - 1, int(0.9 * len(waits)))], 1) if waits else None,
        triaged=len(waits), received=len(items), truncated=truncated,
    )


def team_dashboard(runtime, team: str, today: datetime.date) -> Dashboard:
    repo = runtime.reports
    items, truncated = repo.team_applications_since(team, _since_id(today), MAX_ITEMS)
    return build(items, repo.counters(f"TEAM#{team}"), today, truncated)


def posting_dashboard(runtime, posting_id: str, today: datetime.date) -> Dashboard:
    repo = runtime.reports
    items, truncated = repo.posting_applications_since(posting_id, list(STAGE_LABELS), _since_id(today), MAX_ITEMS)
    return build(items, repo.counters(f"POSTING#{posting_id}"), today, truncated)


@dataclasses.dataclass
class EeoQuestion:
    question: str
    cells: list[tuple[str, int | None]]  # (answer, count or None when hidden)


def eeo_report(runtime, team: str) -> list[EeoQuestion]:
    """Aggregate self-ID counts of a team, from the counters item only. Cells under 5 are hidden, and when one
    cell of a question is hidden, the next smallest is too, so no hidden cell can be worked out by subtraction."""
    item = runtime.reports.counters(f"EEO#{team}")
    grouped: dict[str, dict[str, int]] = collections.defaultdict(dict)
    for name, value in item.items():
        if ":" in name and not name.startswith(("pk", "sk")):
            question, answer = name.split(":", 1)
            grouped[question][answer] = int(value)
    report = []
    for question in sorted(grouped):
        answers = grouped[question]
        hidden = {a for a, n in answers.items() if n < SMALL_CELL}
        if len(hidden) == 1 and len(answers) > 1:
            shown = sorted((n, a) for a, n in answers.items() if a not in hidden)
            hidden.add(shown[0][1])
        report.append(EeoQuestion(question, [(a, None if a in hidden else answers[a]) for a in sorted(answers)]))
    return report
