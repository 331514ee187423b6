"""DynamoDB access for postings. Handed its table; knows nothing of the rules."""
from __future__ import annotations

import time

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from portal import keys
from portal.dynamo import batch_get
from portal.paging import Page
from portal.postings.models import CLOSED, PUBLISHED, Posting


# Postings this process read lately and may show again without reading (see get); past this many, start afresh.
RECENT_LIMIT = 512


class PostingRepository:
    def __init__(self, table):
        self.table = table
        self._recent: dict[str, tuple[float, Posting]] = {}  # id -> (when read, monotonic; the posting)

    def get(self, posting_id: str, max_age_s: float = 0) -> Posting | None:
        """The posting, or None. With max_age_s, this process's own read of it from at most that many seconds ago
        will do: the apply steps show the same posting to every applicant on every page, and a read saved there
        is most of the page's time. Writes through this repository forget their postings at once."""
        if max_age_s > 0:
            seen = self._recent.get(posting_id)
            if seen is not None and time.monotonic() - seen[0] < max_age_s:
                return seen[1]
        item = self.table.get_item(Key=keys.posting(posting_id)).get("Item")
        posting = Posting.from_item(item) if item else None
        if max_age_s > 0 and posting is not None:  # never an unknown id: a guess at ids fills nothing
            if len(self._recent) >= RECENT_LIMIT:
                self._recent.clear()
            self._recent[posting_id] = (time.monotonic(), posting)
        return posting

    def _forget(self, posting_ids) -> None:
        for posting_id in posting_ids:
            self._recent.pop(posting_id, None)

    def get_many(self, posting_ids: list[str]) -> list[Posting]:
        """The postings that exist among these ids, in no particular order (BatchGetItem)."""
        unique = list(dict.fromkeys(posting_ids))
        return [Posting.from_item(i) for i in batch_get(self.table, [keys.posting(pid) for pid in unique])]

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
        self._forget([posting.id])

    def create(self, posting: Posting) -> None:
        """Write a new posting; the condition refuses to overwrite an existing one with the same id."""
        self.table.put_item(Item=self._item(posting), ConditionExpression="attribute_not_exists(pk)")

    def put_many(self, postings: list[Posting]) -> None:
        with self.table.batch_writer() as batch:
            for posting in postings:
                batch.put_item(Item=self._item(posting))
        self._forget(p.id for p in postings)

    def list_published(self, limit: int, start_key: dict | None = None) -> Page:
        return self._page(Key("gsi1pk").eq(keys.PUBLISHED_POSTINGS), "gsi1", limit, start_key)

    def list_for_team(self, team: str, limit: int, start_key: dict | None = None) -> Page:
        """A team's postings in every status, newest first (gsi2)."""
        return self._page(Key("gsi2pk").eq(keys.team_postings_index(team, "", "")["gsi2pk"]), "gsi2", limit, start_key)

    def _page(self, condition, index: str, limit: int, start_key: dict | None) -> Page:
        kwargs = {"IndexName": index, "KeyConditionExpression": condition, "ScanIndexForward": False, "Limit": limit}
        if start_key:
            kwargs["ExclusiveStartKey"] = start_key
        resp = self.table.query(**kwargs)
        return Page([Posting.from_item(i) for i in resp["Items"]], resp.get("LastEvaluatedKey"))

    def published_expired_before(self, day: str) -> list[str]:
        """Ids of published postings whose valid-through date is before `day`: a Query on the published index.

        The filter is applied after the read, so this reads every published posting; it runs on a schedule,
        never on a request path.
        """
        kwargs = {
            "IndexName": "gsi1",
            "KeyConditionExpression": Key("gsi1pk").eq(keys.PUBLISHED_POSTINGS),
            "FilterExpression": Attr("valid_through").lt(day) & Attr("valid_through").gt(""),
            "ProjectionExpression": "id",
        }
        found = []
        while True:
            resp = self.table.query(**kwargs)
            found += [str(i["id"]) for i in resp["Items"]]
            if "LastEvaluatedKey" not in resp:
                return found
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    def close_if_expired(self, posting_id: str, day: str, updated_at: str) -> bool:
        """Closes the posting if it is still published and past its date; False when it was not (any more)."""
        try:
            self.table.update_item(
                Key=keys.posting(posting_id),
                UpdateExpression="SET #status = :closed, updated_at = :now REMOVE gsi1pk, gsi1sk",
                ConditionExpression="#status = :published AND valid_through < :day AND valid_through > :empty",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":closed": CLOSED, ":published": PUBLISHED, ":day": day, ":empty": "",
                                           ":now": updated_at},
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        self._forget([posting_id])
        return True
