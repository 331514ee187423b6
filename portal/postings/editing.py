"""Rules for recruiters editing postings: the public validation rules, and create, edit, publish, close, duplicate.

Each writes the posting (its status, fields and published index keys, through the repository) and its audit entry.
The stream pipeline sees the change and publishes the static site, so no request waits for the site builder.
"""
from __future__ import annotations

import dataclasses
import datetime
import re
from decimal import Decimal

from ulid import ULID

from portal import clock, geo
from portal.accounts.models import Account
from portal.audit import services as audit
from portal.errors import FieldProblem
from portal.postings.models import (
    CLOSED, DRAFT, HYBRID, ONSITE, PAY_UNITS, PUBLISHED, REMOTE, WORKPLACES, Address, Posting,
)


class PostingRuleError(FieldProblem):
    """A posting breaks a public rule; ``field`` names the form field the message belongs next to."""


MAX_PAY = 10_000_000  # a year's pay; above it is a typing slip, and DynamoDB cannot store every Decimal anyway


def _storable_pay(value) -> bool:
    """Finite, at most MAX_PAY and to the cent: what a pay can be, and what DynamoDB's numbers hold exactly."""
    value = Decimal(value)
    return value.is_finite() and value <= MAX_PAY and value == value.quantize(Decimal("0.01"))


def check_rules(posting: Posting) -> None:
    """The rules a public posting must follow (the same ones the site and Google's JobPosting rely on)."""
    if posting.workplace not in WORKPLACES:
        raise PostingRuleError("workplace", "Choose remote, on-site or hybrid.")
    if posting.workplace == REMOTE and not posting.remote_states:
        raise PostingRuleError("remote_states", "A fully remote job must list the states applicants may live in.")
    if posting.workplace in (ONSITE, HYBRID) and posting.address is None:
        raise PostingRuleError("zip", "An on-site or hybrid job needs the site's address.")
    if posting.pay_unit not in PAY_UNITS:
        raise PostingRuleError("pay_unit", "Choose what the pay is per: hour, week, month or year.")
    if not all(_storable_pay(p) for p in (posting.pay_min, posting.pay_max)):
        raise PostingRuleError("pay_max", f"Pay is at most {MAX_PAY:,} with two decimal places at the most.")
    if posting.pay_min <= 0 or posting.pay_max < posting.pay_min:
        raise PostingRuleError("pay_max", "Pay is a range: the top must be at least the bottom, and both above zero.")
    if not 1 <= posting.hours_min <= posting.hours_max <= 80:
        raise PostingRuleError("hours_max", "The most hours must be at least the fewest, and 80 at the most.")
    if not posting.employment_types:
        raise PostingRuleError("employment_types", "Choose at least one type of employment.")
    if not posting.shifts:
        raise PostingRuleError("shifts", "Choose at least one shift.")


def site_address(street: str, city: str, zip_code: str) -> Address:
    """The site's address with its state and position from the ZIP code (offline), or a rule error on the ZIP."""
    place = geo.lookup_zip(zip_code or "")
    if place is None:
        raise PostingRuleError("zip", "Enter the site's real five-digit ZIP code, like 98032.")
    return Address(street.strip(), city.strip() or place.city, place.state, place.zip,
                   Decimal(str(place.lat)), Decimal(str(place.lon)))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def new_id(title: str, where: str) -> str:
    """Readable in the public URL, unique by its random tail."""
    return f"{_slug(title)}-{_slug(where)}-{str(ULID())[-6:].lower()}"


def create(runtime, account: Account, posting: Posting) -> Posting:
    """A new draft of one of the account's teams (an admin's: any team)."""
    created = _new_draft(runtime, account, posting)
    audit.record(runtime, account, "created", audit.posting_subject(created.id))
    return created


def _new_draft(runtime, account: Account, posting: Posting) -> Posting:
    check_rules(posting)
    if not account.works_for(posting.team):
        raise PostingRuleError("team", "Choose one of your teams.")
    now = clock.iso(clock.now())
    where = posting.address.city if posting.address else "remote"
    created = dataclasses.replace(posting, id=new_id(posting.title, where), status=DRAFT, date_posted="",
                                  created_at=now, updated_at=now)
    runtime.postings.create(created)
    return created


def edit(runtime, account: Account, current: Posting, changed: Posting) -> Posting:
    """New fields on the same posting; its id, status and dates stay. A published posting is republished by the pipeline."""
    check_rules(changed)
    if not account.works_for(changed.team):
        raise PostingRuleError("team", "Choose one of your teams.")
    edited = dataclasses.replace(changed, id=current.id, status=current.status, date_posted=current.date_posted,
                                 created_at=current.created_at, updated_at=clock.iso(clock.now()))
    runtime.postings.put(edited)
    audit.record(runtime, account, "edited", audit.posting_subject(current.id))
    return edited


def publish(runtime, account: Account, posting: Posting, today: datetime.date) -> Posting:
    check_rules(posting)
    if posting.valid_through and posting.valid_through < today.isoformat():
        raise PostingRuleError("valid_through", "The closing date has passed: set a later one before publishing.")
    published = dataclasses.replace(posting, status=PUBLISHED, date_posted=posting.date_posted or today.isoformat(),
                                    updated_at=clock.iso(clock.now()))
    runtime.postings.put(published)
    audit.record(runtime, account, "published", audit.posting_subject(posting.id))
    return published


def close(runtime, account: Account, posting: Posting) -> Posting:
    closed = dataclasses.replace(posting, status=CLOSED, updated_at=clock.iso(clock.now()))
    runtime.postings.put(closed)
    audit.record(runtime, account, "closed", audit.posting_subject(posting.id))
    return closed


def duplicate(runtime, account: Account, posting: Posting) -> Posting:
    """A draft copy with a new id: a quick start for the same role at another site or with other hours."""
    copy = _new_draft(runtime, account, dataclasses.replace(posting, valid_through=""))
    audit.record(runtime, account, "duplicated", audit.posting_subject(copy.id))
    return copy
