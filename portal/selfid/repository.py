"""DynamoDB writes of self-ID answers: the answer item in the self-ID table and the team counts in the main table."""
from __future__ import annotations

from botocore.exceptions import ClientError

from portal import keys
from portal.dynamo import transact_write_items


class AlreadyAnswered(Exception):
    """This submission's self-ID answers were recorded before; they are counted once only."""


class SelfIdRepository:
    """Handed the self-ID table's name and the main table. It writes the self-ID table and never reads it."""

    def __init__(self, selfid_table_name: str, main_table):
        self.selfid_table_name = selfid_table_name
        self.main_table = main_table

    def record(self, submission_id: str, answers: dict, counter_names: list[str], teams: list[str], at: str) -> None:
        """Put the answers (only if none exist for this submission) and ADD 1 to each named counter of each team,
        all in one transaction, so the counts can never drift from the answers."""
        names = {f"#c{i}": name for i, name in enumerate(counter_names)}
        ops = [{"Put": {
            "TableName": self.selfid_table_name,
            "Item": {**keys.selfid(submission_id), "submission_id": submission_id, "answers": answers,
                     "created_at": at},
            "ConditionExpression": "attribute_not_exists(pk)",
        }}]
        ops += [{"Update": {
            "TableName": self.main_table.name,
            "Key": keys.counters(f"EEO#{team}"),
            "UpdateExpression": "ADD " + ", ".join(f"{n} :one" for n in names) + " SET entity = :entity",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": {":one": 1, ":entity": "counters"},
        }} for team in teams]
        try:
            transact_write_items(self.main_table.meta.client, ops)
        except ClientError as exc:
            reasons = exc.response.get("CancellationReasons") or []
            if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                raise AlreadyAnswered(submission_id) from exc
            raise
