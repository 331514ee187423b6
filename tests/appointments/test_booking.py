"""Booking appointment slots against the moto stack: one conditional transaction per booking, so 500 people racing
for the last 10 seats get exactly 10 bookings; moving and cancelling give seats back exactly once."""
import concurrent.futures
import datetime

import pytest

from portal import clock
from portal.applications.repository import ApplicationRepository
from portal.appointments import services as appointments
from portal.appointments.models import ONSITE_EVENT, VIRTUAL
from portal.errors import FieldProblem
from portal.postings.repository import PostingRepository
from tests.factories import make_application, make_posting

TEAM = "booking-team"
SOON = clock.now() + datetime.timedelta(days=3)


@pytest.fixture(scope="module")
def posting(main_table):
    found = make_posting(team=TEAM, title="Slot Picker")
    PostingRepository(main_table).put(found)
    return found


def _slot(runtime, posting, capacity=10, days=3, kind=ONSITE_EVENT, **overrides):
    slot = appointments.new_slot(
        team=posting.team, scope=appointments.posting_scope(posting.id), kind=kind,
        starts_at=(clock.now() + datetime.timedelta(days=days)).replace(microsecond=0), minutes=20,
        time_zone="America/New_York", capacity=capacity, address="1 Depot Way, Orlando, FL 32801",
        video_url="https://meet.example.com/x" if kind == VIRTUAL else "", **overrides)
    runtime.slots.put_many([slot])
    return slot


def _applicants(main_table, posting, n, **overrides):
    found = [make_application(posting, **{"stage": "screened", **overrides}) for _ in range(n)]
    ApplicationRepository(main_table).put_many(found)
    return found


def _fresh(runtime, application):
    return runtime.applications.get(application.id)


def test_500_concurrent_bookings_for_the_last_10_seats_give_exactly_10(runtime, main_table, posting):
    slot = _slot(runtime, posting, capacity=10)
    later = _slot(runtime, posting, capacity=50, days=4)
    people = _applicants(main_table, posting, 500)

    def book(application):
        try:
            return appointments.book_slot(runtime, application, slot.id)
        except appointments.SlotFull as full:
            return full

    with concurrent.futures.ThreadPoolExecutor(max_workers=64) as pool:
        outcomes = list(pool.map(book, people))
    booked = [o for o in outcomes if not isinstance(o, Exception)]
    full = [o for o in outcomes if isinstance(o, appointments.SlotFull)]
    assert (len(booked), len(full)) == (10, 490)
    assert all(later.id in [s.id for s in f.alternatives] and slot.id not in [s.id for s in f.alternatives]
               for f in full), "every one turned away is offered other times"
    assert runtime.slots.get(slot.id, consistent=True).seats_left == 0
    roster = runtime.slots.roster(slot.id)
    assert sorted(b.id for b in roster) == sorted(b.id for b in booked)
    holders = {b.application_id for b in booked}
    assert {a.id for a in people if _fresh(runtime, a).booking_id} == holders


def test_one_booking_per_application_and_a_cancel_gives_the_seat_back_once(runtime, main_table, posting):
    slot = _slot(runtime, posting, capacity=2)
    [ana] = _applicants(main_table, posting, 1)
    booking = appointments.book_slot(runtime, ana, slot.id, accommodation="A chair, please.")
    with pytest.raises(appointments.AlreadyBooked):
        appointments.book_slot(runtime, _fresh(runtime, ana), slot.id)  # a double click, or a replay
    assert runtime.slots.get(slot.id, consistent=True).seats_left == 1
    assert [b.accommodation for b in runtime.slots.roster(slot.id)] == ["A chair, please."]

    appointments.cancel_booking(runtime, _fresh(runtime, ana), booking)
    with pytest.raises(appointments.BookingGone):
        appointments.cancel_booking(runtime, _fresh(runtime, ana), booking)  # the replay gives nothing back
    assert runtime.slots.get(slot.id, consistent=True).seats_left == 2
    assert runtime.slots.roster(slot.id) == [] and _fresh(runtime, ana).booking_id == ""


def test_moving_takes_the_new_seat_and_gives_the_old_one_back_in_one_write(runtime, main_table, posting):
    first, second = _slot(runtime, posting, capacity=1), _slot(runtime, posting, capacity=1, days=5)
    [ana, ben] = _applicants(main_table, posting, 2)
    booking = appointments.book_slot(runtime, ana, first.id)
    appointments.book_slot(runtime, ben, second.id)
    with pytest.raises(appointments.SlotFull):
        appointments.move_booking(runtime, _fresh(runtime, ana), booking, second.id)
    assert runtime.slots.get(first.id, consistent=True).seats_left == 0, "a failed move keeps the old seat"
    third = _slot(runtime, posting, capacity=1, days=6)
    moved = appointments.move_booking(runtime, _fresh(runtime, ana), booking, third.id)
    assert [runtime.slots.get(s.id, consistent=True).seats_left for s in (first, third)] == [1, 0]
    assert _fresh(runtime, ana).booking_id == moved.id and runtime.slots.roster(first.id) == []


def test_a_closed_application_books_nothing_and_the_cut_off_holds(runtime, main_table, posting):
    slot = _slot(runtime, posting, capacity=3)
    [gone] = _applicants(main_table, posting, 1, stage="withdrawn")
    with pytest.raises(appointments.AlreadyBooked):
        appointments.book_slot(runtime, gone, slot.id)
    [ana] = _applicants(main_table, posting, 1)
    with pytest.raises(appointments.SlotFull):  # within the cut-off of its start
        appointments.book_slot(runtime, ana, slot.id, cutoff=datetime.timedelta(days=4))
    booking = appointments.book_slot(runtime, ana, slot.id)
    with pytest.raises(FieldProblem):
        appointments.cancel_booking(runtime, _fresh(runtime, ana), booking, cutoff=datetime.timedelta(days=4))
    assert runtime.slots.get(slot.id, consistent=True).seats_left == 2


@pytest.mark.parametrize("slot_id", ["<script>alert(1)</script>", "=HYPERLINK(\"http://x\")", "a\x00b", "x" * 5000,
                                     "", None, 7])
def test_a_slot_id_that_is_not_one_of_the_posting_s_is_refused_next_to_its_field(runtime, main_table, posting,
                                                                                  slot_id):
    [ana] = _applicants(main_table, posting, 1)
    with pytest.raises(FieldProblem) as refused:
        appointments.book_slot(runtime, ana, slot_id)
    assert refused.value.field == "slot_id"


def test_another_team_s_slot_cannot_be_booked(runtime, main_table, posting):
    other = make_posting(team="other-booking-team")
    PostingRepository(main_table).put(other)
    theirs = _slot(runtime, other, capacity=5)
    [ana] = _applicants(main_table, posting, 1)
    with pytest.raises(FieldProblem):
        appointments.book_slot(runtime, ana, theirs.id)
    assert runtime.slots.get(theirs.id, consistent=True).seats_left == 5


def test_a_series_keeps_its_wall_clock_times_across_daylight_saving():
    # US daylight saving time ends on 1 November 2026: 9:00 stays 9:00 in New York, a different UTC hour.
    starts = appointments.series_starts(datetime.date(2026, 10, 30), datetime.date(2026, 11, 2), {0, 4},
                                        datetime.time(9), datetime.time(10), 20)
    assert [s.strftime("%a %H:%M") for s in starts] == ["Fri 09:00", "Fri 09:20", "Fri 09:40",
                                                         "Mon 09:00", "Mon 09:20", "Mon 09:40"]
    slots = [appointments.new_slot(team=TEAM, scope="POSTING#x", kind=VIRTUAL, starts_at=s, minutes=20,
                                   time_zone="America/New_York", capacity=1, video_url="https://meet.example.com/a",
                                   now=datetime.datetime(2026, 10, 1, tzinfo=datetime.timezone.utc))
             for s in (starts[0], starts[3])]
    assert [s.starts_at[11:16] for s in slots] == ["13:00", "14:00"]
    with pytest.raises(FieldProblem):
        appointments.series_starts(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), {0, 1, 2, 3, 4},
                                   datetime.time(9), datetime.time(15), 20)
