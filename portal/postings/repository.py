"""DynamoDB access for postings. Handed its table; knows nothing of the rules."""
from __future__ import annotations

from boto3.dynamodb.conditions import Key

from portal import keys
from portal.paging import Page
from portal.postings.models import PUBLISHED, Posting


class PostingRepository:
    def __init__(self, table):
        self.table = table

    def get(self, posting_id: str) -> Posting | None:
        item = self.table.get_item(Key=keys.posting(posting_id)).get("Item")
        return Posting.from_item(item) if item else None

    @staticmethod
    def _item(posting: Posting) -> dict:
        item = {**keys.posting(posting.id), "entity": "posting", **posting.to_item()}
        if posting.status == PUBLISHED:
            # Sparse index: only published postings appear in the public listing.
            item.update(keys.published_posting_index(posting.date_posted, posting.id))
        item.update(keys.team_postings_index(posting.team, posting.date_posted or posting.created_at, posting.id))
        return item

    def put(self, posting: Posting) -> None:
        self.table.put_item(Item=self._item(posting))

    def put_many(self, postings: list[Posting]) -> None:
        with self.table.batch_writer() as batch:
            for posting in postings:
                batch.put_item(Item=self._item(posting))

    def list_published(self, limit: int, start_key: dict | None = None) -> Page:
        kwargs = {
            "IndexName": "gsi1",
            "KeyConditionExpression": Key("gsi1pk").eq(keys.PUBLISHED_POSTINGS),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if start_key:
            kwargs["ExclusiveStartKey"] = start_key
        resp = self.table.query(**kwargs)
        return Page([Posting.from_item(i) for i in resp["Items"]], resp.get("LastEvaluatedKey"))
