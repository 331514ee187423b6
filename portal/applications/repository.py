"""DynamoDB access for applications and their submissions. Handed its table; knows nothing of the rules."""
from __future__ import annotations

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from portal import keys
from portal.dynamo import transact_write_items
from portal.applications.models import Application
from portal.paging import Page


class DuplicateSubmission(Exception):
    """The submission token was used before: the earlier submission stands."""


class ApplicationRepository:
    def __init__(self, table):
        self.table = table

    @staticmethod
    def _item(application: Application) -> dict:
        return {
            **keys.application(application.id),
            **keys.application_queue_keys(application.team, application.stage, application.assignee, application.score, application.id),
            "entity": "application",
            **application.to_item(),
        }

    def create_submission(self, token: str, reference: str, applications: list[Application], created_at: str) -> None:
        """Write the submission marker and its applications in one transaction.

        The marker's condition makes a re-sent POST with the same token fail as a whole, so a double
        click or a retry can never produce a second set of applications. On a DynamoDB without transactions
        (dynalite) this raises portal.dynamo.TransactionsUnsupported and writes nothing.
        """
        marker = {
            **keys.submission(token),
            "entity": "submission",
            "reference": reference,
            "application_ids": [a.id for a in applications],
            "created_at": created_at,
        }
        # The resource's client serializes plain Python values itself, as the Table methods do.
        client = self.table.meta.client
        items = [marker] + [self._item(a) for a in applications]
        try:
            transact_write_items(
                client,
                [
                    {"Put": {"TableName": self.table.name, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}
                    for item in items
                ],
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "TransactionCanceledException":
                reasons = exc.response.get("CancellationReasons") or []
                if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                    raise DuplicateSubmission(token) from exc
            raise

    def put_many(self, applications: list[Application]) -> None:
        """Plain batch writes, without the submission marker: for loading demo or test data only."""
        with self.table.batch_writer() as batch:
            for application in applications:
                batch.put_item(Item=self._item(application))

    def get_submission(self, token: str) -> dict | None:
        return self.table.get_item(Key=keys.submission(token), ConsistentRead=True).get("Item")

    def get(self, application_id: str) -> Application | None:
        item = self.table.get_item(Key=keys.application(application_id)).get("Item")
        return Application.from_item(item) if item else None

    def list_for_team(self, team: str, limit: int, start_key: dict | None = None) -> Page:
        kwargs = {
            "IndexName": "gsi1",
            "KeyConditionExpression": Key("gsi1pk").eq(keys.team_applications_partition(team)),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if start_key:
            kwargs["ExclusiveStartKey"] = start_key
        resp = self.table.query(**kwargs)
        return Page([Application.from_item(i) for i in resp["Items"]], resp.get("LastEvaluatedKey"))

