"""DynamoDB access for accounts and teams. Handed its table; knows nothing of the rules."""
from __future__ import annotations

from boto3.dynamodb.conditions import Key

from portal import keys
from portal.accounts.models import Account, Team


class AccountRepository:
    def __init__(self, table):
        self.table = table

    def get(self, email: str) -> Account | None:
        item = self.table.get_item(Key=keys.account(email)).get("Item")
        return Account.from_item(item) if item else None

    def put(self, account: Account) -> None:
        self.table.put_item(Item={**keys.account(account.email), "entity": "account", **account.to_item()})

    def put_team(self, team: Team) -> None:
        self.table.put_item(Item={**keys.team(team.id), "entity": "team", "id": team.id, "name": team.name})

    def list_teams(self) -> list[Team]:
        resp = self.table.query(IndexName="gsi1", KeyConditionExpression=Key("gsi1pk").eq(keys.TEAMS))
        return [Team(id=i["id"], name=i["name"]) for i in resp["Items"]]
