"""Publishing the site: the full build, and the incremental publish of one posting.

Listing pages are anchored at the oldest posting: page 1 holds the oldest, a new posting joins the newest page,
and a page opens when the newest is full. Search chunks (the index the filters load) work the same way. So one
publish touches the posting's own page, the pages it sits on (and their listing's front page), its chunk and
the RSS feed: a bounded number of objects, however many postings the site holds.

Writes go in dependency order: the detail page first, then listing pages (a new page before the page that links
to it), then the indexes, so no page ever links to an object that is not there yet.
"""
from __future__ import annotations

import datetime
from pathlib import Path

from portal.postings.models import CLOSED, PUBLISHED, Posting
from portal.postings.repository import PostingRepository
from portal.postings.services import is_open
from portal.site import assets
from portal.site.bucket import SiteBucket
from portal.site.listings import ALL, every_listing, listing, listings_of
from portal.site.pages import SiteObject, SiteRenderer, key_of
from portal.site.state import Manifest, Placement, SiteStateRepository

CHUNK_SIZE = 200  # postings per search chunk (and per sitemap and Indeed part)
RSS_PAGES = 3  # the newest pages of the "all" listing the RSS feed is made from


def _oldest_first(postings: list[Posting]) -> list[Posting]:
    return sorted(postings, key=lambda p: (p.date_posted, p.id))


def _split(ids: list[str], size: int) -> list[list[str]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)] or [[]]


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
        published = self._all_published()
        listed = _oldest_first([p for p in published if is_open(p, self.renderer.today)])
        by_id = {p.id: p for p in published}

        members: dict = {}
        placements: dict[str, Placement] = {p.id: Placement({}, None) for p in listed}
        newest_pages = {}
        for name in every_listing():
            ids = [p.id for p in listed if name in listings_of(p)]
            pages = _split(ids, self.page_size)
            newest_pages[name] = len(pages)
            for number, page_ids in enumerate(pages, start=1):
                members[(name, number)] = page_ids
                for pid in page_ids:
                    placements[pid].pages[name] = number
        chunks = _split([p.id for p in listed], CHUNK_SIZE)
        for number, chunk_ids in enumerate(chunks, start=1):
            members[number] = chunk_ids
            for pid in chunk_ids:
                placements[pid].chunk = number
        manifest = Manifest(newest_pages, len(chunks))
        self.state.replace_all(manifest, members, placements)

        written_before = self.bucket.written
        self.bucket.put_all([SiteObject(key, body, _asset_type(key), assets.LONG_CACHE)
                             for key, body in assets.site_assets(self.static_folder)])
        self.bucket.put_all([self.renderer.posting(p) for p in published])
        pages = []
        for (name, number), ids in ((ref, ids) for ref, ids in members.items() if isinstance(ref, tuple)):
            pages += self._listing_objects(name, number, manifest.newest(name), ids, members, by_id)
        self.bucket.put_all(pages)
        self.bucket.put_all([self.renderer.states_index(), self.renderer.home()])

        indexes, parts = [], []
        for number, ids in ((ref, ids) for ref, ids in members.items() if isinstance(ref, int)):
            chunk_postings = [by_id[i] for i in ids]
            indexes += [self.renderer.search_chunk(number, chunk_postings),
                        self.renderer.sitemap_chunk(number, chunk_postings)]
            part = self.renderer.indeed_part(number, chunk_postings)
            indexes.append(part)
            parts.append(part.body.decode())
        indexes += [self.renderer.search_manifest(manifest.chunks), self.renderer.sitemap_index(manifest.chunks),
                    self.renderer.sitemap_of_listings([listing(n).path for n in every_listing()]),
                    self.renderer.rss(listed[-RSS_PAGES * self.page_size:], self.now),
                    self.renderer.indeed_feed(parts, self.now)]
        self.bucket.put_all(indexes)
        return self.bucket.written - written_before

    def _all_published(self) -> list[Posting]:
        # Not a request path: the CLI and the bench build the whole site, so this pages through the index.
        found, start = [], None
        while True:
            page = self.postings.list_published(1000, start)
            found += page.items
            start = page.next_key
            if not start:
                return found

    def _listing_objects(self, name: str, number: int, newest: int, ids: list[str], members: dict,
                         by_id: dict) -> list[SiteObject]:
        """The page's numbered URL, and the listing's own URL when the page is one of the newest two."""
        the_listing = listing(name)
        objects = [self.renderer.listing_page(the_listing, number, newest, [by_id[i] for i in ids if i in by_id])]
        if number >= newest - 1:
            front = members.get((name, newest), []) + (members.get((name, newest - 1), []) if newest > 1 else [])
            objects.append(self.renderer.listing_page(the_listing, newest, newest,
                                                      [by_id[i] for i in front if i in by_id], as_newest=True))
        return objects

    # --- one posting ----------------------------------------------------------------------------------------

    def publish(self, posting_id: str) -> int:
        """Publishes one posting's change (new, edited, closed, expired, deleted). Safe to run twice."""
        posting = self.postings.get(posting_id)
        public = posting is not None and posting.status in (PUBLISHED, CLOSED)
        listed = public and is_open(posting, self.renderer.today)
        manifest = self.state.manifest()
        placement = self.state.placement(posting_id)
        target = set(listings_of(posting)) if listed else set()

        # Which pages change, and how. Members are read for every page touched, plus the newest pages.
        joining = sorted(target - placement.pages.keys())
        refs = [(name, number) for name, number in placement.pages.items()]
        refs += [(name, manifest.newest(name)) for name in joining]
        chunk_refs = [placement.chunk or manifest.chunks]
        members = self.state.members(pages=refs, chunks=chunk_refs)

        changed_members = {}
        dirty_pages: set[tuple[str, int]] = set()
        opened: set[str] = set()
        for name, number in placement.pages.items():
            dirty_pages.add((name, number))
            if name not in target:
                members[(name, number)] = [i for i in members[(name, number)] if i != posting_id]
                changed_members[(name, number)] = members[(name, number)]
        new_pages = {name: number for name, number in placement.pages.items() if name in target}
        for name in joining:
            number = manifest.newest(name)
            if len(members[(name, number)]) >= self.page_size:
                number += 1
                manifest.newest_pages[name] = number
                opened.add(name)
                members[(name, number)] = []
            members[(name, number)] = [*members[(name, number)], posting_id]
            changed_members[(name, number)] = members[(name, number)]
            dirty_pages.add((name, number))
            new_pages[name] = number

        chunk = placement.chunk
        chunks_before = manifest.chunks
        if listed and chunk is None:
            chunk = manifest.chunks
            if len(members[chunk]) >= CHUNK_SIZE:
                chunk = manifest.chunks = chunk + 1
                members[chunk] = []
            members[chunk] = [*members[chunk], posting_id]
            changed_members[chunk] = members[chunk]
        elif not listed and chunk is not None:
            members[chunk] = [i for i in members[chunk] if i != posting_id]
            changed_members[chunk] = members[chunk]
        dirty_chunk = chunk if chunk is not None else placement.chunk

        # Bookkeeping first: a publish that stops half-way is finished by the next one (or by running again).
        for ref, ids in changed_members.items():
            self.state.put_members(ref, ids)
        if opened or manifest.chunks != chunks_before:
            self.state.put_manifest(manifest)
        self.state.put_placement(posting_id, Placement(new_pages, chunk if listed else None))

        # Everything the pages to render need: members of the front pages too, then the postings themselves.
        front_refs = {(name, n) for name, _ in dirty_pages for n in (manifest.newest(name), manifest.newest(name) - 1)
                      if n >= 1}
        front_refs |= {(name, number - 1) for name in opened for number in [manifest.newest(name)] if number > 1}
        rss_refs = {(ALL, manifest.newest(ALL) - i) for i in range(RSS_PAGES) if manifest.newest(ALL) - i >= 1}
        missing = [ref for ref in front_refs | rss_refs if ref not in members]
        members.update(self.state.members(pages=missing))
        wanted_ids = {i for ref in dirty_pages | front_refs | rss_refs for i in members.get(ref, [])}
        if dirty_chunk is not None:
            wanted_ids |= set(members.get(dirty_chunk, []))
        by_id = {p.id: p for p in self.postings.get_many(sorted(wanted_ids - {posting_id}))}
        if posting is not None:
            by_id[posting_id] = posting

        written_before = self.bucket.written
        if public:
            self.bucket.put(self.renderer.posting(posting))
        else:
            self.bucket.delete(key_of(f"/jobs/{posting_id}/"))  # a draft again, or deleted: never public now

        for name in sorted({name for name, _ in dirty_pages}):
            newest = manifest.newest(name)
            numbers = sorted({n for m, n in dirty_pages if m == name}, reverse=True)
            if name in opened and newest - 1 not in numbers:
                numbers.append(newest - 1)  # the page before a new one gains its "Newer jobs" link
            objects = []
            for number in numbers:
                objects.append(self.renderer.listing_page(
                    listing(name), number, newest, [by_id[i] for i in members.get((name, number), []) if i in by_id]))
            if any(n >= newest - 1 for n in numbers):
                front = members.get((name, newest), []) + (members.get((name, newest - 1), []) if newest > 1 else [])
                objects.append(self.renderer.listing_page(listing(name), newest, newest,
                                                          [by_id[i] for i in front if i in by_id], as_newest=True))
            for obj in objects:  # newest first: a new page exists before anything links to it
                self.bucket.put(obj)

        if dirty_chunk is not None:
            chunk_postings = [by_id[i] for i in members.get(dirty_chunk, []) if i in by_id]
            for obj in (self.renderer.search_chunk(dirty_chunk, chunk_postings),
                        self.renderer.sitemap_chunk(dirty_chunk, chunk_postings),
                        self.renderer.indeed_part(dirty_chunk, chunk_postings)):
                self.bucket.put(obj)
        if manifest.chunks != chunks_before:
            self.bucket.put(self.renderer.search_manifest(manifest.chunks))
            self.bucket.put(self.renderer.sitemap_index(manifest.chunks))
        rss_postings = [by_id[i] for ref in rss_refs for i in members.get(ref, []) if i in by_id]
        self.bucket.put(self.renderer.rss(rss_postings, self.now))
        return self.bucket.written - written_before

    # --- Indeed's feed --------------------------------------------------------------------------------------

    def assemble_indeed_feed(self) -> int:
        """Joins the per-chunk parts into /feeds/indeed.xml (Indeed takes only complete feeds).

        Its size grows with the site, so it is not rewritten on every publish but by the scheduled job
        (every 15 minutes, with expiry) and by the full build; Indeed reads feeds a few times a day.
        """
        manifest = self.state.manifest()
        parts = []
        for number in range(1, manifest.chunks + 1):
            found = self.bucket.get(f"feeds/indeed/{number}.part.xml")
            parts.append(found["body"].decode() if found else "")
        self.bucket.put(self.renderer.indeed_feed(parts, self.now))
        return 1


def _asset_type(key: str) -> str:
    from portal.site.pages import content_type

    return content_type(key)
