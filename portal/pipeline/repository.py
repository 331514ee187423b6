"""DynamoDB writes of the stream pipeline, each made at most once by a conditional effect marker. Handed its table."""
from __future__ import annotations

import dataclasses

from botocore.exceptions import ClientError

from portal import keys
from portal.dynamo import transact_write_items
from portal.pipeline.counting import COUNTERS, MEMBER


@dataclasses.dataclass(frozen=True)
class Transition:
    """One change of an application to record once: its marker, its history item (if the stage changed), deltas."""

    scope: str  # APP#<id>
    effect: str  # counted#v<version>, counted#seq<sequence number>, counted#removed
    deltas: dict[tuple, dict[str, int]]
    history: dict | None = None


class PipelineRepository:
    # Well past the stream's 24-hour retention, after which no redelivery can come.
    def __init__(self, table, marker_ttl_seconds: int = 7 * 24 * 3600):
        self.table = table
        self.marker_ttl_seconds = marker_ttl_seconds

    def _marker(self, scope: str, effect: str, now_epoch: int) -> dict:
        return {**keys.pipeline_effect(scope, effect), "entity": "pipeline_effect",
                "expires_at": now_epoch + self.marker_ttl_seconds}

    def done(self, scope: str, effect: str) -> bool:
        return self.exists(keys.pipeline_effect(scope, effect))

    def exists(self, key: dict) -> bool:
        """Whether the item is there now (a consistent read): a marker, or the item an e-mail is about."""
        return "Item" in self.table.get_item(Key=key, ConsistentRead=True, ProjectionExpression="pk")

    def record(self, transitions: list[Transition], now_epoch: int, *, check_first: bool = False) -> bool:
        """Write the markers, the history items and the summed counter deltas of ``transitions`` in one transaction.

        Returns False, writing nothing, when a marker shows a transition was already recorded; several
        transitions are then recorded one by one, each only if it is not. Either all of a transaction is
        written or none, so a throttled or failed call can be retried without counting twice. ``check_first``
        reads the marker before trying, where the transition is usually recorded already: a read costs less
        than a cancelled transaction.
        """
        if check_first and len(transitions) == 1 and self.done(transitions[0].scope, transitions[0].effect):
            return False
        items, conditional = [], []
        for transition in transitions:
            items.append({"Put": {"TableName": self.table.name, "ConditionExpression": "attribute_not_exists(pk)",
                                  "Item": self._marker(transition.scope, transition.effect, now_epoch)}})
            conditional.append("marker")
            if transition.history is not None:
                items.append({"Put": {"TableName": self.table.name, "Item": transition.history,
                                      "ConditionExpression": "attribute_not_exists(pk)"}})
                conditional.append("history")
        summed: dict[tuple, dict[str, int]] = {}
        for transition in transitions:
            for target, attrs in transition.deltas.items():
                for name, delta in attrs.items():
                    summed.setdefault(target, {}).setdefault(name, 0)
                    summed[target][name] += delta
        items.extend(self._update(target, attrs) for target, attrs in sorted(summed.items())
                     if any(attrs.values()))
        try:
            transact_write_items(self.table.meta.client, items)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = [r.get("Code") for r in exc.response.get("CancellationReasons") or []]
            failed = {kind for kind, code in zip(conditional, reasons) if code == "ConditionalCheckFailed"}
            if len(transitions) > 1 and failed:
                return any([self.record([t], now_epoch, check_first=True) for t in transitions])
            if "marker" in failed:
                return False
            if failed == {"history"}:
                # The history item is there but not the marker (it expired, or an older version wrote it):
                # the counters were not applied with it, so apply them now, once.
                return self.record([dataclasses.replace(t, history=None) for t in transitions], now_epoch)
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
