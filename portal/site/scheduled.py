"""Zappa's scheduled event (zappa_settings.json, every 15 minutes): expiry at valid-through without a click."""
from __future__ import annotations


def expire(event, context):
    """Closes and publishes expired postings, inside the deployed app's context."""
    from portal.site import close_expired_postings
    from portal.wsgi import app

    with app.app_context():
        return {"closed": close_expired_postings()}
