"""The appointment's .ics file, read back with icalendar; its Google Calendar link, read back with urllib; and the
zone labels, across daylight saving time and in a zone without it."""
import dataclasses
import datetime
import unicodedata
import urllib.parse
import zoneinfo

import icalendar
import pytest

from portal.appointments.calendar import Appointment, google_calendar_link, ics, zone_label

UTC = datetime.timezone.utc
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
NOW = datetime.datetime(2026, 11, 20, 15, 30, 12, tzinfo=UTC)
STATUS_URL = "https://jobs.example.com/applications/tok-3f9a"
# 9:00 AM EST on a Tuesday in December: 14:00 UTC.
STARTS = datetime.datetime(2026, 12, 8, 9, 0, tzinfo=NEW_YORK)
ENDS = datetime.datetime(2026, 12, 8, 10, 30, tzinfo=NEW_YORK)


def _appointment(**changes) -> Appointment:
    base = Appointment(
        uid="01JF8Z6T5V7Q2W3E4R5T6Y7U8I",
        title="Hiring event: Sortation Associate",
        starts_at=STARTS,
        ends_at=ENDS,
        time_zone="America/New_York",
        location="1200 Industrial Way, Dock 4, Newark, NJ 07114",
        description="Bring a photo ID.\nWear closed-toe shoes.",
        url=STATUS_URL,
    )
    return dataclasses.replace(base, **changes)


def _parse(appointment: Appointment) -> tuple[bytes, icalendar.Calendar, icalendar.Event]:
    raw = ics(appointment, NOW)
    calendar = icalendar.Calendar.from_ical(raw)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return raw, calendar, events[0]


def _controls(text: str, allowed: str = "") -> list[str]:
    return [char for char in text if unicodedata.category(char) == "Cc" and char not in allowed]


# --- the .ics file ------------------------------------------------------------------------------------------------


def test_the_event_carries_the_booking():
    _, calendar, event = _parse(_appointment())
    assert str(calendar["PRODID"]) == "-//Flexwork Jobs//Appointments//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(event["UID"]) == "01JF8Z6T5V7Q2W3E4R5T6Y7U8I@flexwork-jobs"
    assert str(event["SUMMARY"]) == "Hiring event: Sortation Associate"
    assert str(event["LOCATION"]) == "1200 Industrial Way, Dock 4, Newark, NJ 07114"
    assert str(event["URL"]) == STATUS_URL
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTAMP") == NOW
    assert event.decoded("DTSTAMP").utcoffset() == datetime.timedelta(0)


def test_the_description_ends_with_the_status_link_on_its_own_line():
    _, _, event = _parse(_appointment())
    assert str(event["DESCRIPTION"]) == f"Bring a photo ID.\nWear closed-toe shoes.\n{STATUS_URL}"


def test_times_are_written_in_the_appointment_zone_at_the_same_instant():
    # Given in UTC, as the store holds them: the file still shows New York wall time, with its TZID.
    raw, _, event = _parse(_appointment(starts_at=STARTS.astimezone(UTC), ends_at=ENDS.astimezone(UTC)))
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event["DTEND"].params["TZID"] == "America/New_York"
    assert event.decoded("DTSTART") == STARTS
    assert event.decoded("DTEND") == ENDS
    assert event.decoded("DTSTART").astimezone(UTC) == datetime.datetime(2026, 12, 8, 14, 0, tzinfo=UTC)
    assert b"DTSTART;TZID=America/New_York:20261208T090000\r\n" in raw


def test_a_summer_appointment_keeps_its_instant_across_the_offset_change():
    starts = datetime.datetime(2027, 7, 6, 13, 0, tzinfo=UTC)   # 9:00 AM EDT
    _, _, event = _parse(_appointment(starts_at=starts, ends_at=starts + datetime.timedelta(hours=1)))
    assert event.decoded("DTSTART") == starts
    assert event.decoded("DTSTART").astimezone(NEW_YORK).hour == 9


def test_the_zone_is_sent_along_as_a_vtimezone():
    _, calendar, _ = _parse(_appointment())
    zones = calendar.walk("VTIMEZONE")
    assert [str(zone["TZID"]) for zone in zones] == ["America/New_York"]
    names = {str(part["TZNAME"]) for part in zones[0].walk() if part.name in ("STANDARD", "DAYLIGHT")}
    assert names == {"EST", "EDT"}
    # Defined before the event that refers to it.
    assert [component.name for component in calendar.subcomponents] == ["VTIMEZONE", "VEVENT"]


def test_the_vtimezone_covers_an_appointment_past_2038():
    starts = datetime.datetime(2041, 3, 14, 9, 0, tzinfo=NEW_YORK)
    _, calendar, event = _parse(_appointment(starts_at=starts, ends_at=starts + datetime.timedelta(hours=1)))
    zone = calendar.walk("VTIMEZONE")[0]
    assert zone.to_tz().utcoffset(datetime.datetime(2041, 3, 14, 9, 0)) == datetime.timedelta(hours=-4)
    assert event.decoded("DTSTART") == starts


def test_a_reminder_two_hours_before():
    raw, _, event = _parse(_appointment())
    alarms = event.walk("VALARM")
    assert len(alarms) == 1
    assert str(alarms[0]["ACTION"]) == "DISPLAY"
    assert alarms[0].decoded("TRIGGER") == datetime.timedelta(hours=-2)
    assert str(alarms[0]["DESCRIPTION"]) == "Hiring event: Sortation Associate"
    assert b"\r\nTRIGGER:-PT2H\r\n" in raw


def test_a_moved_booking_bumps_the_sequence_under_the_same_uid():
    later = STARTS + datetime.timedelta(days=1)
    _, _, event = _parse(_appointment(starts_at=later, ends_at=later + datetime.timedelta(hours=1), sequence=2))
    assert event["SEQUENCE"] == 2
    assert str(event["UID"]) == "01JF8Z6T5V7Q2W3E4R5T6Y7U8I@flexwork-jobs"
    assert event.decoded("DTSTART") == later


def test_a_cancellation():
    _, calendar, event = _parse(_appointment(cancelled=True, sequence=1))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert str(event["UID"]) == "01JF8Z6T5V7Q2W3E4R5T6Y7U8I@flexwork-jobs"
    # No reminder for an appointment that is not happening.
    assert event.walk("VALARM") == []


def test_lines_end_in_crlf_and_are_folded_at_75_octets():
    # Multi-byte text, so a fold that counted characters rather than octets would overrun.
    text = "Entrée par le quai n° 4 — 搬运工 🚚, puis à gauche; " * 40
    raw = ics(_appointment(title=text, location=text, description=text), NOW)
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(b"\r" not in line and b"\n" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines), "nothing was folded: the text is not long enough"
    # Each folded piece is still valid UTF-8: no character split across lines.
    for line in lines:
        line.decode("utf-8")


# --- hostile text -------------------------------------------------------------------------------------------------


def test_markup_and_formulas_are_kept_as_plain_text():
    title = '<script>alert("x")</script> =HYPERLINK("http://evil.example","click")'
    _, _, event = _parse(_appointment(title=title, location="=1+2", description="<b>bold</b>"))
    assert str(event["SUMMARY"]) == title
    assert str(event["LOCATION"]) == "=1+2"
    assert str(event["DESCRIPTION"]) == f"<b>bold</b>\n{STATUS_URL}"


def test_nul_escape_and_other_control_characters_are_stripped():
    dirty = "Sort\x00ation\x1b[31m Associate\x07\x7f\x9b\u202e"
    raw, _, event = _parse(_appointment(title=dirty, location="Dock\x004\x1b", uid="01JF\x00X",
                                        description="Line\x00 one\x1b\nTwo\x08", url=f"{STATUS_URL}\x00"))
    assert b"\x00" not in raw and b"\x1b" not in raw
    for name in ("SUMMARY", "LOCATION", "UID", "URL"):
        assert _controls(str(event[name])) == [], name
    assert _controls(str(event["DESCRIPTION"]), allowed="\n") == []
    assert str(event["SUMMARY"]) == "Sortation[31m Associate"
    assert str(event["LOCATION"]) == "Dock4"
    assert str(event["DESCRIPTION"]) == f"Line one\nTwo\n{STATUS_URL}"
    assert str(event["UID"]) == "01JFX@flexwork-jobs"
    assert str(event["URL"]) == STATUS_URL


def test_a_huge_description_is_capped_and_keeps_the_status_link():
    _, _, event = _parse(_appointment(description="x" * 100_000, title="t" * 100_000, location="l" * 5_000))
    description = str(event["DESCRIPTION"])
    assert len(description) == 2000
    assert description.endswith(f"\n{STATUS_URL}")
    assert description.startswith("xxxx")
    assert len(str(event["SUMMARY"])) == 2000
    assert len(str(event["LOCATION"])) == 2000


def test_commas_semicolons_and_newlines_round_trip():
    description = "Bring: ID, boots; gloves.\nPark at gate B, not A; \\ back door.\r\nAsk for Sam."
    raw, _, event = _parse(_appointment(title="Interview, round 2; on site", description=description))
    assert str(event["SUMMARY"]) == "Interview, round 2; on site"
    assert str(event["DESCRIPTION"]) == ("Bring: ID, boots; gloves.\nPark at gate B, not A; \\ back door.\n"
                                         f"Ask for Sam.\n{STATUS_URL}")
    assert b"SUMMARY:Interview\\, round 2\\; on site\r\n" in raw


@pytest.mark.parametrize("field", ["title", "location", "description", "url", "uid"])
@pytest.mark.parametrize("separator", ["\r\n", "\n", "\r", "\u2028", "\x85"])
def test_a_line_break_cannot_inject_a_property(field, separator):
    injected = f"Hello{separator}ATTENDEE:mailto:x@example.com{separator}END:VEVENT{separator}BEGIN:VEVENT"
    raw, calendar, event = _parse(_appointment(**{field: injected}))
    assert "ATTENDEE" not in event
    assert len(calendar.walk("VEVENT")) == 1
    lines = raw.split(b"\r\n")
    assert not any(line.startswith(b"ATTENDEE") for line in lines)
    assert lines.count(b"BEGIN:VEVENT") == 1 and lines.count(b"END:VEVENT") == 1
    assert set(event) == {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION", "URL",
                          "SEQUENCE", "STATUS"}


# --- the Google Calendar link -------------------------------------------------------------------------------------


def test_the_google_link_parses_and_names_the_utc_instants():
    link = google_calendar_link(_appointment())
    parts = urllib.parse.urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "calendar.google.com", "/calendar/render")
    query = urllib.parse.parse_qs(parts.query, strict_parsing=True)
    assert query == {
        "action": ["TEMPLATE"],
        "text": ["Hiring event: Sortation Associate"],
        "dates": ["20261208T140000Z/20261208T153000Z"],
        "details": [f"Bring a photo ID.\nWear closed-toe shoes.\n{STATUS_URL}"],
        "location": ["1200 Industrial Way, Dock 4, Newark, NJ 07114"],
        "ctz": ["America/New_York"],
    }
    assert " " not in link and "\n" not in link


def test_the_google_link_cannot_be_given_extra_parameters():
    link = google_calendar_link(_appointment(title="C++ & Co #1 ?x=1&ctz=Europe/London&dates=1",
                                             location="A=B&action=EDIT", description="50% off\x00\x1b"))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query, strict_parsing=True)
    assert urllib.parse.urlsplit(link).fragment == ""
    assert all(len(values) == 1 for values in query.values())
    assert query["text"] == ["C++ & Co #1 ?x=1&ctz=Europe/London&dates=1"]
    assert query["location"] == ["A=B&action=EDIT"]
    assert query["action"] == ["TEMPLATE"] and query["ctz"] == ["America/New_York"]
    assert query["details"] == [f"50% off\n{STATUS_URL}"]


def test_the_google_link_dates_in_summer_are_the_utc_instants():
    starts = datetime.datetime(2027, 7, 6, 9, 0, tzinfo=NEW_YORK)
    link = google_calendar_link(_appointment(starts_at=starts, ends_at=starts + datetime.timedelta(minutes=45)))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert query["dates"] == ["20270706T130000Z/20270706T134500Z"]


# --- zone labels --------------------------------------------------------------------------------------------------


def test_zone_label_reads_like_the_example():
    assert zone_label(STARTS, "America/New_York") == "Tue 8 Dec 2026, 9:00 AM EST (UTC\u221205:00)"


@pytest.mark.parametrize(("utc", "time_zone", "label"), [
    ((2027, 1, 15, 17, 5), "America/New_York", "Fri 15 Jan 2027, 12:05 PM EST (UTC−05:00)"),
    ((2027, 7, 15, 17, 5), "America/New_York", "Thu 15 Jul 2027, 1:05 PM EDT (UTC−04:00)"),
    ((2027, 1, 15, 17, 5), "America/Phoenix", "Fri 15 Jan 2027, 10:05 AM MST (UTC−07:00)"),
    ((2027, 7, 15, 17, 5), "America/Phoenix", "Thu 15 Jul 2027, 10:05 AM MST (UTC−07:00)"),
    ((2027, 7, 15, 4, 0), "America/Phoenix", "Wed 14 Jul 2027, 9:00 PM MST (UTC−07:00)"),
    ((2027, 7, 15, 6, 30), "Asia/Kolkata", "Thu 15 Jul 2027, 12:00 PM IST (UTC+05:30)"),
    # A zone whose abbreviation is only its offset: named once, not twice.
    ((2027, 7, 15, 3, 0), "America/Sao_Paulo", "Thu 15 Jul 2027, 12:00 AM (UTC−03:00)"),
])
def test_zone_label_names_the_offset_in_force(utc, time_zone, label):
    assert zone_label(datetime.datetime(*utc, tzinfo=UTC), time_zone) == label


# --- what is refused ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("changes", [
    {"starts_at": datetime.datetime(2026, 12, 8, 9, 0)},
    {"ends_at": datetime.datetime(2026, 12, 8, 10, 0)},
    {"ends_at": STARTS},
    {"time_zone": "America/Nowhere"},
    {"time_zone": "../../etc/passwd"},
    {"uid": "\x00 \x1b"},
    {"sequence": -1},
])
def test_an_appointment_that_cannot_be_written_is_refused(changes):
    with pytest.raises(ValueError):
        _appointment(**changes)


def test_naive_times_are_refused_where_they_are_read():
    with pytest.raises(ValueError):
        ics(_appointment(), datetime.datetime(2026, 11, 20, 15, 30))
    with pytest.raises(ValueError):
        zone_label(datetime.datetime(2026, 12, 8, 9, 0), "America/New_York")
