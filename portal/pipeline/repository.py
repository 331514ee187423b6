"""DynamoDB writes of the stream pipeline, each made at most once by a conditional effect marker. Handed its table."""
from __future__ import annotations

from botocore.exceptions import ClientError

from portal import keys
from portal.dynamo import transact_write_items
from portal.pipeline.counting import COUNTERS, MEMBER


class PipelineRepository:
    def __init__(self, table, marker_ttl_seconds: int):
        self.table = table
        self.marker_ttl_seconds = marker_ttl_seconds

    def _marker(self, scope: str, effect: str, now_epoch: int) -> dict:
        return {**keys.pipeline_effect(scope, effect), "entity": "pipeline_effect",
                "expires_at": now_epoch + self.marker_ttl_seconds}

    def done(self, scope: str, effect: str) -> bool:
        return "Item" in self.table.get_item(Key=keys.pipeline_effect(scope, effect), ConsistentRead=True,
                                             ProjectionExpression="pk")

    def record_transition(self, scope: str, effect: str, now_epoch: int, deltas: dict[tuple, dict[str, int]],
                          history: dict | None = None, *, check_first: bool = False) -> bool:
        """Write the marker, the history item (if any) and every counter delta in one transaction.

        Returns False, writing nothing, when the marker shows the transition was already recorded. Either all
        of it is written or none, so a throttled or failed call can be retried without counting twice.
        ``check_first`` reads the marker before trying, where the transition is usually recorded already:
        a read costs less than a cancelled transaction.
        """
        if check_first and self.done(scope, effect):
            return False
        items = [{"Put": {"TableName": self.table.name, "Item": self._marker(scope, effect, now_epoch),
                          "ConditionExpression": "attribute_not_exists(pk)"}}]
        if history is not None:
            items.append({"Put": {"TableName": self.table.name, "Item": history,
                                  "ConditionExpression": "attribute_not_exists(pk)"}})
        items.extend(self._update(target, attrs) for target, attrs in sorted(deltas.items()))
        try:
            transact_write_items(self.table.meta.client, items)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = [r.get("Code") for r in exc.response.get("CancellationReasons") or []]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                return False
            if history is not None and len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                # The history item is there but not the marker (it expired, or was written by an older
                # version): the counters were not applied with it, so apply them now, once.
                return self.record_transition(scope, effect, now_epoch, deltas, history=None)
            raise
        return True

    def _update(self, target: tuple, attrs: dict[str, int]) -> dict:
        names = {f"#n{i}": name for i, name in enumerate(attrs)}
        values = {f":d{i}": delta for i, delta in enumerate(attrs.values())}
        add = "ADD " + ", ".join(f"#n{i} :d{i}" for i in range(len(attrs)))
        if target[0] == COUNTERS:
            key = keys.counters(target[1])
            names["#entity"], names["#scope"] = "entity", "scope"
            values[":entity"], values[":scope"] = "counters", target[1]
            expression = f"SET #entity = :entity, #scope = :scope {add}"
        elif target[0] == MEMBER:
            # No condition: a member removed from the team in the meantime must not block the record for
            # good. Routing ignores membership items without an e-mail or not active.
            key = keys.team_member(target[1], target[2])
            expression = add
        else:
            raise ValueError(f"unknown counter target {target[0]}")
        return {"Update": {"TableName": self.table.name, "Key": key, "UpdateExpression": expression,
                           "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}}

    def claim(self, scope: str, effect: str, now_epoch: int) -> bool:
        """Claim a side effect outside DynamoDB (an e-mail) before making it; False if it was claimed before."""
        try:
            self.table.put_item(Item=self._marker(scope, effect, now_epoch),
                                ConditionExpression="attribute_not_exists(pk)")
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def release(self, scope: str, effect: str) -> None:
        """Give a claim back after the effect failed, so the retried record makes it."""
        self.table.delete_item(Key=keys.pipeline_effect(scope, effect))

    def counters(self, scope: str) -> dict:
        item = self.table.get_item(Key=keys.counters(scope), ConsistentRead=True).get("Item") or {}
        return {name: int(value) for name, value in item.items() if name == "total" or name.startswith("stage_")}
