"""The Posting record and the named values its fields take."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

# Statuses change only through the named functions in portal.postings.services.
DRAFT, PUBLISHED, CLOSED = "draft", "published", "closed"
STATUSES = (DRAFT, PUBLISHED, CLOSED)

REMOTE, ONSITE, HYBRID = "remote", "onsite", "hybrid"
WORKPLACES = {REMOTE: "Remote", ONSITE: "On-site", HYBRID: "Hybrid"}

# schema.org employmentType values, as Google reads them.
EMPLOYMENT_TYPES = {
    "FULL_TIME": "Full-time",
    "PART_TIME": "Part-time",
    "TEMPORARY": "Temporary",
    "SEASONAL": "Seasonal",
    "CONTRACTOR": "Contractor",
    "INTERN": "Internship",
}

CATEGORIES = {
    "customer-service": "Customer service",
    "fulfillment": "Fulfillment centre",
    "seasonal": "Seasonal",
}

SHIFTS = {"early": "Early", "day": "Day", "evening": "Evening", "night": "Night", "weekend": "Weekend"}

PROGRAMMES = {
    "tuition": "Tuition assistance",
    "apprenticeship": "Apprenticeship",
    "technical-training": "Technical training",
}

PAY_UNITS = {"HOUR": "hour", "WEEK": "week", "MONTH": "month", "YEAR": "year"}


@dataclasses.dataclass
class Address:
    street: str
    city: str
    state: str
    zip: str
    lat: Decimal | None = None
    lon: Decimal | None = None


@dataclasses.dataclass
class Posting:
    id: str
    title: str
    description: str
    employment_types: list[str]
    workplace: str
    category: str
    team: str
    hours_min: int
    hours_max: int
    shifts: list[str]
    pay_min: Decimal
    pay_max: Decimal
    pay_unit: str = "HOUR"
    benefits_hours: int = 20
    programmes: list[str] = dataclasses.field(default_factory=list)
    site: str = ""
    address: Address | None = None
    remote_states: list[str] = dataclasses.field(default_factory=list)
    status: str = DRAFT
    date_posted: str = ""  # ISO date the posting was first published
    valid_through: str = ""  # ISO date after which it closes by itself
    created_at: str = ""
    updated_at: str = ""

    @property
    def is_remote(self) -> bool:
        return self.workplace == REMOTE

    @property
    def location_label(self) -> str:
        if self.is_remote:
            return "Remote"
        where = f"{self.address.city}, {self.address.state}" if self.address else ""
        return f"{WORKPLACES[self.workplace]} · {where}" if self.workplace == HYBRID else where

    @property
    def pay_label(self) -> str:
        unit = PAY_UNITS.get(self.pay_unit, self.pay_unit.lower())
        if self.pay_min == self.pay_max:
            return f"${self.pay_min:.2f} an {unit}" if unit == "hour" else f"${self.pay_min:,.2f} a {unit}"
        article = "an" if unit == "hour" else "a"
        return f"${self.pay_min:.2f}–${self.pay_max:.2f} {article} {unit}"

    @property
    def hours_label(self) -> str:
        if self.hours_min == self.hours_max:
            return f"{self.hours_min} hours a week"
        return f"{self.hours_min}–{self.hours_max} hours a week"

    @property
    def employment_label(self) -> str:
        return ", ".join(EMPLOYMENT_TYPES.get(t, t) for t in self.employment_types)

    @property
    def shifts_label(self) -> str:
        return ", ".join(SHIFTS.get(s, s) for s in self.shifts)

    @property
    def programmes_label(self) -> list[str]:
        return [PROGRAMMES.get(p, p) for p in self.programmes]

    def to_item(self) -> dict:
        item = dataclasses.asdict(self)
        if self.address is None:
            item.pop("address")
        else:
            item["address"] = {k: v for k, v in item["address"].items() if v is not None}
        return item

    @classmethod
    def from_item(cls, item: dict) -> "Posting":
        fields = {f.name for f in dataclasses.fields(cls)}
        data = {k: v for k, v in item.items() if k in fields}
        for name in ("hours_min", "hours_max", "benefits_hours"):
            data[name] = int(data[name])
        if data.get("address"):
            data["address"] = Address(**data["address"])
        return cls(**data)
