"""Page cursors: DynamoDB's LastEvaluatedKey, signed and carried in the URL."""
from __future__ import annotations

import dataclasses

from itsdangerous import BadSignature, URLSafeSerializer


class BadCursor(ValueError):
    """The cursor in the URL was not one this portal made."""


@dataclasses.dataclass
class Page:
    items: list
    next_key: dict | None  # DynamoDB's LastEvaluatedKey, or None on the last page


class CursorCodec:
    """Turns LastEvaluatedKey into an opaque URL-safe string and back.

    Signed so that a cursor cannot be edited to start a query somewhere the user did not page to.
    """

    def __init__(self, secret_key: str):
        self._serializer = URLSafeSerializer(secret_key, salt="page-cursor")

    def encode(self, key: dict | None) -> str | None:
        return self._serializer.dumps(key) if key else None

    def decode(self, cursor: str | None) -> dict | None:
        if not cursor:
            return None
        try:
            key = self._serializer.loads(cursor)
        except BadSignature as exc:
            raise BadCursor("This page link is not valid any more.") from exc
        if not isinstance(key, dict) or not all(isinstance(v, str) for v in key.values()):
            raise BadCursor("This page link is not valid any more.")
        return key
