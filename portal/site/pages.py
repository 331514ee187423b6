"""Renders every object of the public site from postings, in memory: HTML pages, search index, feeds, sitemaps.

No DynamoDB and no S3 here: the publisher decides what to render and where it goes.
"""
from __future__ import annotations

import dataclasses
import datetime
import json

from portal import geo
from portal.postings.models import CATEGORIES, EMPLOYMENT_TYPES, SHIFTS, WORKPLACES, Posting
from portal.postings.services import is_open
from portal.site import employer as employer_content, feeds, jsonld
from portal.site.employer import Employer
from portal.site.listings import FACETS, Listing

HTML_CACHE = "public, max-age=60"
DATA_CACHE = "public, max-age=300"
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "json": "application/json",
    "xml": "application/xml",
    "txt": "text/plain; charset=utf-8",
    "svg": "image/svg+xml",
}
RSS_SIZE = 50
SEARCH_PATH = "/jobs/search.json"
ZIPS_KEY = "jobs/zips.json"  # which state a ZIP is in, for "jobs near me" (static/js/search.js)


@dataclasses.dataclass
class SiteObject:
    key: str  # bucket key: /jobs/ is jobs/index.html
    body: bytes
    content_type: str
    cache_control: str


def content_type(key: str) -> str:
    return CONTENT_TYPES.get(key.rsplit(".", 1)[-1], "application/octet-stream")


def key_of(path: str) -> str:
    """The bucket key that serves a URL path: directories are their index.html."""
    path = path.lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def newest_first(records: list[dict]) -> list[dict]:
    return sorted(records, key=lambda r: (r["d"], r["i"]), reverse=True)


@dataclasses.dataclass(frozen=True)
class Card:
    """A posting as a listing shows it, read from its search record (the listing pages keep only those)."""

    id: str
    title: str
    location_label: str
    employment_label: str
    pay_label: str
    hours_label: str
    shifts_label: str
    benefits: bool = False  # its hours reach the employer's benefits threshold

    @classmethod
    def of(cls, record: dict, employer: Employer | None = None) -> "Card":
        benefits = employer is not None and employer.qualifies(record["h"][1])
        return cls(record["i"], record["t"], record["l"], record["el"], record["pl"], record["hl"], record["sl"],
                   benefits)


class SiteRenderer:
    """Renders with the app's Jinja environment, so the static pages and the dynamic ones share templates."""

    def __init__(self, jinja_env, base_url: str, today: datetime.date, employer: Employer | None = None):
        self.env = jinja_env
        self.base_url = base_url.rstrip("/")
        self.today = today
        self.employer = employer or employer_content.load()
        self._templates = {}

    def _html(self, path: str, template: str, **context) -> SiteObject:
        tpl = self._templates.get(template)
        if tpl is None:
            tpl = self._templates[template] = self.env.get_template(template)
        html = tpl.render(base_url=self.base_url, canonical=self.base_url + path, employer=self.employer, **context)
        return SiteObject(key_of(path), html.encode(), CONTENT_TYPES["html"], HTML_CACHE)

    def _filters(self) -> dict:
        return {
            "workplaces": WORKPLACES, "employment_types": EMPLOYMENT_TYPES, "categories": CATEGORIES,
            "shifts": SHIFTS, "states": geo.state_choices(), "facets": FACETS,
        }

    def home(self) -> SiteObject:
        return self._html("/", "public/home.html", facets=FACETS, pages=self.employer.pages)

    def content_pages(self) -> list[SiteObject]:
        """The employer's pages beside the jobs (/benefits/, /military/), from its content."""
        return [self._html(page.path, "public/page.html", page=page) for page in self.employer.pages.values()]

    def zip_states(self) -> SiteObject:
        """The ZIP-to-state table "jobs near me" reads: a ZIP becomes the state whose jobs an applicant can take."""
        return self._data(ZIPS_KEY, json.dumps(geo.zip_state_table(), separators=(",", ":")))

    def posting(self, posting: Posting) -> SiteObject:
        open_now = is_open(posting, self.today)
        markup = jsonld.script_json(jsonld.job_posting(posting, self.base_url)) if open_now else None
        return self._html(f"/jobs/{posting.id}/", "public/posting.html", posting=posting, is_open=open_now,
                          jsonld=markup, state_name=geo.state_name)

    def record_is_open(self, record: dict) -> bool:
        """Still open today: a posting past its date leaves the listings even before the schedule closes it."""
        return not record.get("v") or record["v"] >= self.today.isoformat()

    def _open_newest_first(self, records: list[dict]) -> list[dict]:
        return newest_first([r for r in records if self.record_is_open(r)])

    def listing_page(self, listing: Listing, number: int, newest: int, records: list[dict],
                     as_newest: bool = False) -> SiteObject:
        """Page `number` of a listing (pages anchored at the oldest: 1 is the oldest, `newest` the newest).

        The listing's own URL shows the newest two pages together, so it is never nearly empty just after a
        new page opens; every page also has its numbered URL, which never changes.
        """
        if as_newest:
            path, older, newer = listing.path, (number - 2 if number > 2 else None), None
        else:
            path = listing.page_path(number)
            older = number - 1 if number > 1 else None
            newer = number + 1 if number < newest else None
        shown = [Card.of(r, self.employer) for r in self._open_newest_first(records)]
        return self._html(
            path, "public/jobs.html", listing=listing, postings=shown, number=number,
            older_url=listing.page_path(older) if older else None,
            newer_url=listing.page_path(newer) if newer else None,
            search=listing.name == "all", **self._filters(),
        )

    def robots(self) -> SiteObject:
        """robots.txt: the whole public site may be crawled, and the sitemap says where every job is. Applicants'
        and recruiters' pages say noindex themselves, and are not in the bucket anyway."""
        return self._data("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {self.base_url}/sitemap.xml\n")

    def not_found(self) -> SiteObject:
        """The page CloudFront (and local mode) sends, with a 404, for a path the bucket has no object for."""
        return self._html("/404.html", "public/404.html")

    def states_index(self) -> SiteObject:
        return self._html("/jobs/state/", "public/states.html", states=geo.state_choices())

    @staticmethod
    def _data(key: str, text: str) -> SiteObject:
        return SiteObject(key, text.encode(), content_type(key), DATA_CACHE)

    def search_chunk(self, number: int, records: list[dict]) -> SiteObject:
        shown = self._open_newest_first(records)
        return self._data(f"jobs/search/{number}.json", json.dumps(shown, separators=(",", ":"), ensure_ascii=False))

    def search_manifest(self, chunks: int) -> SiteObject:
        """What the filters load: the chunk URLs, newest chunk first."""
        urls = [f"/jobs/search/{n}.json" for n in range(chunks, 0, -1)]
        return self._data(key_of(SEARCH_PATH), json.dumps({"chunks": urls}, separators=(",", ":")))

    def sitemap_chunk(self, number: int, records: list[dict]) -> SiteObject:
        urls = [(f"{self.base_url}/jobs/{r['i']}/", r["d"]) for r in self._open_newest_first(records)]
        return self._data(f"sitemaps/jobs-{number}.xml", feeds.sitemap(urls))

    def sitemap_of_listings(self, listing_paths: list[str]) -> SiteObject:
        urls = [(self.base_url + "/", ""), (self.base_url + "/jobs/state/", "")]
        urls += [(self.base_url + page.path, "") for page in self.employer.pages.values()]
        urls += [(self.base_url + path, "") for path in listing_paths]
        return self._data("sitemaps/listings.xml", feeds.sitemap(urls))

    def sitemap_index(self, chunks: int) -> SiteObject:
        urls = [f"{self.base_url}/sitemaps/listings.xml"]
        urls += [f"{self.base_url}/sitemaps/jobs-{n}.xml" for n in range(1, chunks + 1)]
        return self._data("sitemap.xml", feeds.sitemap_index(urls))

    def rss(self, records: list[dict], now: datetime.datetime) -> SiteObject:
        return self._data("feeds/jobs.xml", feeds.rss(self._open_newest_first(records)[:RSS_SIZE], self.base_url, now))

    def indeed_feed(self, postings, now: datetime.datetime):
        """Indeed's complete feed as byte strings, from ``postings`` (any iterable: it is read once, as it comes),
        the open ones only."""
        yield feeds.indeed_head(self.base_url, now).encode()
        for posting in postings:
            if is_open(posting, self.today):
                yield feeds.indeed_jobs(posting, self.base_url).encode()
        yield feeds.INDEED_TAIL.encode()
