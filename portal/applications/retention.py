"""The retention schedule: rejected and withdrawn applications erased, with their résumés, once the configured
period (settings.retention_months) has passed since they became so; and its last run, which admins see.

It does not wait for DynamoDB's TTL, which may take days. Candidates come from one Query of the retention index
(gsi3, ``RETENTION#ENDED``, sorted by when each application ended: portal/keys.py), never a Scan. Each candidate's
whole submission is read again, consistently, and what is still rejected or withdrawn and past the period is erased
(portal/applications/erasure.py) under a condition on the stage and version just read: an application moved back
meanwhile, or changed in any way, is kept, and the next run looks again. When nothing of the submission remains
but what is erased, the submission's status page, self-ID answers and résumé go with it; otherwise they stay with
the applications that remain (a hired one, say). Running twice, or two runs at once, or a run after one that
crashed midway, erases nothing twice and fails on nothing: what is gone no longer matches, and a résumé left by an
interrupted erasure is deleted first.

Applications that ended before ``ended_at`` and the index entry existed lack both, so no run finds them: back-fill
them (``ended_at`` from their stage history, then the index attributes through ``keys.application_queue_keys``)
before relying on this schedule for old data.
"""
from __future__ import annotations

import calendar
import dataclasses
import datetime
import logging
from typing import Callable

from botocore.exceptions import BotoCoreError, ClientError

from portal import clock, keys
from portal.applications import erasure, tokens
from portal.applications.models import Application
from portal.applications.stages import StageConflict

log = logging.getLogger(__name__)

# Applications looked at in one run, read a page at a time; the rest wait for the next run (hourly).
RUN_LIMIT = 2000
PAGE_SIZE = 100


@dataclasses.dataclass(frozen=True)
class RetentionRun:
    ran_at: str
    cutoff: str  # what ended before this was due
    retention_months: int
    erased: int  # applications erased
    failed: int = 0  # submissions the store refused just now: the next run tries them again
    more: bool = False  # stopped at the run's limit or time before reaching the cut-off

    @classmethod
    def from_item(cls, item: dict) -> "RetentionRun":
        return cls(ran_at=item["ran_at"], cutoff=item["cutoff"], retention_months=int(item["retention_months"]),
                   erased=int(item["erased"]), failed=int(item.get("failed", 0)), more=bool(item.get("more")))


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time ``months`` calendar months earlier (the month's last day when it is shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def is_due(application: Application, cutoff: str) -> bool:
    return application.stage in keys.RETENTION_STAGES and bool(application.ended_at) and application.ended_at < cutoff


def erase_expired(runtime, *, limit: int = RUN_LIMIT, out_of_time: Callable[[], bool] = lambda: False) -> RetentionRun:
    """One run of the schedule: erase what is due, record the run, and return it.

    ``out_of_time`` is asked between submissions (the Lambda entry passes its remaining time): the run then stops
    cleanly, records ``more`` and leaves the rest to the next run.
    """
    now = clock.now()
    at = clock.iso(now)
    months = runtime.settings.retention_months
    cutoff = clock.iso(months_before(now, months))
    erasure.delete_resumes_left(runtime)
    repo = runtime.applications
    erased = failed = looked_at = 0
    done: set[str] = set()
    start_key, more = None, False
    while True:
        page = repo.ended_before(cutoff, min(PAGE_SIZE, limit - looked_at), start_key)
        looked_at += len(page.items)
        for candidate in page.items:
            if candidate.submission_id in done:
                continue
            if out_of_time():
                more = True
                break
            done.add(candidate.submission_id)
            try:
                erased += _erase_due_of(runtime, candidate, cutoff, at)
            except (ClientError, BotoCoreError) as exc:  # throttled or refused: this submission waits for next time
                failed += 1
                log.warning("retention: a submission could not be erased now (%s)", erasure.error_name(exc))
        start_key = page.next_key
        if more or not start_key:
            break
        if looked_at >= limit:
            more = True
            break
    run = RetentionRun(at, cutoff, months, erased, failed, more)
    repo.record_retention_run(dataclasses.asdict(run))
    log.info("retention: erased %d applications that ended before %s", erased, cutoff)
    return run


def last_run(runtime) -> RetentionRun | None:
    """The schedule's last recorded run, or None before the first."""
    item = runtime.applications.last_retention_run()
    return RetentionRun.from_item(item) if item else None


def _erase_due_of(runtime, candidate: Application, cutoff: str, at: str) -> int:
    """Erase what is due of the candidate's submission, as it is now; returns how many applications were erased."""
    repo = runtime.applications
    token_hash = tokens.token_hash(tokens.status_token(runtime.secret_key, candidate.submission_id))
    item = repo.get_status(token_hash)
    # Without a status item (data loaded without one) the other applications of the submission are unknown: erase
    # the candidate alone, and leave the submission-wide items to the applicant's erasure.
    ids = list(item["application_ids"]) if item else [candidate.id]
    current = repo.get_many(ids, consistent=True)
    due = tuple(a for a in current.values() if is_due(a, cutoff))
    if not due:
        return 0  # moved back, or erased meanwhile
    try:
        if item is not None and len(due) == len(current):
            return erasure.erase_submission(runtime, token_hash, item, at, erasure.RETENTION, guards=due)
        return erasure.erase_applications(runtime, list(due), at, erasure.RETENTION)
    except StageConflict:
        return 0  # changed since it was read: the next run reads it again

