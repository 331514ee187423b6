"""Appointment booking (issue 15): 500 concurrent bookings for 10 seats, and what one booking costs.

booking_overbooked: bookings made beyond the slot's seats after 500 threads race for its last 10 (must be 0),
  counted from the roster and the applications, not from what the calls returned.
booking_ddb_calls: DynamoDB calls of one booking (the slot's read that checks it is the application's to book,
  and the one conditional transaction).
booking_p50_ms: median time of one booking, in-process against the emulator (moto's HTTP round trips are most of it).
"""
from __future__ import annotations

import concurrent.futures
import datetime
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RACERS = 500
SEATS = 10
TIMED = 30


def figures(env) -> dict:
    sys.path.insert(0, str(ROOT))
    from bench.common import DynamoCallCounter
    from portal import clock
    from portal.appointments import services as appointments
    from portal.appointments.models import ONSITE_EVENT
    from tests.factories import make_application, make_posting

    runtime = env.new_runtime(env.new_stack())
    posting = make_posting(team="bench-booking")
    runtime.postings.put(posting)

    def slot(capacity: int):
        found = appointments.new_slot(
            team=posting.team, scope=appointments.posting_scope(posting.id), kind=ONSITE_EVENT,
            starts_at=clock.now().replace(microsecond=0) + datetime.timedelta(days=3), minutes=20,
            time_zone="America/Chicago", capacity=capacity, address="1 Depot Way, Joliet, IL")
        runtime.slots.put_many([found])
        return found

    people = [make_application(posting, stage="screened") for _ in range(RACERS + TIMED)]
    runtime.applications.put_many(people)
    racing = slot(SEATS)

    def book(application):
        try:
            appointments.book_slot(runtime, application, racing.id)
        except appointments.SlotFull:
            pass

    with concurrent.futures.ThreadPoolExecutor(max_workers=64) as pool:
        list(pool.map(book, people[:RACERS]))
    roster = runtime.slots.roster(racing.id)
    holding = [a for a in people[:RACERS] if runtime.applications.get(a.id).booking_id]
    overbooked = max(len(roster), len(holding)) - SEATS
    print(f"{RACERS} racing for {SEATS} seats: {len(roster)} on the roster, {len(holding)} holding a booking",
          file=sys.stderr)

    roomy = slot(TIMED)
    counter = DynamoCallCounter(runtime)
    times = []
    for application in people[RACERS:]:
        with counter.counting():
            start = time.perf_counter()
            appointments.book_slot(runtime, application, roomy.id)
            times.append(time.perf_counter() - start)
    return {"booking_overbooked": overbooked, "booking_ddb_calls": counter.calls,
            "booking_p50_ms": round(statistics.median(times) * 1000, 1)}
