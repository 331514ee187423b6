"""Booking an appointment through the JSON API, found by the applicant's private token: listed, booked, replayed,
refused and cancelled, each answer checked against /api/openapi.json."""
import datetime
import uuid

import pytest

from portal import clock
from portal.appointments import services as appointments
from portal.appointments.models import ONSITE_EVENT
from portal.postings.repository import PostingRepository
from tests.factories import make_posting
from tests.web.api.test_api import body, check, spec  # noqa: F401  (the document, validated once)


@pytest.fixture(scope="module")
def postings(main_table):
    found = [make_posting(title="Booking Picker", team="booking-api"),
             make_posting(title="Elsewhere Picker", team="booking-api-other")]
    PostingRepository(main_table).put_many(found)
    return found


def _slot(runtime, posting, capacity, days=3):
    slot = appointments.new_slot(team=posting.team, scope=appointments.posting_scope(posting.id), kind=ONSITE_EVENT,
                                 starts_at=clock.now().replace(microsecond=0) + datetime.timedelta(days=days),
                                 minutes=30, time_zone="America/Chicago", capacity=capacity,
                                 address="1 Depot Way, Joliet, IL", bring=("Photo ID",))
    runtime.slots.put_many([slot])
    return slot


def _applicant(client, postings, email):
    resp = client.post("/api/applications", json=body(postings[:1], email=email),
                       headers={"Idempotency-Key": f"booking-api-{uuid.uuid4().hex}"})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["status_token"]


def test_an_applicant_lists_books_replays_and_cancels(client, runtime, postings, spec):  # noqa: F811
    last_seat, other_time = _slot(runtime, postings[0], 1), _slot(runtime, postings[0], 5, days=4)
    theirs = _slot(runtime, postings[1], 5)
    token = _applicant(client, postings, "booker.one@example.com")
    listed = check(spec, "/api/applications/{token}/slots", "get", client.get(f"/api/applications/{token}/slots"))
    ids = [s["id"] for s in listed["slots"]]
    assert last_seat.id in ids and other_time.id in ids and theirs.id not in ids
    assert "(UTC" in listed["slots"][0]["shown_as"]

    path = f"/api/applications/{token}/bookings"
    made = client.post(path, json={"slot_id": last_seat.id, "accommodation": "Step-free access, please."})
    booking = check(spec, "/api/applications/{token}/bookings", "post", made)["booking"]
    assert made.status_code == 201
    assert booking["slot"]["address"] == "1 Depot Way, Joliet, IL" and booking["slot"]["bring"] == ["Photo ID"]
    again = client.post(path, json={"slot_id": last_seat.id})
    assert again.status_code == 200 and check(spec, "/api/applications/{token}/bookings", "post", again) == \
        {"booking": booking}, "a replay books nothing more"
    assert runtime.slots.get(last_seat.id, consistent=True).seats_left == 0
    assert [b.accommodation for b in runtime.slots.roster(last_seat.id)] == ["Step-free access, please."]
    held = client.post(path, json={"slot_id": other_time.id})
    assert held.status_code == 409 and "cancel it first" in check(spec, "/api/applications/{token}/bookings",
                                                                   "post", held)["error"]

    other = _applicant(client, postings, "booker.two@example.com")
    full = client.post(f"/api/applications/{other}/bookings", json={"slot_id": last_seat.id})
    assert full.status_code == 409
    filled = check(spec, "/api/applications/{token}/bookings", "post", full)
    assert filled["error"] == "That time just filled up. Choose another."
    assert [s["id"] for s in filled["alternatives"]] == [other_time.id]

    cancel = f"/api/applications/{token}/bookings/{booking['id']}"
    assert client.delete(f"/api/applications/{other}/bookings/{booking['id']}").status_code == 404, \
        "another applicant's token cannot cancel it"
    assert client.delete(cancel).status_code == 204
    assert check(spec, "/api/applications/{token}/bookings/{booking_id}", "delete", client.delete(cancel)) \
        ["error"] == "No such booking."
    assert runtime.slots.get(last_seat.id, consistent=True).seats_left == 1, "given back once"


@pytest.mark.parametrize("sent", [
    {"slot_id": "<script>alert(1)</script>"}, {"slot_id": "=HYPERLINK(\"http://evil.example\")"},
    {"slot_id": "a\u0000b"}, {"slot_id": "x" * 100_000}, {"slot_id": 7}, {"slot_id": None}, {},
    {"slot_id": ["a", "b"]},
])
def test_a_slot_that_is_not_the_applicant_s_is_refused_next_to_its_field(client, postings, spec, sent):  # noqa: F811
    token = _applicant(client, postings, f"hostile.{uuid.uuid4().hex[:8]}@example.com")
    resp = client.post(f"/api/applications/{token}/bookings", json=sent)
    assert resp.status_code == 422
    assert "slot_id" in check(spec, "/api/applications/{token}/bookings", "post", resp)["errors"]


@pytest.mark.parametrize("accommodation", ["a\u0000b", "\u001b[31m", "x" * 1001, 12])
def test_an_accommodation_with_control_characters_or_too_long_is_refused(client, runtime, postings, spec,  # noqa: F811
                                                                          accommodation):
    slot = _slot(runtime, postings[0], 3)
    token = _applicant(client, postings, f"accommodation.{uuid.uuid4().hex[:8]}@example.com")
    resp = client.post(f"/api/applications/{token}/bookings", json={"slot_id": slot.id,
                                                                     "accommodation": accommodation})
    assert resp.status_code == 422 and "accommodation" in resp.get_json()["errors"]
    assert runtime.slots.get(slot.id, consistent=True).seats_left == 3


def test_a_virtual_slot_s_video_link_goes_only_to_those_who_booked_it(client, runtime, postings, spec):  # noqa: F811
    slot = appointments.new_slot(team=postings[0].team, scope=appointments.posting_scope(postings[0].id),
                                 kind="virtual", starts_at=clock.now().replace(microsecond=0)
                                 + datetime.timedelta(days=8), minutes=20, time_zone="America/Denver", capacity=4,
                                 video_url="https://meet.example.com/preview-42")
    runtime.slots.put_many([slot])
    token = _applicant(client, postings, "virtual.booker@example.com")
    listed = client.get(f"/api/applications/{token}/slots")
    assert "preview-42" not in listed.get_data(as_text=True)
    made = client.post(f"/api/applications/{token}/bookings", json={"slot_id": slot.id})
    booked = check(spec, "/api/applications/{token}/bookings", "post", made)["booking"]
    assert booked["slot"]["video_url"] == "https://meet.example.com/preview-42"


def test_another_team_s_slot_and_an_unknown_token_book_nothing(client, runtime, postings):
    theirs = _slot(runtime, postings[1], 2)
    token = _applicant(client, postings, "booker.three@example.com")
    assert client.post(f"/api/applications/{token}/bookings", json={"slot_id": theirs.id}).status_code == 422
    assert client.post("/api/applications/not-a-token/bookings", json={"slot_id": theirs.id}).status_code == 404
    assert client.get("/api/applications/not-a-token/slots").status_code == 404
    assert runtime.slots.get(theirs.id, consistent=True).seats_left == 2
