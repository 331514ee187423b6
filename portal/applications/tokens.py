"""Private status-link tokens: unguessable, derived from the submission id with the app's secret; only hashes are stored.

Deriving the token (HMAC) rather than storing it lets the stream pipeline rebuild the link for the confirmation
e-mail without the raw token ever being written anywhere. Rotating the secret invalidates old links.
"""
from __future__ import annotations

import base64
import hashlib
import hmac


def status_token(secret_key: str, submission_id: str) -> str:
    digest = hmac.new(secret_key.encode(), f"status-link:{submission_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    """What is stored and looked up: the SHA-256 of the token, hex."""
    return hashlib.sha256(token.encode()).hexdigest()
