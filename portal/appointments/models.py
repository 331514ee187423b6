"""Appointment slots and the bookings on them, as stored."""
from __future__ import annotations

import dataclasses
import datetime

ONSITE_EVENT = "onsite"  # an on-site hiring event: an address, and what to bring (the I-9 documents)
VIRTUAL = "virtual"  # a virtual interview or job preview: a video link
KINDS = (ONSITE_EVENT, VIRTUAL)

# What an on-site hiring event asks applicants to bring, after Form I-9's lists of acceptable documents.
I9_DOCUMENTS = (
    "One document from List A (for example, a US passport or a permanent resident card), or",
    "one from List B (for example, a driver's license or state ID card) and one from List C (for example, a "
    "Social Security card or a birth certificate)",
)


@dataclasses.dataclass(frozen=True)
class Slot:
    id: str
    team: str
    scope: str  # POSTING#<id> or SITE#<team>#<site>: who may book it
    kind: str
    starts_at: str  # UTC, ISO 8601 with offset
    ends_at: str
    time_zone: str  # IANA name: times are shown in it, with the offset named
    capacity: int
    seats_left: int
    address: str = ""
    bring: tuple[str, ...] = ()
    video_url: str = ""
    created_by: str = ""

    @property
    def start(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.starts_at)

    def to_item(self) -> dict:
        item = dataclasses.asdict(self)
        item["bring"] = list(self.bring)
        return item

    @classmethod
    def from_item(cls, item: dict) -> "Slot":
        return cls(id=item["id"], team=item["team"], scope=item["scope"], kind=item["kind"],
                   starts_at=item["starts_at"], ends_at=item["ends_at"], time_zone=item["time_zone"],
                   capacity=int(item["capacity"]), seats_left=int(item["seats_left"]),
                   address=item.get("address", ""), bring=tuple(item.get("bring", ())),
                   video_url=item.get("video_url", ""), created_by=item.get("created_by", ""))


@dataclasses.dataclass(frozen=True)
class Booking:
    id: str
    slot_id: str
    application_id: str
    team: str
    booked_at: str
    accommodation: str = ""  # travels with the booking to the recruiter's roster
    attendance: str = ""  # "", "attended" or "no_show"

    def to_item(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_item(cls, item: dict) -> "Booking":
        return cls(id=item["id"], slot_id=item["slot_id"], application_id=item["application_id"],
                   team=item["team"], booked_at=item["booked_at"], accommodation=item.get("accommodation", ""),
                   attendance=item.get("attendance", ""))
