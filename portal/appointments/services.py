"""Hiring appointments: recruiters open slots (one at a time or as a weekly series), and applicants book, move
and cancel their own, never past a slot's seats."""
from __future__ import annotations

import datetime
import zoneinfo

from ulid import ULID

from portal import clock, keys
from portal.appointments.models import KINDS, ONSITE_EVENT, VIRTUAL, Booking, Slot
from portal.appointments.repository import AlreadyBooked, BookingGone, SlotFull
from portal.errors import FieldProblem

__all__ = ["SlotFull", "AlreadyBooked", "BookingGone", "FieldProblem", "new_slot", "series_starts", "open_slots",
           "book_slot", "cancel_booking", "move_booking", "slots_for", "booking_of", "book_for", "cancel_for"]

MAX_CAPACITY = 500
MAX_SERIES = 400  # slots one series may open (a quarter of weekdays, 9:00-15:00, every 20 minutes: about 1,100)
MAX_MINUTES = 8 * 60
# Booking, moving and cancelling stop this long before a slot starts, unless the posting says otherwise.
DEFAULT_CUTOFF = datetime.timedelta(hours=2)
ALTERNATIVES = 5  # other times offered when the one chosen has just filled up
SLOTS_SHOWN = 60


def posting_scope(posting_id: str) -> str:
    return f"POSTING#{posting_id}"


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise FieldProblem("time_zone", "Choose a time zone from the list.") from None


def new_slot(*, team: str, scope: str, kind: str, starts_at: datetime.datetime, minutes: int, time_zone: str,
             capacity: int, address: str = "", bring: tuple[str, ...] = (), video_url: str = "",
             created_by: str = "", now: datetime.datetime | None = None) -> Slot:
    """A slot checked against the rules; ``starts_at`` is a wall-clock time in ``time_zone`` (naive) or aware."""
    zone = _zone(time_zone)
    if kind not in KINDS:
        raise FieldProblem("kind", "Choose an on-site hiring event or a virtual interview.")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise FieldProblem("capacity", f"Enter a number of seats from 1 to {MAX_CAPACITY}.")
    if not 5 <= minutes <= MAX_MINUTES:
        raise FieldProblem("minutes", f"Enter a length from 5 to {MAX_MINUTES} minutes.")
    if kind == ONSITE_EVENT and not address.strip():
        raise FieldProblem("address", "Enter the address of the hiring event.")
    if kind == VIRTUAL and not video_url.startswith("https://"):
        raise FieldProblem("video_url", "Enter the video link, starting https://.")
    local = starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=zone)
    start = local.astimezone(datetime.timezone.utc)
    if start <= (now or clock.now()):
        raise FieldProblem("starts_at", "Choose a time in the future.")
    end = start + datetime.timedelta(minutes=minutes)
    return Slot(id=str(ULID()), team=team, scope=scope, kind=kind, starts_at=clock.iso(start),
                ends_at=clock.iso(end), time_zone=time_zone, capacity=capacity, seats_left=capacity,
                address=address.strip(), bring=tuple(bring), video_url=video_url, created_by=created_by)


def series_starts(first_day: datetime.date, last_day: datetime.date, weekdays: set[int], day_start: datetime.time,
                  day_end: datetime.time, every_minutes: int) -> list[datetime.datetime]:
    """Wall-clock starts (naive, in the slots' zone) of a series: on each chosen weekday (0 = Monday) from
    first_day to last_day, one every ``every_minutes`` from day_start while a whole slot fits before day_end.
    Wall-clock, so 9:00 stays 9:00 across a change of daylight saving time."""
    if last_day < first_day:
        raise FieldProblem("last_day", "The last day must be on or after the first.")
    if not weekdays:
        raise FieldProblem("weekdays", "Choose at least one day of the week.")
    if not 5 <= every_minutes <= MAX_MINUTES:
        raise FieldProblem("every_minutes", f"Enter a length from 5 to {MAX_MINUTES} minutes.")
    if day_end <= day_start:
        raise FieldProblem("day_end", "The day must end after it starts.")
    starts, day, step = [], first_day, datetime.timedelta(minutes=every_minutes)
    while day <= last_day:
        if day.weekday() in weekdays:
            at, end = datetime.datetime.combine(day, day_start), datetime.datetime.combine(day, day_end)
            while at + step <= end:
                starts.append(at)
                if len(starts) > MAX_SERIES:
                    raise FieldProblem("last_day", f"A series opens at most {MAX_SERIES} slots: choose fewer days.")
                at += step
        day += datetime.timedelta(days=1)
    return starts


def open_slots(runtime, posting_id: str, cutoff: datetime.timedelta = DEFAULT_CUTOFF,
               now: datetime.datetime | None = None, limit: int = SLOTS_SHOWN) -> list[Slot]:
    """Slots of the posting that can still be booked (past the cut-off, with a seat left), soonest first."""
    not_before = clock.iso((now or clock.now()) + cutoff)
    slots = runtime.slots.list_for_scope(posting_scope(posting_id), not_before, limit)
    return [s for s in slots if s.seats_left > 0]


def book_slot(runtime, application, slot_id: str, accommodation: str = "",
              cutoff: datetime.timedelta = DEFAULT_CUTOFF, now: datetime.datetime | None = None) -> Booking:
    """Book the application onto the slot in one conditional transaction. SlotFull carries other times
    (``alternatives``); AlreadyBooked when it holds a booking already or is closed."""
    return _book(runtime, application, _slot_for(runtime, application, slot_id), accommodation, cutoff,
                 now or clock.now())


def _book(runtime, application, slot: Slot, accommodation: str, cutoff: datetime.timedelta,
          now: datetime.datetime) -> Booking:
    booking = Booking(id=str(ULID()), slot_id=slot.id, application_id=application.id, team=application.team,
                      booked_at=clock.iso(now), accommodation=accommodation)
    try:
        runtime.slots.book(booking, clock.iso(now + cutoff), keys.OPEN_STAGES)
    except SlotFull as full:
        full.alternatives = [s for s in open_slots(runtime, application.posting_id, cutoff, now, ALTERNATIVES + 1)
                             if s.id != slot.id][:ALTERNATIVES]
        raise
    return booking


def cancel_booking(runtime, application, booking: Booking, cutoff: datetime.timedelta = DEFAULT_CUTOFF,
                   now: datetime.datetime | None = None) -> None:
    _held_slot(runtime, application, booking, cutoff, now or clock.now(), "cancel")
    runtime.slots.cancel(booking)


def move_booking(runtime, application, booking: Booking, slot_id: str, cutoff: datetime.timedelta = DEFAULT_CUTOFF,
                 now: datetime.datetime | None = None) -> Booking:
    now = now or clock.now()
    _held_slot(runtime, application, booking, cutoff, now, "move")
    slot = _slot_for(runtime, application, slot_id)
    if slot.id == booking.slot_id:
        return booking  # already there: moving to the same time changes nothing
    moved = Booking(id=str(ULID()), slot_id=slot.id, application_id=application.id, team=application.team,
                    booked_at=clock.iso(now), accommodation=booking.accommodation)
    runtime.slots.move(booking, moved, clock.iso(now + cutoff), keys.OPEN_STAGES)
    return moved


def _held_slot(runtime, application, booking: Booking, cutoff: datetime.timedelta, now: datetime.datetime,
               verb: str) -> Slot:
    """The slot of the booking the application holds, if it may still be changed; BookingGone if it holds none."""
    slot = runtime.slots.get(booking.slot_id)
    if booking.application_id != application.id or application.booking_id != booking.id or slot is None:
        raise BookingGone()
    if slot.start <= now + cutoff:
        raise FieldProblem("booking", f"It is too close to the time to {verb} it here: call the recruiter instead.")
    return slot


def _may_book(application, slot: Slot | None) -> bool:
    return slot is not None and slot.team == application.team and slot.scope == posting_scope(application.posting_id)


def _named_slot(runtime, slot_id) -> Slot | None:
    """The slot a request names, read only when the id could be one (a string of a ULID's size or so)."""
    return runtime.slots.get(slot_id) if isinstance(slot_id, str) and 0 < len(slot_id) <= 40 else None


NOT_YOURS = "That time is not one you can book. Choose one from the list."


def _slot_for(runtime, application, slot_id: str) -> Slot:
    """The slot, if it is one this application may book (its posting's); otherwise it does not exist for them."""
    slot = _named_slot(runtime, slot_id)
    if not _may_book(application, slot):
        raise FieldProblem("slot_id", NOT_YOURS)
    return slot


# --- for one submission (the status page and the API, found by the applicant's private token) -----------------


def slots_for(runtime, applications, now: datetime.datetime | None = None) -> list[tuple[object, Slot]]:
    """(application, slot) for every slot the submission's open applications without a booking can take."""
    found = []
    for application in applications:
        if application.stage in keys.OPEN_STAGES and not application.booking_id:
            found += [(application, slot) for slot in open_slots(runtime, application.posting_id, now=now)]
    return found


def booking_of(runtime, application) -> Booking | None:
    if not application.booking_id:
        return None
    booking = runtime.slots.get_booking(application.booking_slot_id, application.id)
    return booking if booking is not None and booking.id == application.booking_id else None


def book_for(runtime, applications, slot_id, accommodation: str = "",
             now: datetime.datetime | None = None) -> tuple[Booking, bool]:
    """Book the slot for the one application of the submission whose posting it belongs to: (booking, made now).
    Sent again for a slot it already holds, the booking made the first time comes back (a replay books nothing)."""
    slot = _named_slot(runtime, slot_id)
    mine = [a for a in applications if _may_book(a, slot)]
    if not mine:
        raise FieldProblem("slot_id", NOT_YOURS)
    application = mine[0]
    held = booking_of(runtime, application)
    if held is not None and held.slot_id == slot.id:
        return held, False
    if held is not None:
        raise AlreadyBooked()
    return _book(runtime, application, slot, accommodation, DEFAULT_CUTOFF, now or clock.now()), True


def cancel_for(runtime, applications, booking_id, now: datetime.datetime | None = None) -> None:
    """Cancel the submission's booking with this id; BookingGone when none of its applications holds it."""
    mine = [a for a in applications if a.booking_id and a.booking_id == booking_id]
    booking = booking_of(runtime, mine[0]) if mine else None
    if booking is None:
        raise BookingGone()
    cancel_booking(runtime, mine[0], booking, now=now)
