"""DynamoDB access for the audit log. Handed its table; entries are only ever added, never changed."""
from __future__ import annotations

import dataclasses

from boto3.dynamodb.conditions import Key

from portal import keys
from portal.paging import Page


@dataclasses.dataclass
class AuditEntry:
    id: str  # ULID: when, in key order
    subject: str  # APP#<id>, POSTING#<id> or ACCOUNT#<id>
    account_id: str  # the opaque id of who acted
    account_name: str
    action: str  # viewed, moved, assigned, noted, tagged, rated, exported, ...
    at: str
    detail: str = ""

    @property
    def subject_kind(self) -> str:
        return self.subject.split("#", 1)[0]

    @property
    def subject_id(self) -> str:
        return self.subject.split("#", 1)[1]


class AuditRepository:
    def __init__(self, table):
        self.table = table

    def append(self, entry: AuditEntry) -> None:
        """Add one entry. The condition makes the log append-only: an existing entry is never overwritten."""
        self.table.put_item(
            Item={**keys.audit_entry(entry.subject, entry.id, entry.account_id), "entity": "audit",
                  **dataclasses.asdict(entry)},
            ConditionExpression="attribute_not_exists(pk)",
        )

    def for_subject(self, subject: str, limit: int, start_key: dict | None = None) -> Page:
        return self._page({"KeyConditionExpression": Key("pk").eq(keys.audit_partition(subject))}, limit, start_key)

    def for_account(self, account_id: str, limit: int, start_key: dict | None = None) -> Page:
        return self._page({"IndexName": "gsi1",
                           "KeyConditionExpression": Key("gsi1pk").eq(keys.audit_account_partition(account_id))},
                          limit, start_key)

    def _page(self, kwargs: dict, limit: int, start_key: dict | None) -> Page:
        kwargs = {**kwargs, "ScanIndexForward": False, "Limit": limit}
        if start_key:
            kwargs["ExclusiveStartKey"] = start_key
        resp = self.table.query(**kwargs)
        fields = {f.name for f in dataclasses.fields(AuditEntry)}
        return Page([AuditEntry(**{k: v for k, v in i.items() if k in fields}) for i in resp["Items"]],
                    resp.get("LastEvaluatedKey"))
