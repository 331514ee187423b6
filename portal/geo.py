"""Offline US geography: ZIP codes to state and position (zipcodes), state names (us). No network at run time."""
from __future__ import annotations

import dataclasses
import functools
import math

import zipcodes


@dataclasses.dataclass(frozen=True)
class ZipPlace:
    zip: str
    city: str
    state: str
    lat: float
    lon: float


@functools.lru_cache(maxsize=1)
def state_choices() -> list[tuple[str, str]]:
    """(abbreviation, name) for the 50 states and DC, by name."""
    import us  # on first use: it builds its tables at import, which a cold start need not pay for

    states = [*us.states.STATES, us.states.DC]
    return sorted(((s.abbr, s.name) for s in states), key=lambda pair: pair[1])


@functools.lru_cache(maxsize=None)
def state_name(abbr: str) -> str:
    return dict(state_choices()).get(abbr.upper(), abbr)


def lookup_zip(code: str) -> ZipPlace | None:
    """The place of a five-digit ZIP code, or None when the offline dataset does not know it."""
    code = code.strip()[:5]
    # ASCII digits only: str.isdigit() also passes "９８０３２", on which the zipcodes library panics (a
    # BaseException, which no error handler catches).
    if len(code) != 5 or not (code.isascii() and code.isdigit()):
        return None
    matches = zipcodes.matching(code)
    if not matches:
        return None
    m = matches[0]
    return ZipPlace(zip=code, city=m["city"], state=m["state"], lat=float(m["lat"]), lon=float(m["long"]))


def distance_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine). Straight-line, so a commute by road is somewhat longer."""
    earth_radius_miles = 3958.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * earth_radius_miles * math.asin(math.sqrt(a))



@functools.lru_cache(maxsize=1)
def zip_state_table() -> dict:
    """Which state a ZIP code is in, compactly, for the browser (the site's /jobs/zips.json): ``ranges`` of
    three-digit prefixes, each ``[first prefix, state]`` in order ("" where no state of ``state_choices`` has one),
    and ``zips``, the few codes in a state other than their prefix's. Built from the same offline dataset as
    ``lookup_zip``, so both give one answer for every ZIP code the dataset knows."""
    import collections

    states = dict(state_choices())
    places = [(p["zip_code"], p["state"]) for p in zipcodes.list_all() if p["state"] in states]
    by_prefix: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for code, state in places:
        by_prefix[code[:3]][state] += 1
    usual = {prefix: counts.most_common(1)[0][0] for prefix, counts in by_prefix.items()}
    ranges, last = [], None
    for prefix in (f"{n:03d}" for n in range(1000)):
        if usual.get(prefix, "") != last:
            last = usual.get(prefix, "")
            ranges.append([prefix, last])
    exceptions = {code: state for code, state in places if usual[code[:3]] != state}
    return {"ranges": ranges, "zips": dict(sorted(exceptions.items()))}
