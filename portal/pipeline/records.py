"""DynamoDB stream records as Lambda delivers them, read into plain Python values, and what kind of item each is about."""
from __future__ import annotations

import dataclasses

from boto3.dynamodb.types import TypeDeserializer

INSERT, MODIFY, REMOVE = "INSERT", "MODIFY", "REMOVE"
EVENT_NAMES = (INSERT, MODIFY, REMOVE)

_deserialize = TypeDeserializer().deserialize


class MalformedRecord(ValueError):
    """Not a stream record of the main table in the shape Lambda delivers: skipped, never retried.

    The message says what is wrong with the shape; it never quotes the record's values (they may be personal).
    """


@dataclasses.dataclass(frozen=True)
class StreamRecord:
    sequence_number: str
    event_name: str
    keys: dict
    new: dict | None  # NewImage as plain values (Decimal numbers), None for REMOVE
    old: dict | None  # OldImage, None for INSERT
    created_at: float | None = None  # ApproximateCreationDateTime, epoch seconds

    @property
    def item_key(self) -> tuple[str, str]:
        """Which item the record is about: records of one item must be handled in stream order."""
        return self.keys.get("pk", ""), self.keys.get("sk", "")

    @property
    def entity(self) -> str:
        image = self.new or self.old or {}
        return str(image.get("entity", ""))


def parse(raw, table_name: str) -> StreamRecord:
    """One element of a Lambda event's ``Records``, checked and deserialized; raises MalformedRecord.

    A record from another table's stream or another event source counts as malformed here: this handler
    is only ever subscribed to the main table, so such a record is a misconfiguration, not work to retry.
    """
    if not isinstance(raw, dict):
        raise MalformedRecord("a record is not an object")
    if raw.get("eventSource") != "aws:dynamodb":
        raise MalformedRecord("eventSource is not aws:dynamodb")
    if f":table/{table_name}/stream/" not in str(raw.get("eventSourceARN", "")):
        raise MalformedRecord("the record comes from another table's stream")
    event_name = raw.get("eventName")
    if event_name not in EVENT_NAMES:
        raise MalformedRecord("eventName is not INSERT, MODIFY or REMOVE")
    body = raw.get("dynamodb")
    if not isinstance(body, dict):
        raise MalformedRecord("the record has no dynamodb part")
    sequence_number = body.get("SequenceNumber")
    if not isinstance(sequence_number, str) or not sequence_number:
        raise MalformedRecord("the record has no SequenceNumber")
    try:
        keys = _image(body.get("Keys"))
        new = _image(body.get("NewImage")) if event_name != REMOVE else None
        old = _image(body.get("OldImage")) if event_name != INSERT else None
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise MalformedRecord(f"an image is not in DynamoDB JSON ({type(exc).__name__})") from exc
    if not keys or "pk" not in keys:
        raise MalformedRecord("the record has no pk in its Keys")
    if (event_name != REMOVE and new is None) or (event_name != INSERT and old is None):
        # The table's stream is NEW_AND_OLD_IMAGES; without both images no effect can be worked out.
        raise MalformedRecord("the record lacks the images of a NEW_AND_OLD_IMAGES stream")
    created = body.get("ApproximateCreationDateTime")
    created_at = float(created) if isinstance(created, (int, float)) else None
    return StreamRecord(sequence_number, event_name, keys, new, old, created_at)


def _image(attributes) -> dict | None:
    if attributes is None:
        return None
    if not isinstance(attributes, dict):
        raise TypeError("not a map")
    return {name: _deserialize(value) for name, value in attributes.items()}
