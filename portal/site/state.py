"""The site's bookkeeping in the main table: the newest page of each listing, the cards on each page, placements.

With these, publishing one posting reads and writes a handful of small items, however many postings there are.
A page item holds its postings' cards (the compact search records, as JSON), so a listing page is rendered
without reading the postings themselves.
"""
from __future__ import annotations

import dataclasses
import json
import time
import uuid

from botocore.exceptions import ClientError

from portal import keys
from portal.dynamo import batch_get


class SiteBusy(RuntimeError):
    """Another publish held the site's lock for longer than this one would wait; the caller retries later."""


@dataclasses.dataclass
class Manifest:
    newest_pages: dict[str, int]  # listing name -> number of its newest page (1 is the oldest)
    chunks: int  # number of the newest search chunk

    def newest(self, listing: str) -> int:
        return self.newest_pages.get(listing, 1)


@dataclasses.dataclass(frozen=True)
class Pending:
    """What a publish of a posting saved in the bookkeeping before writing it to the bucket: listing pages
    ((listing, number) each), search chunks, and whether the indexes listing the chunks. Once the bookkeeping has
    moved on, only this says what a publish that stopped half-way left unwritten: the next publish of the posting
    writes it too."""

    pages: tuple = ()
    chunks: tuple = ()
    indexes: bool = False

    def __bool__(self) -> bool:
        return bool(self.pages or self.chunks or self.indexes)


@dataclasses.dataclass
class Placement:
    pages: dict[str, int]  # listing name -> page number the posting sits on
    chunk: int | None
    pending: Pending = Pending()


class SiteStateRepository:
    def __init__(self, table):
        self.table = table

    def manifest(self) -> Manifest | None:
        """The manifest, or None when the site was never built or its last full build did not finish (either way
        the next publish builds it all)."""
        item = self.table.get_item(Key=keys.site_manifest(), ConsistentRead=True).get("Item")
        if not item or item.get("building"):
            return None
        return Manifest({k: int(v) for k, v in item["newest_pages"].items()}, int(item["chunks"]))

    def put_manifest(self, manifest: Manifest, building: bool = False) -> None:
        """``building``: a full build's bookkeeping, written before its objects; it is put again without the flag
        once every object is written."""
        self.table.put_item(Item={**keys.site_manifest(), "entity": "site", "newest_pages": manifest.newest_pages,
                                  "chunks": manifest.chunks, **({"building": True} if building else {})})

    def placement(self, posting_id: str) -> Placement:
        item = self.table.get_item(Key=keys.site_placement(posting_id), ConsistentRead=True).get("Item")
        if not item:
            return Placement({}, None)
        chunk = item.get("chunk")
        pending = json.loads(item.get("pending", "{}"))
        return Placement({k: int(v) for k, v in item.get("pages", {}).items()}, int(chunk) if chunk else None,
                         Pending(tuple((name, number) for name, number in pending.get("pages", [])),
                                 tuple(pending.get("chunks", [])), bool(pending.get("indexes"))))

    def put_placement(self, posting_id: str, placement: Placement) -> None:
        if not placement.pages and placement.chunk is None and not placement.pending:
            self.table.delete_item(Key=keys.site_placement(posting_id))
            return
        self.table.put_item(Item=self._placement_item(posting_id, placement))

    @staticmethod
    def _placement_item(posting_id: str, placement: Placement) -> dict:
        item = {**keys.site_placement(posting_id), "entity": "site", "pages": placement.pages}
        if placement.chunk is not None:
            item["chunk"] = placement.chunk
        if placement.pending:
            item["pending"] = json.dumps(dataclasses.asdict(placement.pending), separators=(",", ":"))
        return item

    def pages(self, refs) -> dict[tuple[str, int], list[dict]]:
        """The cards on these listing pages ((listing, number) each); a page never written has none."""
        wanted = {}
        for listing, number in refs:
            key = keys.site_listing_page(listing, number)
            wanted[(key["pk"], key["sk"])] = (listing, number)
        found = {ref: [] for ref in wanted.values()}
        for item in batch_get(self.table, [{"pk": pk, "sk": sk} for pk, sk in wanted]):
            found[wanted[(item["pk"], item["sk"])]] = json.loads(item.get("cards", "[]"))
        return found

    def put_page(self, ref: tuple[str, int], cards: list[dict]) -> None:
        self.table.put_item(Item=self._page_item(ref, cards))

    @staticmethod
    def _page_item(ref: tuple[str, int], cards: list[dict]) -> dict:
        # One JSON string, not a list of maps: a page is always read and written whole, and a string is the
        # cheapest attribute for DynamoDB (and moto) to store and return.
        return {**keys.site_listing_page(*ref), "entity": "site",
                "cards": json.dumps(cards, separators=(",", ":"), ensure_ascii=False)}

    def replace_all(self, manifest: Manifest, pages: dict, placements: dict[str, Placement]) -> None:
        """The full build's bookkeeping, in batches, its manifest marked as building until the build puts it again.
        Placements of postings no longer listed stay; they are harmless: a later publish of such a posting finds it
        missing from those pages and rewrites them."""
        with self.table.batch_writer() as batch:
            for ref, cards in pages.items():
                batch.put_item(Item=self._page_item(ref, cards))
            for posting_id, placement in placements.items():
                batch.put_item(Item=self._placement_item(posting_id, placement))
        self.put_manifest(manifest, building=True)

    def mark_feeds_stale(self) -> None:
        """One more publish the complete feeds (Indeed's) do not show yet: counted, for the next rebuild to see."""
        self.table.update_item(Key=keys.site_feeds(), UpdateExpression="ADD changes :one SET entity = :e",
                               ExpressionAttributeValues={":one": 1, ":e": "site"})

    def feeds_changes(self) -> tuple[int, int]:
        """(publishes counted so far, publishes the feeds were last built from)."""
        item = self.table.get_item(Key=keys.site_feeds(), ConsistentRead=True).get("Item") or {}
        return int(item.get("changes", 0)), int(item.get("built_from", -1))

    def feeds_built(self, changes_seen: int) -> None:
        """The feeds now show every publish up to ``changes_seen``; never moves back if a later rebuild finished first."""
        try:
            self.table.update_item(
                Key=keys.site_feeds(), UpdateExpression="SET built_from = :seen, entity = :e",
                ConditionExpression="attribute_not_exists(built_from) OR built_from < :seen",
                ExpressionAttributeValues={":seen": changes_seen, ":e": "site"})
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    def lock(self, hold_seconds: int = 120, wait_seconds: float = 60.0) -> "SiteLock":
        return SiteLock(self.table, hold_seconds, wait_seconds)


class SiteLock:
    """A lease on the site: one publish at a time rewrites shared pages and chunks (stream shards run in parallel).

    The lease expires by itself, so a publish that died does not block the next one for longer than that.
    """

    def __init__(self, table, hold_seconds: int, wait_seconds: float):
        self.table = table
        self.hold_seconds = hold_seconds
        self.wait_seconds = wait_seconds
        self.owner = uuid.uuid4().hex

    def __enter__(self):
        deadline = time.monotonic() + self.wait_seconds
        pause = 0.02
        while True:
            now = int(time.time())
            try:
                self.table.put_item(
                    Item={**keys.site_lock(), "entity": "site", "owner": self.owner,
                          "expires_at": now + self.hold_seconds},
                    ConditionExpression="attribute_not_exists(pk) OR expires_at < :now",
                    ExpressionAttributeValues={":now": now},
                )
                return self
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
            if time.monotonic() > deadline:
                raise SiteBusy("another publish holds the site; try again")
            time.sleep(pause)  # back off while another publish finishes (a few hundred milliseconds)
            pause = min(pause * 2, 0.5)

    def __exit__(self, *exc):
        try:
            self.table.delete_item(Key=keys.site_lock(), ConditionExpression="#owner = :me",
                                   ExpressionAttributeNames={"#owner": "owner"},
                                   ExpressionAttributeValues={":me": self.owner})
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise  # else the lease had expired and another publish holds it now: leave it alone
        return False
