"""What the stream pipeline does for each record: screen and route applications, history, counters, e-mail, site.

No Flask here: ``Pipeline`` reaches everything a record needs (the stores, SES, the site, the settings) through
the runtime it is handed. Every effect is idempotent, so a redelivered record changes nothing:

- the screening move is a conditional write on version 1 (``move_stage``): a second one gets StageConflict;
- history and counters of one transition go together in one transaction with a marker keyed by the application
  id and its version (or the record's sequence number when the version did not change);
- an e-mail is claimed by a marker before it is sent, and the claim is released if sending fails;
- publishing a posting rewrites its pages, which is idempotent by itself.

Within a batch, records are handled in stream order. When a record fails, the later records of the same item
are not handled (they are reported failed as well), so an item's changes are never applied out of order; the
records of other items are still handled, and will be handled again as no-ops when Lambda retries from the
failed record.
"""
from __future__ import annotations

import dataclasses
import datetime
import logging
from typing import Callable

from portal import clock, keys
from portal.applications.models import APPLIED, ON_HOLD, SCREENED, Application
from portal.applications.stages import StageConflict, move_stage
from portal.applications.tokens import draft_link_token, status_token
from portal.mail import has_template
from portal.pipeline import routing, scoring
from portal.pipeline.counting import QueueState, deltas
from portal.pipeline.records import INSERT, MODIFY, REMOVE, MalformedRecord, StreamRecord, parse
from portal.pipeline.repository import Transition

log = logging.getLogger("portal.pipeline")

PIPELINE = "pipeline"
# Stages the applicant hears about by e-mail (templates/email/<stage>.txt); screening and holds are internal.
MAIL_STAGES = ("interview", "offer", "hired", "rejected", "withdrawn")
# Posting attributes that change nothing on the public site when they alone change.
POSTING_BOOKKEEPING = frozenset({"updated_at"})


class PostingMissing(LookupError):
    """The application names a posting that does not exist: a real inconsistency, left for the dead-letter queue."""


@dataclasses.dataclass
class Pipeline:
    """One batch's view of the runtime: what the handlers below use, each part reached only when a record needs it."""

    runtime: object
    # Epoch seconds when the last full site build started: posting records from before it are in the site already.
    site_built_at: float | None = None
    now: Callable[[], datetime.datetime] = clock.now

    def status_url(self, submission_id: str) -> str:
        """The private status link of a submission, rebuilt from its id: the one step here that signs something."""
        token = status_token(self.runtime.secret_key, submission_id)
        return f"{self.runtime.settings.public_base_url.rstrip('/')}/applications/{token}"

    def publish_posting(self, posting_id: str) -> None:
        from portal import site

        site.publish_posting(self.runtime, posting_id)

    def keep_resume(self, key: str) -> None:
        """Marks a linked résumé kept, out of the upload bucket's one-day expiry of unsent uploads (resumes.py)."""
        self.runtime.resumes.keep(key)


def process_batch(pipeline: Pipeline, raw_records) -> dict:
    """Handle a Lambda batch; return the partial-batch response naming the records to retry."""
    failures: list[str] = []
    blocked: set[tuple[str, str]] = set()
    for position, raw in enumerate(raw_records if isinstance(raw_records, list) else []):
        try:
            record = parse(raw, pipeline.runtime.settings.main_table)
        except MalformedRecord as exc:
            log.warning("skipped record %d of the batch: %s", position, exc)
            continue
        if record.item_key in blocked:
            failures.append(record.sequence_number)
            continue
        try:
            handle_record(pipeline, record)
        except MalformedRecord as exc:
            log.warning("skipped record %s (%s): %s", record.sequence_number, record.event_name, exc)
        except Exception as exc:  # noqa: BLE001 - one failing record must not sink the others
            blocked.add(record.item_key)
            failures.append(record.sequence_number)
            log.error("record %s (%s of %s) failed: %s", record.sequence_number, record.event_name,
                      record.entity or "unknown entity", _error_name(exc))
    return {"batchItemFailures": [{"itemIdentifier": seq} for seq in failures]}


def _error_name(exc: Exception) -> str:
    # Messages may quote keys or values, so only the error's code (botocore) or class is logged.
    response = getattr(exc, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return code or type(exc).__name__


# What the pipeline reads from each image; an item without them is of a shape it does not know, and is skipped.
APPLICATION_FIELDS = ("id", "submission_id", "posting_id", "team", "stage", "version", "contact", "location",
                      "preferences")
STATUS_FIELDS = ("submission_id", "contact_email")


def _require(image: dict | None, fields: tuple[str, ...], what: str) -> None:
    missing = [name for name in fields if image is None or image.get(name) is None]
    if missing:
        raise MalformedRecord(f"the {what} lacks {', '.join(missing)}")


def handle_record(pipeline: Pipeline, record: StreamRecord) -> None:
    entity = record.entity
    if entity == "application" and record.keys.get("sk") == keys.APPLICATION_SK:
        for image in (record.new, record.old):
            if image is not None:
                _require(image, APPLICATION_FIELDS, "application")
        {INSERT: screen_application, MODIFY: application_changed, REMOVE: application_removed}[record.event_name](
            pipeline, record)
    elif entity == "status":
        if record.event_name == INSERT:
            _require(record.new, STATUS_FIELDS, "status item")
            send_confirmation(pipeline, record.new)
        keep_linked_resume(pipeline, record)
    elif entity == "posting":
        posting_changed(pipeline, record)
    elif entity == "draft":
        send_finish_later_link(pipeline, record)
    else:
        # Everything else in the table (accounts, markers, history, counters, the pipeline's own writes)
        # needs nothing from the pipeline.
        log.debug("record %s: nothing to do for %s", record.sequence_number, entity or "an item without entity")


def screen_application(pipeline: Pipeline, record: StreamRecord) -> None:
    """A new application: count it, score it, route it and move it to screened (or on hold), once."""
    item = record.new
    now = pipeline.now()
    arrival = _transition(None, item, version=1, sequence_number=record.sequence_number, now=now)
    if item.get("stage") != APPLIED:
        pipeline.runtime.pipeline_effects.record([arrival], _epoch(now), check_first=True)
        return
    posting = pipeline.runtime.postings.get(str(item["posting_id"]))
    if posting is None:
        raise PostingMissing("the application's posting does not exist")
    fit = scoring.assess(posting, item, now.date())
    assignee = routing.least_loaded(pipeline.runtime.accounts.list_members(str(item["team"])))
    extra = {"score": fit.score, "fit_reasons": fit.reasons, "flags": fit.flags, "hold_reason": fit.hold_reason,
             "routed_at": clock.iso(now)}
    if assignee:
        extra["assignee"] = assignee
    try:
        moved = move_stage(pipeline.runtime.applications, Application.from_item(item),
                           ON_HOLD if fit.hold_reason else SCREENED, by=PIPELINE, at=clock.iso(now),
                           reason=fit.hold_reason, extra=extra)
    except StageConflict:
        # Screened already (this record is a redelivery), or a recruiter acted first. The arrival may not be
        # counted yet (a crash right after the move); the move itself is counted from its own MODIFY record.
        pipeline.runtime.pipeline_effects.record([arrival], _epoch(now), check_first=True)
        return
    # Arrival and screening are counted together, now rather than when the MODIFY record arrives, so the next
    # application of this batch is routed on the new load. The MODIFY record finds the marker and stops there.
    screening = _transition(item, moved.to_item(), version=moved.version, sequence_number=record.sequence_number,
                            now=now)
    pipeline.runtime.pipeline_effects.record([arrival, screening], _epoch(now))


def application_changed(pipeline: Pipeline, record: StreamRecord) -> None:
    """A stage move, a reassignment or another edit: history, counters and load, then the applicant's e-mail."""
    old, new = record.old, record.new
    if QueueState.of(old) == QueueState.of(new):
        return
    now = pipeline.now()
    version_changed = int(new.get("version", 0)) != int(old.get("version", 0))
    change = _transition(old, new, version=int(new["version"]) if version_changed else None,
                         sequence_number=record.sequence_number, now=now)
    # The screening's own move was recorded by screen_application already, so look before writing.
    pipeline.runtime.pipeline_effects.record([change], _epoch(now), check_first=True)
    if new.get("stage") != old.get("stage") and new.get("stage") in MAIL_STAGES and has_template(new["stage"]):
        _send_stage_mail(pipeline, new, now)


def application_removed(pipeline: Pipeline, record: StreamRecord) -> None:
    """An erased application leaves its queue: take it off the counters and its recruiter's load."""
    old = record.old
    removal = Transition(f"APP#{old['id']}", "counted#removed", deltas(QueueState.of(old), None))
    pipeline.runtime.pipeline_effects.record([removal], _epoch(pipeline.now()))


def _transition(old: dict | None, new: dict, *, version: int | None, sequence_number: str,
                now: datetime.datetime) -> Transition:
    """History (when the stage changed) and counter deltas of one change, marked by version (or by record)."""
    application_id = str(new["id"])
    effect = f"counted#v{version}" if version is not None else f"counted#seq{sequence_number}"
    history = None
    from_stage = old.get("stage") if old else ""
    if version is not None and from_stage != new.get("stage"):
        history = {
            **keys.application_history(application_id, version),
            "entity": "application_history",
            "application_id": application_id,
            "version": version,
            "at": new.get("updated_at") or new.get("created_at") or clock.iso(now),
            "from_stage": from_stage or "",
            "to_stage": new.get("stage"),
            "by": new.get("moved_by") or ("applicant" if old is None else ""),
            "reason": new.get("stage_reason") or "",
        }
    return Transition(f"APP#{application_id}", effect, deltas(QueueState.of(old), QueueState.of(new)), history)


def _send_once(pipeline: Pipeline, scope: str, effect: str, template: str, to: str, context: dict,
               now: datetime.datetime, about: dict) -> None:
    """Claim, send, and give the claim back if sending failed (so the retry sends it): at most one e-mail.

    Only while the item the e-mail is ``about`` (its key) still exists: records arrive after the fact, and an
    applicant who withdrew and then erased everything must not hear from us again.
    """
    if pipeline.runtime.mailer is None or not to:
        log.info("no e-mail sent for %s (%s): mail is not configured or there is no address", scope, template)
        return
    if not pipeline.runtime.pipeline_effects.exists(about):
        log.info("no e-mail sent for %s (%s): erased since", scope, template)
        return
    if not pipeline.runtime.pipeline_effects.claim(scope, effect, _epoch(now)):
        return
    try:
        pipeline.runtime.mailer.send(template, to, context)
    except Exception:
        pipeline.runtime.pipeline_effects.release(scope, effect)
        raise


def _send_stage_mail(pipeline: Pipeline, item: dict, now: datetime.datetime) -> None:
    contact = item.get("contact") or {}
    context = {
        "name": contact.get("name") or "there",
        "posting_title": item.get("posting_title") or "the role",
        "contact_by": {"phone": "by phone", "text": "by text message"}.get(contact.get("preferred"), "by e-mail"),
        "status_url": pipeline.status_url(str(item["submission_id"])),
    }
    _send_once(pipeline, f"APP#{item['id']}", f"mail#v{int(item['version'])}", item["stage"],
               str(contact.get("email") or ""), context, now, about=keys.application(str(item["id"])))


def send_confirmation(pipeline: Pipeline, status: dict) -> None:
    """The applicant's confirmation, with the private status link rebuilt from the submission id."""
    now = pipeline.now()
    submission_id = str(status["submission_id"])
    context = {
        "name": status.get("contact_name") or "there",
        "reference": status.get("reference") or submission_id,
        "posting_titles": list(status.get("posting_titles") or []),
        "status_url": pipeline.status_url(submission_id),
    }
    _send_once(pipeline, f"SUBMISSION#{submission_id}", "mail#confirmation", "confirmation",
               str(status.get("contact_email") or ""), context, now, about={"pk": status["pk"], "sk": status["sk"]})


def send_finish_later_link(pipeline: Pipeline, record: StreamRecord) -> None:
    """Each "finish later" the applicant asked for (an unfinished application's ``links_sent`` going up) sends
    the private link that resumes it, once."""
    new, old = record.new or {}, record.old or {}
    number = int(new.get("links_sent", 0))
    if number <= int(old.get("links_sent", 0)) or not new.get("email"):
        return

    draft_id = str(new["id"])
    expires = datetime.datetime.fromtimestamp(int(new.get("expires_at", 0)), datetime.timezone.utc)
    name = ((new.get("answers") or {}).get("name") or ["there"])[0].strip() or "there"
    context = {
        "name": name,
        "posting_title": new.get("posting_title") or "the job",
        "link": f"{pipeline.runtime.settings.public_base_url.rstrip('/')}/apply/later/"
                f"{draft_link_token(pipeline.runtime.secret_key, draft_id)}",
        "until": f"{expires.day} {expires:%B %Y}",
    }
    _send_once(pipeline, f"DRAFT#{draft_id}", f"mail#later#{number}", "finish_later", str(new["email"]), context,
               pipeline.now(), about={"pk": new["pk"], "sk": new["sk"]})


def keep_linked_resume(pipeline: Pipeline, record: StreamRecord) -> None:
    """A résumé newly linked to a submission (on the form, or later from the status page) is kept."""
    key = str((record.new or {}).get("resume_key") or "")
    if key and key != (record.old or {}).get("resume_key"):
        pipeline.keep_resume(key)


def posting_changed(pipeline: Pipeline, record: StreamRecord) -> None:
    """Published, edited, closed, expired or deleted: the public site publishes that posting's pages again."""
    if pipeline.site_built_at is not None and record.created_at is not None \
            and record.created_at + 1 < pipeline.site_built_at:  # the creation time has whole seconds only
        return
    if record.event_name == MODIFY:
        changed = {name for name in set(record.old) | set(record.new) if record.old.get(name) != record.new.get(name)}
        if not changed - POSTING_BOOKKEEPING:
            return
    image = record.new or record.old
    pipeline.publish_posting(str(image.get("id") or record.keys["pk"].split("#", 1)[-1]))


def _epoch(moment: datetime.datetime) -> int:
    return int(moment.timestamp())
