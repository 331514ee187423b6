"""DynamoDB access for applications and their submissions. Handed its table; knows nothing of the rules.

Every versioned write of an application (a stage move, an assignment, the applicant's availability) is one
UpdateItem guarded by the version the caller last saw (optimistic locking); stage moves and assignments rewrite
the index attributes of the new state in the same write, so queues never disagree with the stage. A failed
guard is a StageConflict carrying the application as it is now.
"""
from __future__ import annotations

import dataclasses

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from portal import keys
from portal.applications.models import Application, Preferences
from portal.dynamo import batch_get, transact_write_items
from portal.paging import Page


class StageConflict(Exception):
    """Someone else changed the application first; ``current`` is what it is now (None if it is gone)."""

    def __init__(self, current: Application | None):
        super().__init__("the application changed since it was read")
        self.current = current


class DuplicateSubmission(Exception):
    """The submission token was used before: the earlier submission stands."""


class RateLimited(Exception):
    """Too many submissions from one IP address or e-mail address in the current window."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


@dataclasses.dataclass(frozen=True)
class RateCounter:
    kind: str  # "IP" or "EMAIL"
    key: dict
    limit: int
    expires_at: int  # epoch seconds, for DynamoDB's TTL


def _counting(counter: RateCounter) -> dict:
    """The update that counts one more, only while below the limit; the counter expires by TTL."""
    return {
        "UpdateExpression": "ADD #n :one SET expires_at = if_not_exists(expires_at, :expires)",
        "ConditionExpression": "attribute_not_exists(#n) OR #n < :limit",
        "ExpressionAttributeNames": {"#n": "n"},
        "ExpressionAttributeValues": {":one": 1, ":limit": counter.limit, ":expires": counter.expires_at},
    }


class ApplicationRepository:
    def __init__(self, table):
        self.table = table

    @staticmethod
    def _item(application: Application) -> dict:
        return {
            **keys.application(application.id),
            **index_keys(application, application.stage, application.assignee, application.score),
            "entity": "application",
            **_storable(application.to_item()),
        }

    def create_submission(self, token: str, reference: str, applications: list[Application], created_at: str,
                          status_item: dict | None = None, rate_counters: tuple = (), fingerprint: str = "",
                          finished_draft: dict | None = None) -> None:
        """Write the submission marker, its applications, its status item and its rate counters in one transaction,
        and delete the unfinished application (``finished_draft``, its key) it was built from in the same one.

        The marker's condition makes a re-sent POST with the same token fail as a whole, so a double
        click or a retry can never produce a second set of applications. Each rate counter (a ``RateCounter``)
        only counts while below its limit, so a submission over a limit is refused without writing anything.
        On a DynamoDB without transactions (dynalite) this raises portal.dynamo.TransactionsUnsupported.
        """
        marker = {
            **keys.submission(token),
            "entity": "submission",
            "reference": reference,
            "application_ids": [a.id for a in applications],
            "created_at": created_at,
            "fingerprint": fingerprint,  # what the token was first sent with (services.submission_fingerprint)
        }
        puts = [marker] + [self._item(a) for a in applications] + ([status_item] if status_item else [])
        transact = [
            {"Put": {"TableName": self.table.name, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}
            for item in puts
        ]
        transact += [{"Update": {"TableName": self.table.name, "Key": counter.key, **_counting(counter)}}
                     for counter in rate_counters]
        if finished_draft:
            transact.append({"Delete": {"TableName": self.table.name, "Key": finished_draft}})
        try:
            # The resource's client serializes plain Python values itself, as the Table methods do.
            transact_write_items(self.table.meta.client, transact)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            failed = [i for i, r in enumerate(exc.response.get("CancellationReasons") or [])
                      if r.get("Code") == "ConditionalCheckFailed"]
            if 0 in failed:
                raise DuplicateSubmission(token) from exc
            over = [rate_counters[i - len(puts)] for i in failed if i >= len(puts)]
            if over:
                raise RateLimited(over[0].kind) from exc
            raise

    def count(self, counter: RateCounter) -> None:
        """Count one more against the counter; raises RateLimited, counting nothing, when it is at its limit."""
        try:
            self.table.update_item(Key=counter.key, **_counting(counter))
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            raise RateLimited(counter.kind) from exc

    def put_many(self, applications: list[Application]) -> None:
        """Plain batch writes, without the submission marker: for loading demo or test data only."""
        with self.table.batch_writer() as batch:
            for application in applications:
                batch.put_item(Item=self._item(application))

    def get_submission(self, token: str) -> dict | None:
        return self.table.get_item(Key=keys.submission(token), ConsistentRead=True).get("Item")

    def get_status(self, token_hash: str) -> dict | None:
        return self.table.get_item(Key=keys.status(token_hash), ConsistentRead=True).get("Item")

    def update_preferences(self, application: Application, preferences: Preferences, at: str) -> Application:
        """Replace the preferences if the application is still at the version the caller saw; bump the version.

        Raises StageConflict (with the application as it is now) when it changed meanwhile.
        """
        try:
            resp = self.table.update_item(
                Key=keys.application(application.id),
                UpdateExpression="SET preferences = :p, version = :next, updated_at = :at",
                ConditionExpression="attribute_exists(pk) AND version = :seen",
                ExpressionAttributeValues={":p": dataclasses.asdict(preferences), ":next": application.version + 1,
                                           ":at": at, ":seen": application.version},
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as exc:
            raise self._conflict(application.id, exc) from exc
        return Application.from_item(resp["Attributes"])

    def write_stage(self, application: Application, to_stage: str, by: str, at: str, reason: str = "",
                    extra: dict | None = None) -> Application:
        """Move ``application`` (as the caller read it) to ``to_stage``, with ``extra`` attributes in the same write
        (the pipeline's score, reasons, flags and assignee). The rules come first: portal/applications/stages.py."""
        extra = dict(extra or {})
        assignee = extra.get("assignee", application.assignee)
        score = extra.get("score", application.score)
        # The retention period runs from the move that ended it; a move out again (if ever allowed) clears it.
        ended_at = at if to_stage in keys.RETENTION_STAGES else ""
        flagged = dataclasses.replace(application, flags=list(extra.get("flags", application.flags)),
                                      ended_at=ended_at)
        values = {**extra, "stage": to_stage, "updated_at": at, "moved_by": by, "stage_reason": reason.strip(),
                  "ended_at": ended_at}
        return self._write_version(application, values, index_keys(flagged, to_stage, assignee, score))

    def write_assignee(self, application: Application, assignee: str | None, by: str, at: str) -> Application:
        """Give ``application`` to ``assignee`` (None: nobody), keeping its stage, under the same lock as a move: a
        move and an assignment made from the same reading cannot both win."""
        values = {"assignee": assignee, "updated_at": at, "assigned_by": by}
        return self._write_version(application, values,
                                   index_keys(application, application.stage, assignee, application.score))

    def _write_version(self, application: Application, values: dict, index_keys: dict) -> Application:
        """One UpdateItem: set ``values`` and the index keys, REMOVE the index keys the new state lacks, bump the version."""
        values = {**values, **index_keys, "version": application.version + 1}
        names = {f"#a{i}": name for i, name in enumerate(values)}
        sets = ", ".join(f"#a{i} = :v{i}" for i in range(len(values)))
        removed = [name for name in keys.QUEUE_INDEX_ATTRIBUTES if name not in index_keys]
        names.update({f"#r{i}": name for i, name in enumerate(removed)})
        expression = f"SET {sets}" + (" REMOVE " + ", ".join(f"#r{i}" for i in range(len(removed))) if removed else "")
        names["#version"] = "version"
        try:
            resp = self.table.update_item(
                Key=keys.application(application.id),
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(pk) AND #version = :expected",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={**{f":v{i}": v for i, v in enumerate(values.values())},
                                           ":expected": application.version},
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as exc:
            raise self._conflict(application.id, exc) from exc
        return Application.from_item(resp["Attributes"])

    def _conflict(self, application_id: str, exc: ClientError) -> StageConflict:
        """The StageConflict for a failed version condition, with the application as it is now; other errors re-raised."""
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise exc
        old = exc.response.get("Item")
        if old is not None:
            return StageConflict(Application.from_item(_plain(old)))
        # No item back: it is gone, or this DynamoDB ignores ReturnValuesOnConditionCheckFailure (dynalite
        # does). One consistent read tells which, so a conflict is never reported as a deletion.
        current = self.table.get_item(Key=keys.application(application_id), ConsistentRead=True).get("Item")
        return StageConflict(Application.from_item(current) if current else None)

    def link_resume(self, token_hash: str, application_ids: list[str], resume_key: str, at: str) -> None:
        """Record the checked résumé on the status item and on every application of the submission, at once."""
        updates = [{"Update": {
            "TableName": self.table.name, "Key": keys.status(token_hash),
            "UpdateExpression": "SET resume_key = :k", "ConditionExpression": "attribute_exists(pk)",
            "ExpressionAttributeValues": {":k": resume_key}}}]
        updates += [{"Update": {
            "TableName": self.table.name, "Key": keys.application(i),
            "UpdateExpression": "SET resume_key = :k, updated_at = :at", "ConditionExpression": "attribute_exists(pk)",
            "ExpressionAttributeValues": {":k": resume_key, ":at": at}}} for i in application_ids]
        transact_write_items(self.table.meta.client, updates)

    def item_keys_of(self, application_id: str) -> list[dict]:
        """Keys of every item of one application: the record itself, its stage history and its notes."""
        keys_found, kwargs = [], {"KeyConditionExpression": Key("pk").eq(keys.application(application_id)["pk"]),
                                  "ProjectionExpression": "pk, sk", "ConsistentRead": True}
        while True:
            resp = self.table.query(**kwargs)
            keys_found += resp["Items"]
            if not resp.get("LastEvaluatedKey"):
                return keys_found
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    def erase(self, deletes: list[dict], audit_items: list[dict], *, selfid: tuple[str, dict] | None = None,
              guards: tuple[Application, ...] = (), resume_key: str = "") -> None:
        """Delete these main-table items and ``selfid`` (the self-ID table's name and the item's key), and write
        the audit items, in one transaction; with ``resume_key``, also a note that the résumé is still to be
        deleted from S3 (``resumes_erasing``), which the caller forgets once it has deleted the object.

        ``guards`` are applications as the caller read them: each record goes only while it is still at that stage
        and version, and the status item only while it names the same résumé; otherwise nothing is erased and
        StageConflict(None) is raised. A transaction holds at most 100 operations: a very long history (or many
        notes) goes in earlier transactions first, each of which checks the guards as well. The self-ID table is
        only ever deleted from by key here; it is never read on this path.
        """
        name, client = self.table.name, self.table.meta.client
        guarded = {keys.application(a.id)["pk"]: a for a in guards}
        deletes = list({(k["pk"], k["sk"]): k for k in
                        [*deletes, *(keys.application(a.id) for a in guards)]}.values())
        parts = [k for k in deletes if k["sk"].startswith((keys.HISTORY_PREFIX, keys.NOTE_PREFIX))]
        checks = [{"ConditionCheck": {"TableName": name, "Key": keys.application(a.id), **_unchanged(a)}}
                  for a in guards]
        final = []
        for key in deletes:
            if key in parts:
                continue
            delete = {"TableName": name, "Key": key}
            if key["sk"] == keys.APPLICATION_SK and key["pk"] in guarded:
                delete.update(_unchanged(guarded[key["pk"]]))
            elif key["sk"] == keys.STATUS_SK and guards:
                delete.update(_same_resume(resume_key))
            final.append({"Delete": delete})
        if selfid:
            final.append({"Delete": {"TableName": selfid[0], "Key": selfid[1]}})
        final += [{"Put": {"TableName": name, "Item": item}} for item in audit_items]
        if resume_key:
            final.append({"Put": {"TableName": name, "Item": {**keys.resume_erasing(resume_key),
                                                              "entity": "resume_erasing", "resume_key": resume_key}}})
        room = 100 - len(checks)
        for start in range(0, len(parts), room):
            self._erase_guarded(client, checks + [{"Delete": {"TableName": name, "Key": k}}
                                                  for k in parts[start:start + room]])
        self._erase_guarded(client, final)

    @staticmethod
    def _erase_guarded(client, ops: list[dict]) -> None:
        try:
            transact_write_items(client, ops)
        except ClientError as exc:
            reasons = exc.response.get("CancellationReasons") or []
            if exc.response["Error"]["Code"] == "TransactionCanceledException" and any(
                    r.get("Code") == "ConditionalCheckFailed" for r in reasons):
                raise StageConflict(None) from exc
            raise

    def ended_before(self, cutoff: str, limit: int, start_key: dict | None = None) -> Page:
        """Rejected and withdrawn applications that became so before ``cutoff`` (ISO time), oldest first (the
        retention index, gsi3). The index is eventually consistent: read them again before acting on them."""
        return self._page({"IndexName": keys.RETENTION_INDEX, "Limit": limit,
                           "KeyConditionExpression": Key("gsi3pk").eq(keys.RETENTION_PARTITION)
                           & Key("gsi3sk").lt(cutoff)}, start_key)

    def resumes_erasing(self, limit: int = 100) -> list[str]:
        """Résumés of erased submissions whose S3 objects may still exist (an erasure interrupted before it deleted
        them), oldest note first."""
        resp = self.table.query(KeyConditionExpression=Key("pk").eq(keys.RESUMES_ERASING), Limit=limit,
                                ConsistentRead=True)
        return [item["resume_key"] for item in resp["Items"]]

    def forget_resume_erasing(self, resume_key: str) -> None:
        self.table.delete_item(Key=keys.resume_erasing(resume_key))

    def record_retention_run(self, run: dict) -> None:
        """Keep ``run`` as the retention schedule's last run, unless a run that started later has recorded itself."""
        try:
            self.table.put_item(Item={**keys.retention_run(), "entity": "retention_run", **run},
                                ConditionExpression="attribute_not_exists(pk) OR ran_at <= :at",
                                ExpressionAttributeValues={":at": run["ran_at"]})
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    def last_retention_run(self) -> dict | None:
        return self.table.get_item(Key=keys.retention_run()).get("Item")

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
        return self._page(kwargs, start_key)

    def _page(self, kwargs: dict, start_key: dict | None) -> Page:
        """One Query of applications from ``start_key`` on."""
        if start_key:
            kwargs = {**kwargs, "ExclusiveStartKey": start_key}
        resp = self.table.query(**kwargs)
        return Page([Application.from_item(i) for i in resp["Items"]], resp.get("LastEvaluatedKey"))


    def get_many(self, application_ids: list[str], consistent: bool = False) -> dict[str, Application]:
        """Applications by id (BatchGetItem, 100 keys a call); ``consistent`` when the reader has just written them."""
        ids = list(dict.fromkeys(application_ids))
        items = batch_get(self.table, [keys.application(i) for i in ids], consistent=consistent)
        return {item["id"]: Application.from_item(item) for item in items}

    def list_history(self, application_id: str) -> list[dict]:
        """The stage history items the pipeline wrote: at, from_stage, to_stage, by, reason; oldest first."""
        resp = self.table.query(KeyConditionExpression=Key("pk").eq(keys.application(application_id)["pk"])
                                & Key("sk").begins_with(keys.HISTORY_PREFIX))
        return resp["Items"]

    def add_note(self, application_id: str, note: dict) -> None:
        """Notes are separate items, added and never changed (the condition refuses to overwrite one), and only
        while the application exists: a note written after an erasure would outlive it. Raises StageConflict(None)
        when it is gone."""
        try:
            transact_write_items(self.table.meta.client, [
                {"ConditionCheck": {"TableName": self.table.name, "Key": keys.application(application_id),
                                    "ConditionExpression": "attribute_exists(pk)"}},
                {"Put": {"TableName": self.table.name, "ConditionExpression": "attribute_not_exists(pk)",
                         "Item": {**keys.application_note(application_id, note["id"]), "entity": "note", **note}}},
            ])
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            raise StageConflict(None) from exc

    def list_notes(self, application_id: str) -> list[dict]:
        resp = self.table.query(KeyConditionExpression=Key("pk").eq(keys.application(application_id)["pk"])
                                & Key("sk").begins_with(keys.NOTE_PREFIX))
        return resp["Items"]

    def change_tags(self, application_id: str, add: set[str] = frozenset(), remove: set[str] = frozenset()) -> None:
        """ADD/DELETE on a string set: two recruiters tagging at once both keep their tags."""
        if add:
            self._annotate(application_id, "ADD tags :t", {":t": set(add)})
        if remove:
            self._annotate(application_id, "DELETE tags :t", {":t": set(remove)})

    def set_rating(self, application_id: str, rating: int | None) -> None:
        if rating is None:
            self._annotate(application_id, "REMOVE rating", None)
        else:
            self._annotate(application_id, "SET rating = :r", {":r": rating})

    def mark_triaged(self, application_id: str, at: str) -> None:
        """Keep the time of the first move a person made (later moves leave it), for "time to first triage"."""
        self._annotate(application_id, "SET first_triaged_at = if_not_exists(first_triaged_at, :at)", {":at": at})

    def _annotate(self, application_id: str, expression: str, values: dict | None) -> None:
        kwargs = {"Key": keys.application(application_id), "UpdateExpression": expression,
                  "ConditionExpression": "attribute_exists(pk)"}
        if values:
            kwargs["ExpressionAttributeValues"] = values
        self.table.update_item(**kwargs)

    def query_index(self, index: str, key_condition, filter_expression, limit: int, start_key: dict | None,
                    forward: bool) -> tuple[list[dict], dict | None, int]:
        """One Query on an index: the matching items, LastEvaluatedKey and ScannedCount (items read)."""
        kwargs = {"IndexName": index, "KeyConditionExpression": key_condition, "ScanIndexForward": forward,
                  "Limit": limit}
        if filter_expression is not None:
            kwargs["FilterExpression"] = filter_expression
        if start_key:
            kwargs["ExclusiveStartKey"] = start_key
        resp = self.table.query(**kwargs)
        return resp["Items"], resp.get("LastEvaluatedKey"), resp.get("ScannedCount", len(resp["Items"]))


def index_keys(application: Application, stage: str, assignee: str | None, score: int | None) -> dict:
    """The queue and filter index attributes of ``application`` in this stage, for this assignee and score.

    The one place that hands an application's filter values (posting, state, hours, shifts, flags) to
    ``keys.application_queue_keys``, so a stage move, an assignment and the first write all agree.
    """
    return keys.application_queue_keys(
        application.team, stage, assignee, score, application.id,
        posting_id=application.posting_id, state=application.location.state,
        hours_max=application.preferences.hours_max, shifts=application.preferences.shifts, flags=application.flags,
        ended_at=application.ended_at,
    )


def _unchanged(application: Application) -> dict:
    """The condition that ``application`` is still at the stage and version it was read at."""
    return {"ConditionExpression": "#stage = :stage AND #version = :version",
            "ExpressionAttributeNames": {"#stage": "stage", "#version": "version"},
            "ExpressionAttributeValues": {":stage": application.stage, ":version": application.version}}


def _same_resume(resume_key: str) -> dict:
    """The condition that a status item still names the résumé it was read with (or none, as it was read)."""
    if not resume_key:
        return {"ConditionExpression": "attribute_not_exists(resume_key) OR resume_key = :none",
                "ExpressionAttributeValues": {":none": ""}}
    return {"ConditionExpression": "resume_key = :resume", "ExpressionAttributeValues": {":resume": resume_key}}


def _plain(item: dict) -> dict:
    """The low-level item returned on a failed condition, as plain Python values."""
    from boto3.dynamodb.types import TypeDeserializer

    deserialize = TypeDeserializer().deserialize
    return {name: deserialize(value) for name, value in item.items()}


def _storable(item: dict) -> dict:
    """Tags are a string set (so concurrent taggers add, not overwrite) and DynamoDB has no empty sets."""
    item = dict(item)
    if item.get("tags"):
        item["tags"] = set(item["tags"])
    else:
        item.pop("tags", None)
    if item.get("rating") is None:
        item.pop("rating", None)
    return item


class DraftGone(Exception):
    """The unfinished application is not there any more: sent, erased by TTL, or never made."""


class TooManyLinks(Exception):
    """The unfinished application's "finish later" link was already sent as often as allowed."""


class DraftRepository:
    """Unfinished applications (portal/applications/drafts.py): one item each, its answers a map of field to values,
    so that saving one step never overwrites another's."""

    def __init__(self, table):
        self.table = table

    def create(self, item: dict) -> None:
        self.table.put_item(Item={**item, **keys.draft(item["id"]), "entity": "draft"},
                            ConditionExpression="attribute_not_exists(pk)")

    def get(self, draft_id: str) -> dict | None:
        return self.table.get_item(Key=keys.draft(draft_id), ConsistentRead=True).get("Item")

    def save(self, draft_id: str, answers: dict[str, list[str]], *, done: str = "", undone: str = "",
             attributes: dict | None = None) -> None:
        """Set these answers (field by field), mark a step done or not done, and set plain ``attributes``."""
        names, values, sets = {}, {}, []
        for n, (field, field_values) in enumerate(answers.items()):
            names[f"#a{n}"], values[f":a{n}"] = field, list(field_values)
            sets.append(f"answers.#a{n} = :a{n}")
        for n, (name, value) in enumerate((attributes or {}).items()):
            names[f"#s{n}"], values[f":s{n}"] = name, value
            sets.append(f"#s{n} = :s{n}")
        expression = ("SET " + ", ".join(sets)) if sets else ""
        if done:
            expression += " ADD done :step"
            values[":step"] = {done}
        if undone:
            expression += " DELETE done :unstep"
            values[":unstep"] = {undone}
        if not expression:
            return
        try:
            self.table.update_item(Key=keys.draft(draft_id), UpdateExpression=expression.strip(),
                                   ConditionExpression="attribute_exists(pk)", ExpressionAttributeValues=values,
                                   **({"ExpressionAttributeNames": names} if names else {}))
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            raise DraftGone(draft_id) from exc

    def count_link(self, draft_id: str, limit: int, at: str) -> int:
        """One more "finish later" e-mail asked for (the pipeline sends it); its number, or TooManyLinks."""
        try:
            item = self.table.update_item(
                Key=keys.draft(draft_id), UpdateExpression="ADD links_sent :one SET link_asked_at = :at",
                ConditionExpression="attribute_exists(pk) AND (attribute_not_exists(links_sent) OR links_sent < :limit)",
                ExpressionAttributeValues={":one": 1, ":limit": limit, ":at": at}, ReturnValues="UPDATED_NEW",
            )["Attributes"]
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            if self.get(draft_id) is None:
                raise DraftGone(draft_id) from exc
            raise TooManyLinks(draft_id) from exc
        return int(item["links_sent"])
