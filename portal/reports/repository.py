"""DynamoDB reads of the reports: counters, and the few attributes of recent applications. Handed its table."""
from __future__ import annotations

from boto3.dynamodb.conditions import Key

from portal import keys

# Only what the dashboard counts: never contact details.
_FIELDS = ("id", "stage", "created_at", "first_triaged_at", "preferences.workplace", "preferences.hours_max")


class ReportRepository:
    def __init__(self, table):
        self.table = table

    def counters(self, scope: str) -> dict:
        return self.table.get_item(Key=keys.counters(scope)).get("Item") or {}

    def team_applications_since(self, team: str, since_id: str, max_items: int) -> tuple[list[dict], bool]:
        """A team's applications received since ``since_id`` (a ULID bound): gsi1 with a sort-key range.

        Returns the items and whether ``max_items`` cut the list short.
        """
        condition = Key("gsi1pk").eq(keys.team_applications_partition(team)) & Key("gsi1sk").gte(since_id)
        return self._all("gsi1", condition, max_items)

    def posting_applications_since(self, posting_id: str, stages, since_id: str, max_items: int) -> tuple[list[dict], bool]:
        """A posting's applications in each stage (gsi5, one query per stage), received since ``since_id``."""
        found, cut = [], False
        for stage in stages:
            condition = (Key("gsi5pk").eq(keys.posting_stage_partition(posting_id, stage))
                         & Key("gsi5sk").gte(since_id))
            items, short = self._all("gsi5", condition, max_items - len(found))
            found += items
            cut = cut or short
        return found, cut

    def _all(self, index: str, condition, max_items: int) -> tuple[list[dict], bool]:
        names = {f"#f{i}": part for i, part in enumerate(sorted({p for f in _FIELDS for p in f.split(".")}))}
        lookup = {v: k for k, v in names.items()}
        projection = ", ".join(".".join(lookup[p] for p in f.split(".")) for f in _FIELDS)
        kwargs = {"IndexName": index, "KeyConditionExpression": condition, "ProjectionExpression": projection,
                  "ExpressionAttributeNames": names}
        found = []
        while len(found) < max_items:
            resp = self.table.query(**kwargs, Limit=min(1000, max_items - len(found)))
            found += resp["Items"]
            if "LastEvaluatedKey" not in resp:
                return found, False
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        return found, True
