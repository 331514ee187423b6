"""Factories for test data: postings in each status and applicant answers, with sensible defaults."""
from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from portal.accounts.models import Account
from portal.accounts.services import hash_password
from portal.applications.models import Contact, Location, Preferences
from portal.applications.services import ApplicationInput
from portal.postings.models import ONSITE, PUBLISHED, REMOTE, Address, Posting

_ids = itertools.count(1)
PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = hash_password(PASSWORD)


def make_posting(**overrides) -> Posting:
    n = next(_ids)
    today = datetime.date.today()
    fields = dict(
        id=f"test-posting-{n:05d}",
        title=f"Picker {n}",
        description="Pick items for customer orders.",
        employment_types=["PART_TIME"],
        workplace=ONSITE,
        category="fulfillment",
        team="fulfillment-west",
        hours_min=20,
        hours_max=30,
        shifts=["day", "night"],
        pay_min=Decimal("18.50"),
        pay_max=Decimal("20.00"),
        site="Kent fulfillment centre SEA6",
        address=Address("20526 59th Pl S", "Kent", "WA", "98032", Decimal("47.41"), Decimal("-122.25")),
        programmes=["tuition"],
        status=PUBLISHED,
        date_posted=(today - datetime.timedelta(days=n % 30)).isoformat(),
        valid_through=(today + datetime.timedelta(days=30)).isoformat(),
    )
    fields.update(overrides)
    return Posting(**fields)


def make_remote_posting(**overrides) -> Posting:
    return make_posting(**{"workplace": REMOTE, "address": None, "site": "", "category": "customer-service",
                           "team": "customer-service", "remote_states": ["WA", "OR", "TX"], **overrides})


def make_answers(**overrides) -> ApplicationInput:
    n = next(_ids)
    return ApplicationInput(
        contact=Contact(overrides.pop("name", f"Sam Rivera {n}"), f"sam.{n}@example.com", "+12065550147", "email"),
        location=Location("98101", "WA"),
        preferences=Preferences(20, 30, ["day"], ONSITE),
    )


def make_account(email: str, role: str = "recruiter", teams=("fulfillment-west",), **overrides) -> Account:
    return Account(email=email, name=overrides.pop("name", email.split("@")[0].title()), role=role, teams=list(teams),
                   password_hash=_PASSWORD_HASH, **overrides)


def apply_form(**overrides) -> dict:
    """The fields of /apply/<id> as a careful applicant fills them."""
    data = {
        "name": "Jordan Lee",
        "email": "jordan.lee@example.com",
        "phone": "(206) 555-0147",
        "preferred_contact": "email",
        "zip": "98101",
        "hours_min": "20",
        "hours_max": "30",
        "shifts": ["day", "weekend"],
        "workplace": "onsite",
        "consent": "y",
    }
    data.update(overrides)
    return data


def make_application(posting: Posting | None = None, **overrides):
    """An Application record (not submitted through the form), for seeding queues directly."""
    from ulid import ULID

    from portal.applications.models import Application

    posting = posting or make_posting()
    n = next(_ids)
    application_id = overrides.pop("id", None) or str(ULID())
    fields = dict(
        id=application_id, submission_id=application_id, posting_id=posting.id, posting_title=posting.title,
        team=posting.team, contact=Contact(overrides.pop("name", f"Applicant {n}"), f"applicant.{n}@example.com",
                                           "+12065550147", "email"),
        location=Location(overrides.pop("zip", "98032"), overrides.pop("state", "WA")),
        preferences=Preferences(overrides.pop("hours_min", 20), overrides.pop("hours_max", 30),
                                overrides.pop("shifts", ["day"]), ONSITE),
        created_at="2026-11-20T10:00:00Z", updated_at="2026-11-20T10:00:00Z",
    )
    fields.update(overrides)
    return Application(**fields)
