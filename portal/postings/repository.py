"""DynamoDB access for postings. Handed its table; knows nothing of the rules."""
from __future__ import annotations

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from portal import keys
from portal.dynamo import batch_get
from portal.paging import Page
from portal.postings.models import CLOSED, PUBLISHED, Posting


class PostingRepository:
    def __init__(self, table):
        self.table = table

    def get(self, posting_id: str) -> Posting | None:
        item = self.table.get_item(Key=keys.posting(posting_id)).get("Item")
        return Posting.from_item(item) if item else None

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

    def create(self, posting: Posting) -> None:
        """Write a new posting; the condition refuses to overwrite an existing one with the same id."""
        self.table.put_item(Item=self._item(posting), ConditionExpression="attribute_not_exists(pk)")

    def put_many(self, postings: list[Posting]) -> None:
        with self.table.batch_writer() as batch:
            for posting in postings:
                batch.put_item(Item=self._item(posting))

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
        return True
