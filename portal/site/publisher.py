"""Publishing the site: the full build, and the incremental publish of one posting.

Listing pages are anchored at the oldest posting: page 1 holds the oldest, a new posting joins the newest page,
and a page opens when the newest is full. Search chunks (the index the filters load) work the same way. So one
publish touches the posting's own page, the pages it sits on (and their listing's front page), its chunk and
the RSS feed: a bounded number of objects and bytes, however many postings the site holds.

Indeed takes only a complete feed, whose size grows with the site, so a publish does not write it: it counts
itself in the feeds' bookkeeping, and the schedule (portal/lambda_entry.py, every 15 minutes; local mode every
minute) rebuilds /feeds/indeed.xml when there were publishes since, streamed from the published index a page at
a time into a multipart upload. Indeed reads the feed a few times a day, so it never sees it more than one
schedule behind; the pages, the search index and the RSS feed change at the publish itself.

Writes go in dependency order: the detail page first, then listing pages (the newest page of a listing before the
pages that link to it, each listing's front page last), then the search chunks, then the indexes that list them; a
page taken down goes last, once nothing links to it. So no page ever links to an object that is not there yet.
The full build writes the site's entry points (the home page and sitemap.xml) last: until they are there, nobody
reaches a page it has not finished.

Bookkeeping is written before the bucket, with what the publish still has to write (``Pending``, or the manifest
marked as building), so a publish that stops half-way is finished by the next publish of that posting.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
from pathlib import Path

from portal.postings.models import CLOSED, PUBLISHED, Posting
from portal.postings.repository import PostingRepository
from portal.postings.services import is_open
from portal.site import assets
from portal.site.bucket import SiteBucket
from portal.site.feeds import INDEED_KEY, search_record
from portal.site.listings import ALL, every_listing, listing, listings_of
from portal.site.pages import DATA_CACHE, SiteObject, SiteRenderer, content_type, key_of
from portal.site.state import Manifest, Pending, Placement, SiteStateRepository

CHUNK_SIZE = 200  # postings per search chunk (and per sitemap)
RSS_PAGES = 3  # the newest pages of the "all" listing the RSS feed is made from


def _oldest_first(postings: list[Posting]) -> list[Posting]:
    return sorted(postings, key=lambda p: (p.date_posted, p.id))


def _split(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def _without(records: list[dict], posting_id: str) -> list[dict]:
    return [r for r in records if r["i"] != posting_id]


class SitePublisher:
    def __init__(self, postings: PostingRepository, state: SiteStateRepository, bucket: SiteBucket,
                 renderer: SiteRenderer, page_size: int, static_folder: Path, now: datetime.datetime):
        self.postings = postings
        self.state = state
        self.bucket = bucket
        self.renderer = renderer
        self.page_size = page_size
        self.static_folder = static_folder
        self.now = now

    # --- the full build -------------------------------------------------------------------------------------

    def build(self) -> int:
        """Renders and uploads everything from the published postings, and resets the bookkeeping to match."""
        with self.state.lock():
            return self._build()

    def _build(self) -> int:
        changes, _ = self.state.feeds_changes()
        published = self._all_published()
        listed = _oldest_first([p for p in published if is_open(p, self.renderer.today)])
        records = {p.id: search_record(p) for p in listed}

        pages: dict[tuple[str, int], list[dict]] = {}
        placements = {p.id: Placement({}, None) for p in listed}
        newest_pages = {}
        for name in every_listing():
            split = _split([p.id for p in listed if name in listings_of(p)], self.page_size)
            newest_pages[name] = len(split)
            for number, ids in enumerate(split, start=1):
                pages[(name, number)] = [records[i] for i in ids]
                for posting_id in ids:
                    placements[posting_id].pages[name] = number
        chunks = _split(listed, CHUNK_SIZE)
        for number, chunk in enumerate(chunks, start=1):
            for posting in chunk:
                placements[posting.id].chunk = number
        manifest = Manifest(newest_pages, len(chunks))
        self.state.replace_all(manifest, pages, placements)

        written = 0
        written += self.bucket.put_all([SiteObject(key, body, content_type(key), assets.LONG_CACHE)
                             for key, body in assets.site_assets(self.static_folder)])
        closed, withdrawn = self._no_longer_open({p.id for p in published})
        written += self.bucket.put_all([self.renderer.posting(p) for p in published + closed])
        written += self.bucket.put_all([self.renderer.listing_page(listing(name), number, manifest.newest(name), cards)
                                        for (name, number), cards in pages.items()])
        written += self.bucket.put_all([self._front_page(name, manifest.newest(name), pages)
                                        for name in every_listing()])
        written += self.bucket.put_all([self.renderer.states_index(), self.renderer.robots(), self.renderer.not_found(),
                                        *self.renderer.content_pages(), self.renderer.zip_states()])

        chunk_objects = []
        for number, chunk in enumerate(chunks, start=1):
            chunk_records = [records[p.id] for p in chunk]
            chunk_objects += [self.renderer.search_chunk(number, chunk_records),
                              self.renderer.sitemap_chunk(number, chunk_records)]
        written += self.bucket.put_all(chunk_objects)
        written += self.bucket.put_all([
            self.renderer.search_manifest(manifest.chunks),
            self.renderer.sitemap_of_listings([listing(n).path for n in every_listing()]),
            self.renderer.rss([records[p.id] for p in listed[-RSS_PAGES * self.page_size:]], self.now)])
        self._write_indeed_feed(listed)
        written += self.bucket.put_all([self.renderer.home(), self.renderer.sitemap_index(manifest.chunks)])  # in turn
        for posting_id in withdrawn:  # back in draft, or deleted, without a publish: never public now
            written += self.bucket.delete(key_of(f"/jobs/{posting_id}/"))
        self.state.put_manifest(manifest)  # built: publishes add to it from now on
        self.state.feeds_built(changes)
        return written + 1

    def rebuild_feeds(self, force: bool = False) -> int:
        """Indeed's complete feed again, when publishes happened since it was built (or ``force``); the number of
        objects written (0 or 1). Needs no lock: a rebuild writes one whole object, and the bookkeeping says
        which publishes it shows, so one racing a publish is followed by another."""
        changes, built_from = self.state.feeds_changes()
        if not force and built_from >= changes:
            return 0
        self._write_indeed_feed(self._published_pages())
        self.state.feeds_built(changes)
        return 1

    def _write_indeed_feed(self, postings) -> int:
        return self.bucket.put_streamed(INDEED_KEY, self.renderer.indeed_feed(postings, self.now),
                                        content_type(INDEED_KEY), DATA_CACHE)

    def _published_pages(self):
        """Every published posting, one page of the published index in memory at a time."""
        start = None
        while True:
            page = self.postings.list_published(1000, start)
            yield from page.items
            start = page.next_key
            if not start:
                return

    def _all_published(self) -> list[Posting]:
        # Not a request path: the CLI and the bench build the whole site, which needs every posting in hand.
        return list(self._published_pages())

    def _no_longer_open(self, published_ids: set[str]) -> tuple[list[Posting], list[str]]:
        """Detail pages in the bucket whose posting is not published: the closed ones, and the ids of the rest.

        The bucket is the record of what was ever public, so a rebuild re-renders closed pages too (with their
        "closed" notice and no JobPosting markup), even if the publish that closed them never ran.
        """
        not_postings = {listing(name).path.split("/")[2] for name in every_listing()} | {"page"}
        skipped = not_postings | published_ids  # made once: the bucket lists a key per page of the site
        ids = []
        for key in self.bucket.keys("jobs/"):
            parts = key.split("/")
            if len(parts) == 3 and parts[2] == "index.html" and parts[1] not in skipped:
                ids.append(parts[1])
        closed = [p for p in self.postings.get_many(ids) if p.status == CLOSED]
        return closed, sorted(set(ids) - {p.id for p in closed})

    def _front_page(self, name: str, newest: int, pages: dict) -> SiteObject:
        """The listing's own URL: its newest two pages together, so it is never nearly empty after a page opens."""
        cards = pages.get((name, newest), []) + (pages.get((name, newest - 1), []) if newest > 1 else [])
        return self.renderer.listing_page(listing(name), newest, newest, cards, as_newest=True)

    # --- one posting ----------------------------------------------------------------------------------------

    def publish(self, posting_id: str) -> int:
        """Publishes one posting's change (new, edited, closed, expired, deleted). Safe to run twice."""
        with self.state.lock():
            if self.state.manifest() is None:
                # Never built: there are no listings, indexes or assets to add to yet, so build them all.
                return self._build()
            # Read inside the lock: the last publish of a posting renders its latest version.
            return self._publish(posting_id, self.postings.get(posting_id))

    def _publish(self, posting_id: str, posting: Posting | None) -> int:
        public = posting is not None and posting.status in (PUBLISHED, CLOSED)
        listed = public and is_open(posting, self.renderer.today)
        record = search_record(posting) if listed else None
        target = set(listings_of(posting)) if listed else set()
        manifest = self.state.manifest()
        placement = self.state.placement(posting_id)
        before = Manifest(dict(manifest.newest_pages), manifest.chunks)
        left = placement.pending  # what an earlier publish of this posting did not get to write

        # The pages it sits on, the newest page of each listing it joins, the front pages and the RSS pages.
        joining = sorted(target - placement.pages.keys())
        refs = set(placement.pages.items()) | {(name, manifest.newest(name)) for name in joining} | set(left.pages)
        names = {name for name, _ in refs}
        refs |= {(name, n) for name in names for n in (manifest.newest(name), manifest.newest(name) - 1) if n >= 1}
        refs |= {(ALL, manifest.newest(ALL) - i) for i in range(RSS_PAGES) if manifest.newest(ALL) - i >= 1}
        pages = self.state.pages(refs)

        changed: list[tuple[str, int]] = []
        new_placement = Placement({}, None)
        for name, number in placement.pages.items():
            pages[(name, number)] = _without(pages[(name, number)], posting_id)
            if name in target:
                pages[(name, number)].append(record)
                new_placement.pages[name] = number
            changed.append((name, number))
        opened = []
        for name in joining:
            number = manifest.newest(name)
            if len(pages[(name, number)]) >= self.page_size:
                number = manifest.newest_pages[name] = number + 1
                opened.append((name, number))
                pages[(name, number)] = []
                pages.setdefault((name, number - 1), [])
            pages[(name, number)] = [*pages[(name, number)], record]
            new_placement.pages[name] = number
            changed.append((name, number))

        chunk = placement.chunk if placement.chunk is not None else (manifest.chunks if listed else None)
        if chunk is not None:
            search = self._json(f"jobs/search/{chunk}.json", [])
            if listed and placement.chunk is None and len(search) >= CHUNK_SIZE:
                chunk = manifest.chunks = chunk + 1  # the newest chunk is full: open the next
                search = []
            search = _without(search, posting_id) + ([record] if listed else [])
            new_placement.chunk = chunk if listed else None

        # Everything this publish writes besides the posting's own page, and what an earlier one left.
        todo = Pending(
            pages=tuple(sorted(set(changed) | {(name, number - 1) for name, number in opened if number > 1}
                               | set(left.pages))),
            chunks=tuple(sorted(({chunk} if chunk is not None else set()) | set(left.chunks))),
            indexes=manifest.chunks != before.chunks or left.indexes,  # a new chunk exists: the indexes list it
        )

        # Bookkeeping first, with what is still to write: a publish that stops half-way is finished by the next.
        for ref in changed:
            self.state.put_page(ref, pages[ref])
        if manifest != before:
            self.state.put_manifest(manifest)
        self.state.put_placement(posting_id, dataclasses.replace(new_placement, pending=todo))
        self.state.mark_feeds_stale()

        written = 0
        if public:
            written += self.bucket.put(self.renderer.posting(posting))

        # The newest page of each listing, then the pages that link to it, then each listing's front page.
        newest = [ref for ref in todo.pages if ref[1] == manifest.newest(ref[0])]
        for batch in (newest, [ref for ref in todo.pages if ref not in newest]):
            written += self.bucket.put_all([
                self.renderer.listing_page(listing(name), number, manifest.newest(name), pages[(name, number)])
                for name, number in batch])
        fronts = sorted({name for name, number in todo.pages if number >= manifest.newest(name) - 1})
        written += self.bucket.put_all([self._front_page(name, manifest.newest(name), pages) for name in fronts])

        indexes = []
        for number in todo.chunks:
            records = search if number == chunk else _without(self._json(f"jobs/search/{number}.json", []), posting_id)
            indexes += [self.renderer.search_chunk(number, records), self.renderer.sitemap_chunk(number, records)]
        newest_all = manifest.newest(ALL)
        indexes.append(self.renderer.rss([r for n in range(newest_all, newest_all - RSS_PAGES, -1)
                                          for r in pages.get((ALL, n), [])], self.now))
        written += self.bucket.put_all(indexes)
        if todo.indexes:
            written += self.bucket.put_all([self.renderer.search_manifest(manifest.chunks),
                                 self.renderer.sitemap_index(manifest.chunks)])
        if not public:
            written += self.bucket.delete(key_of(f"/jobs/{posting_id}/"))  # a draft again, or deleted: never public now
        self.state.put_placement(posting_id, new_placement)  # all written: nothing pending
        return written

    def _json(self, key: str, default):
        found = self.bucket.get(key)
        return json.loads(found["body"]) if found else default
