"""A booked appointment for the applicant's calendar: its .ics file, Google Calendar link and time in its zone."""
from __future__ import annotations

import dataclasses
import datetime
import unicodedata
import urllib.parse
import zoneinfo

import icalendar

PRODID = "-//Flexwork Jobs//Appointments//EN"
UID_DOMAIN = "flexwork-jobs"
TEXT_LIMIT = 2000
ALARM_BEFORE = datetime.timedelta(hours=2)
GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"

# Whitespace that would break a line (or look like it) turns into a space, not nothing, so the words on either side
# stay apart; in the description the line breaks are kept as newlines, which icalendar writes as the escaped \n.
_BREAKS = frozenset("\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_NEWLINES = frozenset("\n\r\x85\u2028\u2029")
# Bidi embeddings, overrides and isolates are format characters, not C0/C1 controls, but they can make a title or
# address read differently from what it holds, so they go too.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclasses.dataclass(frozen=True)
class Appointment:
    uid: str
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    time_zone: str
    location: str
    description: str
    url: str
    sequence: int = 0
    cancelled: bool = False

    def __post_init__(self) -> None:
        # A naive time would be read in the server's zone (UTC on Lambda), so the file would be hours off without
        # any error: refuse it here, where the mistake is made.
        for name in ("starts_at", "ends_at"):
            if getattr(self, name).utcoffset() is None:
                raise ValueError(f"{name} must be timezone-aware")
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        _zone(self.time_zone)
        if not _single_line(self.uid):
            raise ValueError("uid must not be empty")
        if self.sequence < 0:
            raise ValueError("sequence must not be negative")


def ics(appointment: Appointment, now: datetime.datetime) -> bytes:
    """The appointment as an iCalendar file (RFC 5545), stamped ``now``; a cancellation when it is cancelled."""
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    zone = _zone(appointment.time_zone)
    starts = appointment.starts_at.astimezone(zone)
    ends = appointment.ends_at.astimezone(zone)
    title = _single_line(appointment.title)

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if appointment.cancelled else "PUBLISH")

    event = icalendar.Event()
    event.add("uid", _uid(appointment))
    event.add("dtstamp", now.astimezone(datetime.timezone.utc))
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("summary", title)
    event.add("location", _single_line(appointment.location))
    event.add("description", _description(appointment))
    event.add("url", _single_line(appointment.url))
    event.add("sequence", appointment.sequence)
    event.add("status", "CANCELLED" if appointment.cancelled else "CONFIRMED")

    # A reminder for an appointment that is not happening would only send the applicant out for nothing.
    if not appointment.cancelled:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -ALARM_BEFORE)
        alarm.add("description", title or "Appointment")
        event.add_component(alarm)
    calendar.add_component(event)

    # The default span (1970 to 2038) writes decades of transitions and stops before appointments far ahead; the
    # years around the event give clients the rules they need, both sides of each change, and keep the file small.
    calendar.add_missing_timezones(first_date=datetime.date(starts.year - 1, 1, 1),
                                   last_date=datetime.date(ends.year + 2, 1, 1))
    if calendar.get_missing_tzids():
        raise ValueError(f"no VTIMEZONE could be made for {appointment.time_zone!r}")
    return calendar.to_ical()


def google_calendar_link(appointment: Appointment) -> str:
    """A link that opens Google Calendar's new-event page filled in with the appointment."""
    # Google reads `dates` ending in Z as UTC instants and shows them in `ctz`, which sidesteps its handling of
    # floating local times in whatever zone the applicant's browser is in.
    dates = "/".join(_google_time(moment) for moment in (appointment.starts_at, appointment.ends_at))
    query = {
        "action": "TEMPLATE",
        "text": _single_line(appointment.title),
        "dates": dates,
        "details": _description(appointment),
        "location": _single_line(appointment.location),
        "ctz": appointment.time_zone,
    }
    # %20 rather than "+" for a space: "+" means a space only to form decoders, and this link is pasted into
    # e-mails and pages whose own tools may read it otherwise.
    return f"{GOOGLE_CALENDAR}?{urllib.parse.urlencode(query, quote_via=urllib.parse.quote, safe='/')}"


def zone_label(when: datetime.datetime, time_zone: str) -> str:
    """``when`` as read in ``time_zone``, with the offset named: "Tue 8 Dec 2026, 9:00 AM EST (UTC−05:00)"."""
    if when.utcoffset() is None:
        raise ValueError("when must be timezone-aware")
    local = when.astimezone(_zone(time_zone))
    minutes = int(local.utcoffset().total_seconds()) // 60
    # U+2212, the minus sign, as typeset; a hyphen reads as a dash next to the time.
    sign = "\u2212" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    offset = f"UTC{sign}{hours:02d}:{minutes:02d}"
    hour = local.hour % 12 or 12
    meridiem = "AM" if local.hour < 12 else "PM"
    shown = (f"{_WEEKDAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year}, "
             f"{hour}:{local.minute:02d} {meridiem}")
    # Zones without a customary abbreviation have a numeric tzname ("-03"), which would only repeat the offset.
    abbreviation = local.tzname() or ""
    if abbreviation and abbreviation[0] not in "+-":
        return f"{shown} {abbreviation} ({offset})"
    return f"{shown} ({offset})"


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r}") from error


def _uid(appointment: Appointment) -> str:
    return f"{_single_line(appointment.uid)}@{UID_DOMAIN}"


def _description(appointment: Appointment) -> str:
    # The status link is the one line an applicant must be able to find, so it is kept whole and last; the cap
    # takes what it needs from the text above it.
    url = _single_line(appointment.url)
    room = TEXT_LIMIT - len(url) - 1
    body = _cap(_clean(appointment.description, multiline=True).strip(), room) if room > 0 else ""
    return f"{body}\n{url}" if body else url


def _single_line(text: str) -> str:
    return _cap(" ".join(_clean(text, multiline=False).split()), TEXT_LIMIT)


def _clean(text: str, multiline: bool) -> str:
    """``text`` without NUL and the other control characters, which calendar clients and mail filters treat
    differently (some cut the text at a NUL); in a multi-line field, each line break becomes one newline."""
    if multiline:
        text = text.replace("\r\n", "\n")
    kept = []
    for char in text:
        if multiline and char in _NEWLINES:
            kept.append("\n")
        elif char in _BREAKS:
            kept.append(" ")
        elif not _unwritable(char):
            kept.append(char)
    return "".join(kept)


def _unwritable(char: str) -> bool:
    # Lone surrogates cannot be encoded as UTF-8 (to_ical would fail), and noncharacters such as U+FFFE are
    # refused by the XML and mail parsers this text may be copied into.
    code = ord(char)
    return (unicodedata.category(char) in ("Cc", "Cs") or char in _BIDI_CONTROLS
            or (code & 0xFFFE) == 0xFFFE or 0xFDD0 <= code <= 0xFDEF)


def _cap(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit - 1].rstrip() + "\u2026"


def _google_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
