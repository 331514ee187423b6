"""Private link tokens (status links, "finish later" links): unguessable, derived from an id with the app's secret; only hashes are stored.

Deriving the token (HMAC) rather than storing it lets the stream pipeline rebuild the link for the confirmation
e-mail without the raw token ever being written anywhere. Rotating the secret invalidates old links.
"""
from __future__ import annotations

import base64
import hashlib
import hmac


def keyed_mac(secret_key: str, purpose: str, value: str) -> str:
    """The secret's HMAC-SHA256 of ``value`` for one purpose (so a MAC made for one link never opens another),
    URL-safe base64 without padding."""
    digest = hmac.new(secret_key.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def status_token(secret_key: str, submission_id: str) -> str:
    return keyed_mac(secret_key, "status-link", submission_id)


def draft_link_token(secret_key: str, draft_id: str) -> str:
    """The "finish later" link's token: the draft's id with a MAC only the secret makes, so nothing that holds the
    id alone (the session cookie) can open it, and nothing about the link is stored."""
    return f"{draft_id}.{keyed_mac(secret_key, 'draft-link', draft_id)}"


def draft_id_of_link(secret_key: str, token: str) -> str | None:
    draft_id, _, mac = (token or "").partition(".")
    if not draft_id or not mac or not hmac.compare_digest(mac, keyed_mac(secret_key, "draft-link", draft_id)):
        return None
    return draft_id


def token_hash(token: str) -> str:
    """What is stored and looked up: the SHA-256 of the token, hex."""
    return hashlib.sha256(token.encode()).hexdigest()
