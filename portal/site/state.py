"""The site's bookkeeping in the main table: the newest page of each listing, page and chunk members, placements.

With these, publishing one posting reads and writes a handful of small items, however many postings there are.
"""
from __future__ import annotations

import dataclasses

from portal import keys
from portal.dynamo import batch_get


@dataclasses.dataclass
class Manifest:
    newest_pages: dict[str, int]  # listing name -> number of its newest page (1 is the oldest)
    chunks: int  # number of the newest search chunk

    def newest(self, listing: str) -> int:
        return self.newest_pages.get(listing, 1)


@dataclasses.dataclass
class Placement:
    pages: dict[str, int]  # listing name -> page number the posting sits on
    chunk: int | None


class SiteStateRepository:
    def __init__(self, table):
        self.table = table

    def manifest(self) -> Manifest:
        item = self.table.get_item(Key=keys.site_manifest(), ConsistentRead=True).get("Item")
        if not item:
            return Manifest({}, 1)
        return Manifest({k: int(v) for k, v in item["newest_pages"].items()}, int(item["chunks"]))

    def put_manifest(self, manifest: Manifest) -> None:
        self.table.put_item(Item={**keys.site_manifest(), "entity": "site", "newest_pages": manifest.newest_pages,
                                  "chunks": manifest.chunks})

    def placement(self, posting_id: str) -> Placement:
        item = self.table.get_item(Key=keys.site_placement(posting_id), ConsistentRead=True).get("Item")
        if not item:
            return Placement({}, None)
        chunk = item.get("chunk")
        return Placement({k: int(v) for k, v in item.get("pages", {}).items()}, int(chunk) if chunk else None)

    def put_placement(self, posting_id: str, placement: Placement) -> None:
        if not placement.pages and placement.chunk is None:
            self.table.delete_item(Key=keys.site_placement(posting_id))
            return
        self.table.put_item(Item=self._placement_item(posting_id, placement))

    @staticmethod
    def _placement_item(posting_id: str, placement: Placement) -> dict:
        item = {**keys.site_placement(posting_id), "entity": "site", "pages": placement.pages}
        if placement.chunk is not None:
            item["chunk"] = placement.chunk
        return item

    def members(self, pages: list[tuple[str, int]] = (), chunks: list[int] = ()) -> dict:
        """Posting ids of these listing pages ((listing, number) keys) and search chunks (int keys)."""
        wanted = {}
        for listing, number in pages:
            key = keys.site_listing_page(listing, number)
            wanted[(key["pk"], key["sk"])] = (listing, number)
        for number in chunks:
            key = keys.site_search_chunk(number)
            wanted[(key["pk"], key["sk"])] = number
        found = {ref: [] for ref in wanted.values()}
        for item in batch_get(self.table, [{"pk": pk, "sk": sk} for pk, sk in wanted]):
            found[wanted[(item["pk"], item["sk"])]] = list(item.get("ids", []))
        return found

    def put_members(self, ref, ids: list[str]) -> None:
        """ref is (listing, number) for a listing page, or a number for a search chunk."""
        self.table.put_item(Item=self._members_item(ref, ids))

    @staticmethod
    def _members_item(ref, ids: list[str]) -> dict:
        key = keys.site_listing_page(*ref) if isinstance(ref, tuple) else keys.site_search_chunk(ref)
        return {**key, "entity": "site", "ids": list(ids)}

    def replace_all(self, manifest: Manifest, members: dict, placements: dict[str, Placement]) -> None:
        """The full build's bookkeeping, in batches. Placements of postings no longer listed stay; they are harmless:
        a later publish of such a posting finds it missing from those pages and rewrites them."""
        with self.table.batch_writer() as batch:
            for ref, ids in members.items():
                batch.put_item(Item=self._members_item(ref, ids))
            for posting_id, placement in placements.items():
                batch.put_item(Item=self._placement_item(posting_id, placement))
        self.put_manifest(manifest)
