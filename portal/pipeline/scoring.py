"""How well an application fits its posting: a score from 0 to 100, the reasons in words, programme flags, hard holds.

Pure rules: no AWS, no Flask. The applicant's answers are read defensively (``.get``), because the apply form
grows new questions over time and older applications lack them; a missing answer counts as unknown, which earns
half the points of its part, never a penalty. Nothing here rejects: a failed hard requirement puts the
application on hold with a reason, for a recruiter to decide.
"""
from __future__ import annotations

import dataclasses
import datetime

from portal import geo
from portal.postings.models import REMOTE, SHIFTS, Posting

# Points of each part; together 100.
LOCATION_POINTS = 30
HOURS_POINTS = 25
SHIFT_POINTS = 25
START_POINTS = 10
TERM_POINTS = 10

# Straight-line miles to the site, without a stated limit: what most people still travel for shift work.
EASY_COMMUTE_MILES = 15
FAR_COMMUTE_MILES = 50
# Term time: part-time roles up to this many hours a week fit around classes.
TERM_TIME_HOURS = 20

MILITARY_SPOUSE, VETERAN, STUDENT, ACCOMMODATION = "military-spouse", "veteran", "student", "accommodation"
FLAG_LABELS = {
    MILITARY_SPOUSE: "Military spouse (priority)",
    VETERAN: "Veteran",
    STUDENT: "Student",
    ACCOMMODATION: "Accommodation requested",
}


@dataclasses.dataclass(frozen=True)
class Fit:
    score: int
    reasons: list[str]
    flags: list[str]
    hold_reason: str = ""  # set when a hard requirement fails: the application goes on hold, not screened


def assess(posting: Posting, application: dict, today: datetime.date) -> Fit:
    """Score ``application`` (the stored item, plain values) against ``posting`` as of ``today``."""
    prefs = application.get("preferences") or {}
    location = application.get("location") or {}
    circumstances = _circumstances(application)
    parts = [
        _location(posting, location, prefs, application.get("distance_miles")),
        _hours(posting, prefs),
        _shifts(posting, prefs),
        _start(posting, prefs, today),
        _term_time(posting, prefs, circumstances, today),
    ]
    score = round(sum(points for points, _, _ in parts))
    reasons = [reason for _, reason, _ in parts if reason]
    holds = [hold for _, _, hold in parts if hold]
    return Fit(max(0, min(100, score)), reasons, _flags(circumstances), "; ".join(holds))


def _circumstances(application: dict) -> dict:
    prefs = application.get("preferences") or {}
    found = prefs.get("circumstances") or application.get("circumstances") or {}
    return found if isinstance(found, dict) else {}


def _flags(circumstances: dict) -> list[str]:
    flags = [flag for flag, key in ((MILITARY_SPOUSE, "military_spouse"), (VETERAN, "veteran"), (STUDENT, "student"))
             if circumstances.get(key)]
    if str(circumstances.get("accommodation") or "").strip():
        flags.append(ACCOMMODATION)
    return flags


def _location(posting: Posting, location: dict, prefs: dict, known_distance) -> tuple[float, str, str]:
    state = str(location.get("state") or "").upper()
    if posting.workplace == REMOTE:
        accepted = [s.upper() for s in posting.remote_states]
        if not state:
            return LOCATION_POINTS / 2, "home state unknown", ""
        if not accepted or state in accepted:
            return LOCATION_POINTS, f"lives in {state}, which this remote role accepts", ""
        return 0, f"lives in {state}, outside the states this remote role accepts", (
            f"Remote role open only to applicants in {', '.join(sorted(accepted))}; the applicant lives in {state}.")
    miles = _distance(posting, location, known_distance)
    limit = _int(prefs.get("max_commute_miles"))
    if miles is None:
        return LOCATION_POINTS / 2, "commute unknown", ""
    if limit is not None:
        if miles <= limit:
            return LOCATION_POINTS, f"{miles} miles from the site, within the {limit} they can travel", ""
        return 0, f"{miles} miles from the site, more than the {limit} they can travel", ""
    if miles <= EASY_COMMUTE_MILES:
        return LOCATION_POINTS, f"{miles} miles from the site", ""
    if miles >= FAR_COMMUTE_MILES:
        return 0, f"{miles} miles from the site: a long commute", ""
    share = (FAR_COMMUTE_MILES - miles) / (FAR_COMMUTE_MILES - EASY_COMMUTE_MILES)
    return LOCATION_POINTS * share, f"{miles} miles from the site", ""


def _distance(posting: Posting, location: dict, known_distance) -> int | None:
    if known_distance is not None:
        return _int(known_distance)
    if posting.address is None:
        return None
    home = geo.lookup_zip(str(location.get("zip") or ""))
    if home is None:
        return None
    if posting.address.lat is not None and posting.address.lon is not None:
        site_lat, site_lon = float(posting.address.lat), float(posting.address.lon)
    else:
        site = geo.lookup_zip(posting.address.zip)
        if site is None:
            return None
        site_lat, site_lon = site.lat, site.lon
    return round(geo.distance_miles(home.lat, home.lon, site_lat, site_lon))


def _hours(posting: Posting, prefs: dict) -> tuple[float, str, str]:
    low, high = _int(prefs.get("hours_min")), _int(prefs.get("hours_max"))
    if low is None and high is None:
        return HOURS_POINTS / 2, "hours unknown", ""
    low = low if low is not None else 0
    high = high if high is not None else low
    if high < posting.hours_min:
        return 0, f"up to {high} hours; the role needs at least {posting.hours_min}", ""
    if low > posting.hours_max:
        return HOURS_POINTS / 4, f"wants at least {low} hours; the role offers at most {posting.hours_max}", ""
    offered = min(high, posting.hours_max)
    if offered >= posting.hours_max:
        return HOURS_POINTS, f"all {posting.hours_max} hours", ""
    return HOURS_POINTS * offered / posting.hours_max, f"{offered} of {posting.hours_max} hours", ""


def _shifts(posting: Posting, prefs: dict) -> tuple[float, str, str]:
    wanted = {str(s) for s in prefs.get("shifts") or []}
    needed = list(posting.shifts)
    if not needed:
        return SHIFT_POINTS, "", ""
    if not wanted:
        return SHIFT_POINTS / 2, "shifts unknown", ""
    matched = [s for s in needed if s in wanted]
    missing = [s for s in needed if s not in wanted]
    if not matched:
        return 0, f"none of the role's shifts ({_shift_words(needed)}) suit them", ""
    reason = f"{_shift_words(matched)} match"  # plural words ("days", "evenings and weekends")
    if missing:
        reason += f"; not {_shift_words(missing)}"
    return SHIFT_POINTS * len(matched) / len(needed), reason, ""


_SHIFT_PLURALS = {"early": "early shifts", "day": "days", "evening": "evenings", "night": "nights", "weekend": "weekends"}


def _shift_words(shifts: list[str]) -> str:
    words = [_SHIFT_PLURALS.get(s, SHIFTS.get(s, s).lower()) for s in shifts]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _start(posting: Posting, prefs: dict, today: datetime.date) -> tuple[float, str, str]:
    start = _date(prefs.get("start_date"))
    if start is None:
        return START_POINTS / 2, "start date unknown", ""
    days_late = (start - today).days  # postings carry no start date of their own: a role wants people now
    if days_late <= 14:
        return START_POINTS, f"can start {'now' if start <= today else start.isoformat()}", ""
    closes = _date(posting.valid_through)
    if closes is not None and start > closes + datetime.timedelta(days=30):
        return 0, f"can start {start.isoformat()}, well after the posting closes", ""
    if days_late <= 42:
        return START_POINTS * 0.6, f"can start {start.isoformat()}, in {days_late // 7} weeks", ""
    return START_POINTS * 0.2, f"can start {start.isoformat()}, in {days_late // 7} weeks", ""


def _term_time(posting: Posting, prefs: dict, circumstances: dict, today: datetime.date) -> tuple[float, str, str]:
    student = bool(circumstances.get("student")) or bool(prefs.get("term_dates")) or bool(prefs.get("summer_only"))
    if not student:
        return TERM_POINTS, "", ""
    term = prefs.get("term_dates") if isinstance(prefs.get("term_dates"), dict) else {}
    term_start, term_end = _date(term.get("start")), _date(term.get("end"))
    in_term = term_start is not None and term_end is not None and term_start <= today <= term_end
    if prefs.get("summer_only"):
        if in_term:
            return 0, f"available only outside term time (term ends {term_end.isoformat()})", ""
        return TERM_POINTS, "available now, outside term time", ""
    if term_start is None or term_end is None:
        return TERM_POINTS / 2, "term dates unknown", ""
    if posting.hours_min > TERM_TIME_HOURS and (in_term or today < term_start):
        return TERM_POINTS / 2, f"term time: the role needs at least {posting.hours_min} hours a week", ""
    return TERM_POINTS, "fits around term time", ""


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
