"""DynamoDB access for accounts and teams. Handed its table; knows nothing of the rules."""
from __future__ import annotations

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from portal import keys
from portal.accounts.models import Account, Team


class MustWait(Exception):
    """A sign-in counter asks for a wait: no attempt before ``until`` (epoch seconds)."""

    def __init__(self, until: int):
        super().__init__(until)
        self.until = until


class AccountRepository:
    def __init__(self, table):
        self.table = table

    def get(self, email: str) -> Account | None:
        item = self.table.get_item(Key=keys.account(email)).get("Item")
        return Account.from_item(item) if item else None

    def put(self, account: Account) -> None:
        """Write the account and one membership item per team (members are listed per team for routing)."""
        self.table.put_item(Item={**keys.account(account.email), **keys.account_index(account.id), "entity": "account",
                                  **account.to_item()})
        for team_id in account.teams:
            self.table.update_item(
                Key=keys.team_member(team_id, account.email),
                UpdateExpression="SET entity = :e, email = :m, active = :a, #role = :r, open_count = if_not_exists(open_count, :z)",
                ExpressionAttributeNames={"#role": "role"},
                ExpressionAttributeValues={":e": "team_member", ":m": account.email.lower(), ":a": account.active,
                                           ":r": account.role, ":z": 0},
            )

    def end_sessions(self, email: str, before_ms: int) -> None:
        """Refuse every session of the account signed in before ``before_ms``: one attribute, updated in place, so
        it keeps whatever else changed meanwhile. (``put`` rewrites the whole item: an admin's toggle read just
        before a sign-out would put the older value back.)"""
        self.table.update_item(Key=keys.account(email), UpdateExpression="SET sessions_valid_from = :t",
                               ConditionExpression="attribute_exists(pk)", ExpressionAttributeValues={":t": before_ms})

    def set_active(self, account: Account, active: bool, sessions_valid_from: int | None = None) -> bool:
        """Activate or deactivate the account as it was read (False, changing nothing, if someone changed that
        meanwhile), and its membership items; with ``sessions_valid_from``, end its sessions too. Attributes
        updated in place, like end_sessions, so a sign-out meanwhile is kept."""
        values = {":a": active, ":was": account.active}
        update = "SET active = :a"
        if sessions_valid_from is not None:
            update += ", sessions_valid_from = :t"
            values[":t"] = sessions_valid_from
        try:
            self.table.update_item(Key=keys.account(account.email), UpdateExpression=update,
                                   ConditionExpression="attribute_exists(pk) AND active = :was",
                                   ExpressionAttributeValues=values)
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        for team_id in account.teams:
            self.table.update_item(Key=keys.team_member(team_id, account.email), UpdateExpression="SET active = :a",
                                   ConditionExpression="attribute_exists(pk)", ExpressionAttributeValues={":a": active})
        return True

    def get_by_id(self, account_id: str) -> Account | None:
        resp = self.table.query(IndexName="gsi1", KeyConditionExpression=Key("gsi1pk").eq(keys.ACCOUNTS)
                                & Key("gsi1sk").eq(account_id))
        return Account.from_item(resp["Items"][0]) if resp["Items"] else None

    def list_accounts(self) -> list[Account]:
        """Every account, for the admins' accounts page (a few hundred at most: one partition, paged through)."""
        kwargs = {"IndexName": "gsi1", "KeyConditionExpression": Key("gsi1pk").eq(keys.ACCOUNTS)}
        found = []
        while True:
            resp = self.table.query(**kwargs)
            found.extend(Account.from_item(i) for i in resp["Items"])
            if "LastEvaluatedKey" not in resp:
                return sorted(found, key=lambda a: a.email)
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    def count_attempt(self, kind: str, identity_hash: str, window: str, expires_at: int, now: int) -> int:
        """Add one sign-in attempt to the counter of this window and return the new count (atomic ADD).

        Raises MustWait, counting nothing, while an earlier failure's wait (delay_attempts) still runs."""
        try:
            resp = self.table.update_item(
                Key=keys.login_attempts(kind, identity_hash, window),
                UpdateExpression="ADD attempts :one SET expires_at = if_not_exists(expires_at, :exp), entity = :e",
                ConditionExpression="attribute_not_exists(wait_until) OR wait_until <= :now",
                ExpressionAttributeValues={":one": 1, ":exp": expires_at, ":e": "login_attempts", ":now": now},
                ReturnValues="UPDATED_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            # DynamoDB returns the item that failed the condition; an emulator that does not is asked for it.
            held = exc.response.get("Item", {}).get("wait_until", {}).get("N")
            if held is None:
                item = self.table.get_item(Key=keys.login_attempts(kind, identity_hash, window),
                                           ConsistentRead=True).get("Item", {})
                held = item.get("wait_until", now)
            raise MustWait(int(held)) from None
        return int(resp["Attributes"]["attempts"])

    def delay_attempts(self, kind: str, identity_hash: str, window: str, until: int) -> None:
        """No attempt on this counter before ``until`` (epoch seconds)."""
        self.table.update_item(Key=keys.login_attempts(kind, identity_hash, window),
                               UpdateExpression="SET wait_until = :until", ExpressionAttributeValues={":until": until})

    def list_members(self, team_id: str) -> list[dict]:
        """Membership items of a team: email, role, active, open_count (applications assigned and still open).

        Only whole ones: the pipeline's counter update makes an item of just open_count for someone removed from
        the team meanwhile (portal/pipeline/repository.py), and no page may fail on it.
        """
        resp = self.table.query(
            KeyConditionExpression=Key("pk").eq(keys.team(team_id)["pk"]) & Key("sk").begins_with(keys.MEMBER_PREFIX)
        )
        return [item for item in resp["Items"] if isinstance(item.get("email"), str) and item["email"]]

    def put_team(self, team: Team) -> None:
        self.table.put_item(Item={**keys.team(team.id), "entity": "team", "id": team.id, "name": team.name})

    def list_teams(self) -> list[Team]:
        resp = self.table.query(IndexName="gsi1", KeyConditionExpression=Key("gsi1pk").eq(keys.TEAMS))
        return [Team(id=i["id"], name=i["name"]) for i in resp["Items"]]
