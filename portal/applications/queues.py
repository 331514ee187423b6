"""Triage queues: which index serves a queue with its filters, and one page of it topped up to full.

Every filter alone is a key condition on one index (see the access-pattern table in portal/keys.py). When several
are combined, the page queries the most selective index and applies the others as a filter expression; DynamoDB
then reads items that do not match, so the page is topped up by following LastEvaluatedKey, at most
``max_reads`` queries per page, and says when it stopped before the page was full.
"""
from __future__ import annotations

import dataclasses
import datetime

from boto3.dynamodb.conditions import Attr, Key
from ulid import ULID

from portal import keys
from portal.applications.models import (
    APPLIED, INTERVIEW, OFFER, ON_HOLD, SCREENED, STAGE_LABELS, Application,
)

SORTS = {"newest": "Newest first", "oldest": "Oldest first", "fit": "Best fit first"}
FLAGS = {"military-spouse": "Military spouse", "veteran": "Veteran", "student": "Student",
         "accommodation": "Accommodation requested"}
ALL_STAGES = ""


@dataclasses.dataclass
class QueueFilter:
    """What a recruiter asked to see. ``team`` for a team queue, or ``assignee`` for "my queue"."""

    team: str | None = None
    assignee: str | None = None
    stage: str = "applied"  # ALL_STAGES for every stage
    posting_id: str = ""
    state: str = ""
    score_min: int | None = None
    score_max: int | None = None
    shift: str = ""
    hours_min: int | None = None  # applicants who can work at least this many hours a week
    flag: str = ""
    received_from: datetime.date | None = None
    received_to: datetime.date | None = None
    sort: str = "newest"


@dataclasses.dataclass
class QueryPlan:
    """One Query: the index, its key condition, what is left for the filter expression, and the direction."""

    index: str
    key_condition: object
    filter_expression: object | None
    forward: bool
    served_by: str  # which filter the key serves, shown on the page and in the docs

    @property
    def key_names(self) -> tuple[str, str]:
        return f"{self.index}pk", f"{self.index}sk"


@dataclasses.dataclass
class QueuePage:
    applications: list[Application]
    next_key: dict | None
    reads: int  # Query calls made
    items_read: int  # ScannedCount summed: what DynamoDB read, matching or not
    stopped_early: bool  # the page is not full, but more of the queue is left to look through
    served_by: str


class UnservableFilter(ValueError):
    """A combination no index can serve (e.g. best fit first across every stage)."""


def _ulid_prefix(day: datetime.date) -> str:
    """The first ten characters (the time part) of a ULID made at midnight UTC on ``day``."""
    moment = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.timezone.utc)
    return str(ULID.from_datetime(moment))[:10]


def _id_range(f: QueueFilter) -> tuple[str, str] | None:
    if f.received_from is None and f.received_to is None:
        return None
    low = _ulid_prefix(f.received_from) if f.received_from else "0"
    high = _ulid_prefix(f.received_to + datetime.timedelta(days=1)) if f.received_to else "~"
    return low, high


def plan(f: QueueFilter) -> QueryPlan:
    """Choose the index whose key serves the most selective filter; the rest become the filter expression."""
    ids = _id_range(f)
    leftovers: dict[str, object] = {}

    def keep(name, condition):
        leftovers[name] = condition

    forward = f.sort == "oldest"
    if f.assignee:
        index, pk, served = "gsi3", keys.assignee_partition(f.assignee), "my queue"
        sk = Key("gsi3sk").between(*ids) if ids else None
        if f.sort == "fit":
            raise UnservableFilter("My queue is sorted by date. Choose a team queue to sort by best fit.")
        if f.stage:
            keep("stage", Attr("stage").eq(f.stage))
        _rest_as_filter_expression(f, keep)
    elif f.sort == "fit":
        if f.stage not in keys.OPEN_STAGES:
            raise UnservableFilter("Best fit first needs one open stage: choose Applied, Screened, Interview, Offer or On hold.")
        index, pk, served = "gsi4", keys.team_fit_partition(f.team, f.stage), "best fit"
        low = f.score_min if f.score_min is not None else 0
        high = f.score_max if f.score_max is not None else 999
        sk = Key("gsi4sk").between(f"{low:03d}#", f"{high:03d}#~") if (f.score_min, f.score_max) != (None, None) else None
        if ids:
            keep("received", Attr("id").between(*ids))
        _rest_as_filter_expression(f, keep, score=False)
    elif not f.stage:
        index, pk, served = "gsi1", keys.team_applications_partition(f.team), "team, every stage"
        sk = Key("gsi1sk").between(*ids) if ids else None
        _rest_as_filter_expression(f, keep)
    else:
        index, pk, served, sk = _best_filter_index(f, ids, keep)
    condition = Key(f"{index}pk").eq(pk)
    if sk is not None:
        condition = condition & sk
    expression = None
    for part in leftovers.values():
        expression = part if expression is None else expression & part
    return QueryPlan(index, condition, expression, forward, served)


def _rest_as_filter_expression(f: QueueFilter, keep, score: bool = True) -> None:
    """Every filter other than stage and date, as filter-expression conditions."""
    if f.posting_id:
        keep("posting", Attr("posting_id").eq(f.posting_id))
    if f.state:
        keep("state", Attr("location.state").eq(f.state))
    if f.shift:
        keep("shift", Attr("preferences.shifts").contains(f.shift))
    if f.flag:
        keep("flag", Attr("flags").contains(f.flag))
    if f.hours_min is not None:
        keep("hours", Attr("preferences.hours_max").gte(f.hours_min))
    if score and (f.score_min is not None or f.score_max is not None):
        keep("score", Attr("score").between(f.score_min or 0, f.score_max if f.score_max is not None else 100))


def _best_filter_index(f: QueueFilter, ids, keep):
    """One stage, newest or oldest first: a posting is the narrowest key, then a flag, a shift, a state, hours."""
    stage = f.stage
    rest = dataclasses.replace(f)
    if f.posting_id:
        index, pk, served = keys.POSTING_INDEX, keys.posting_stage_partition(f.posting_id, stage), "posting"
        rest.posting_id = ""
    elif f.flag:
        index, pk, served = keys.FLAG_INDEXES[f.flag], keys.team_flag_partition(f.team, stage, f.flag), "flag"
        rest.flag = ""
    elif f.shift:
        index, pk, served = keys.SHIFT_INDEXES[f.shift], keys.team_shift_partition(f.team, stage, f.shift), "shift"
        rest.shift = ""
    elif f.state:
        index, pk, served = keys.STATE_INDEX, keys.team_state_partition(f.team, stage, f.state), "state"
        rest.state = ""
    elif f.hours_min is not None:
        index, pk, served = keys.HOURS_INDEX, keys.team_hours_partition(f.team, stage), "hours"
        rest.hours_min = None
        sk = Key(f"{index}sk").gte(f"{keys.hours_sort_prefix(f.hours_min)}#")
        if ids:
            keep("received", Attr("id").between(*ids))
        _rest_as_filter_expression(rest, keep)
        return index, pk, served, sk
    else:
        index, pk, served = "gsi2", keys.team_stage_partition(f.team, stage), "stage"
    sk = Key(f"{index}sk").between(*ids) if ids else None
    _rest_as_filter_expression(rest, keep)
    return index, pk, served, sk


def read_page(runtime, f: QueueFilter, size: int, start_key: dict | None = None, max_reads: int = 5) -> QueuePage:
    """One page of ``size`` applications, following LastEvaluatedKey while filters leave it short (at most ``max_reads``).

    The caller has checked that the account may see the queue (its team, or its own "my queue").
    """
    repo = runtime.applications
    query = plan(f)
    found: list[dict] = []
    reads = items_read = 0
    key = start_key
    while True:
        items, key, scanned = repo.query_index(query.index, query.key_condition, query.filter_expression,
                                               size, key, query.forward)
        reads += 1
        items_read += scanned
        found.extend(items)
        if len(found) >= size or key is None or reads >= max_reads:
            break
    if len(found) > size:
        # The last query matched more than the page holds: resume right after the last item shown.
        found = found[:size]
        key = _resume_key(found[-1], query)
    stopped_early = len(found) < size and key is not None
    return QueuePage([Application.from_item(i) for i in found], key, reads, items_read, stopped_early, query.served_by)


def _resume_key(item: dict, query: QueryPlan) -> dict:
    names = ("pk", "sk", *query.key_names)
    return {name: item[name] for name in names}


# Where a recruiter's work waits, most pressing first: screened applications await a first look. "Applied" is last:
# the pipeline screens those within seconds, so it is seldom where work is.
WORK_ORDER = (SCREENED, INTERVIEW, OFFER, ON_HOLD, APPLIED)


def stage_counts(runtime, team_id: str) -> dict[str, int]:
    """Applications in each stage of the team now, from the pipeline's counters item: one read, not a query per
    stage. (The counters follow the stream, so they may lag a move by a second.)"""
    counters = runtime.reports.counters(f"TEAM#{team_id}")
    return {stage: max(0, int(counters.get(f"stage_{stage}", 0))) for stage in STAGE_LABELS}


def landing_stage(counts: dict[str, int]) -> str:
    """The stage a team's queue opens on: the first of WORK_ORDER with applications in it."""
    return next((stage for stage in WORK_ORDER if counts.get(stage)), SCREENED)
