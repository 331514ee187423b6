"""The employer's own words on the public site: the home page's sections, the benefits and military pages, and the
hours a week from which benefits start.

They are content, not code: one JSON file per employer, named by the setting ``employer_content``
(``PORTAL_EMPLOYER_CONTENT``); without it, the demo employer's ``employer.json`` beside this module. ``{benefits_hours}``
in any text becomes the threshold. Every link is checked when the file is read, so a typo fails the build rather
than publishing a link to nowhere.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import re
import urllib.parse
from pathlib import Path

from portal import geo
from portal.site.listings import FACETS

DEMO = Path(__file__).with_name("employer.json")
# The content pages, by their key in the file, and their URLs.
PAGES = {"benefits": "/benefits/", "military": "/military/"}
# The query parameters /jobs/ understands (static/js/search.js).
SEARCH_PARAMS = frozenset({"q", "workplace", "type", "category", "state", "shift", "hours", "pay", "zip"})


@dataclasses.dataclass(frozen=True)
class Link:
    href: str
    text: str


@dataclasses.dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    link: Link | None = None


@dataclasses.dataclass(frozen=True)
class Page:
    name: str
    path: str
    title: str
    description: str  # the meta description: 50 to 160 characters
    heading: str
    lead: str
    summary: str  # what the home page says of it
    sections: tuple[Section, ...]


@dataclasses.dataclass(frozen=True)
class Employer:
    name: str
    benefits_hours: int
    home_heading: str
    home_lead: str
    home_sections: tuple[Section, ...]
    pages: dict[str, Page]
    programmes: dict[str, str]  # a posting's programme (portal/postings/models.py PROGRAMMES) -> what it offers

    def qualifies(self, hours_max: int) -> bool:
        """A job whose hours reach the threshold comes with benefits."""
        return hours_max >= self.benefits_hours


def load(path: str | Path = "") -> Employer:
    """The content in ``path`` (the demo employer's when empty), read once per version of the file."""
    found = Path(path) if path else DEMO
    return _load(str(found.resolve()), found.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> Employer:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    hours = int(data["benefits_hours"])

    def text(value: str) -> str:
        return str(value).replace("{benefits_hours}", str(hours))

    def section(raw: dict) -> Section:
        link = raw.get("link")
        return Section(
            heading=text(raw["heading"]),
            paragraphs=tuple(text(p) for p in raw.get("paragraphs", ())),
            items=tuple(text(i) for i in raw.get("items", ())),
            link=Link(_checked(link["href"]), text(link["text"])) if link else None,
        )

    pages = {}
    for name, url in PAGES.items():
        raw = data["pages"][name]
        pages[name] = Page(name=name, path=url, title=text(raw["title"]), description=text(raw["description"]),
                           heading=text(raw["heading"]), lead=text(raw.get("lead", "")),
                           summary=text(raw.get("summary", "")),
                           sections=tuple(section(s) for s in raw.get("sections", ())))
    home = data["home"]
    return Employer(
        name=str(data["name"]),
        benefits_hours=hours,
        home_heading=text(home["heading"]),
        home_lead=text(home.get("lead", "")),
        home_sections=tuple(section(s) for s in home.get("sections", ())),
        pages=pages,
        programmes={str(k): text(v) for k, v in data.get("programmes", {}).items()},
    )


def site_paths() -> set[str]:
    """The pages of the site a content link may name (each is written by every full build); a state's listing
    (/jobs/state/TX/) is one too."""
    return {"/", "/jobs/", "/jobs/state/", *PAGES.values(), *(f"/jobs/{path}" for _, path, _ in FACETS)}


def _checked(href: str) -> str:
    """A link to a page the site has (a search on /jobs/ only with parameters it reads), or an https URL."""
    parts = urllib.parse.urlsplit(href)
    if parts.scheme == "https" and parts.netloc:
        return href
    params = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
    state = re.fullmatch(r"/jobs/state/([A-Z]{2})/", parts.path)
    known = parts.path in site_paths() or (state is not None and state[1] in dict(geo.state_choices()))
    if parts.scheme or parts.netloc or not known or (params and parts.path != "/jobs/") or set(params) - SEARCH_PARAMS:
        raise ValueError(f"employer content links to {href!r}, which is not a page of the site")
    return href
