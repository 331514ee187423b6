"""Spam defence without puzzles (WCAG 3.3.8): a signed form-start time, so a form sent back too fast is refused."""
from __future__ import annotations

import datetime

from itsdangerous import BadSignature, URLSafeSerializer


def fill_stamp(secret_key: str, now: datetime.datetime) -> str:
    """When the form was shown, signed so that it cannot be back-dated."""
    return URLSafeSerializer(secret_key, salt="apply-started").dumps(int(now.timestamp()))


def seconds_to_fill(secret_key: str, stamp: str, now: datetime.datetime) -> float | None:
    """Seconds between showing the form and receiving it, or None when the stamp is missing or forged."""
    try:
        started = URLSafeSerializer(secret_key, salt="apply-started").loads(stamp or "")
    except BadSignature:
        return None
    return now.timestamp() - started if isinstance(started, int) else None


def too_fast(secret_key: str, stamp: str, now: datetime.datetime, min_seconds: float) -> bool:
    elapsed = seconds_to_fill(secret_key, stamp, now)
    return elapsed is None or elapsed < min_seconds
