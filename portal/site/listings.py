"""The listings of the public site (all jobs and each facet): which postings each holds, their URLs and titles."""
from __future__ import annotations

import dataclasses

from portal import geo
from portal.postings.models import REMOTE, Posting

ALL = "all"
# Facets a search engine can index, in the order the pages list them: (name, URL path under /jobs/, heading).
FACETS = (
    ("remote", "remote/", "Remote jobs"),
    ("part-time", "part-time/", "Part-time jobs"),
    ("full-time", "full-time/", "Full-time jobs"),
    ("fulfillment", "fulfillment/", "Fulfillment centre jobs"),
    ("customer-service", "customer-service/", "Customer service jobs"),
)
STATE_PREFIX = "state-"


@dataclasses.dataclass(frozen=True)
class Listing:
    name: str
    path: str  # URL path of its newest page, e.g. /jobs/remote/
    heading: str

    def page_path(self, number: int) -> str:
        return f"{self.path}page/{number}/"

    @property
    def state(self) -> str:
        """The state a state listing is for ("TX"); empty for the others."""
        return self.name[len(STATE_PREFIX):] if self.name.startswith(STATE_PREFIX) else ""

    @property
    def state_name(self) -> str:
        return geo.state_name(self.state) if self.state else ""


def listing(name: str) -> Listing:
    if name == ALL:
        return Listing(ALL, "/jobs/", "Jobs")
    for facet, path, heading in FACETS:
        if facet == name:
            return Listing(name, "/jobs/" + path, heading)
    if name.startswith(STATE_PREFIX):
        abbr = name[len(STATE_PREFIX):]
        return Listing(name, f"/jobs/state/{abbr}/", f"Jobs in {geo.state_name(abbr)}")
    raise KeyError(name)


def state_listing(abbr: str) -> str:
    return STATE_PREFIX + abbr


def every_listing() -> list[str]:
    """Every listing name. The full build writes each, even empty, so no link ever leads to a missing page."""
    return [ALL, *(f[0] for f in FACETS), *(state_listing(abbr) for abbr, _ in geo.state_choices())]


def listings_of(posting: Posting) -> list[str]:
    """The listings an open posting appears in.

    A state page lists the jobs whose workplace is in that state. Remote jobs open to a state are found with
    the filters (workplace remote plus the state): a remote job open to all 50 states would otherwise rewrite
    50 pages on every publish.
    """
    names = [ALL]
    if posting.workplace == REMOTE:
        names.append("remote")
    if "PART_TIME" in posting.employment_types:
        names.append("part-time")
    if "FULL_TIME" in posting.employment_types:
        names.append("full-time")
    if posting.category in ("fulfillment", "customer-service"):
        names.append(posting.category)
    if posting.workplace != REMOTE and posting.address and posting.address.state:
        names.append(state_listing(posting.address.state))
    return names
