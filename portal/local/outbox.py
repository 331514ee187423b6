"""Local mode only: /dev/outbox lists the e-mail the embedded emulator's SES received. Registered only in local mode.

`make run` (and the tests) run moto in this process, so its SES backend is read directly: no dump of the whole
emulator over HTTP, which grows with every object the site writes.
"""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("dev", __name__)


def sent_messages(region: str) -> list[dict]:
    """What the in-process emulator's SES accepted, newest first (nothing when moto runs elsewhere)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    out = []
    for m in ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages:
        destinations = getattr(m, "destinations", {}) or {}
        recipients = destinations.get("ToAddresses", []) if isinstance(destinations, dict) else list(destinations)
        out.append({"to": ", ".join(recipients), "source": getattr(m, "source", ""),
                    "subject": getattr(m, "subject", ""),
                    "body": getattr(m, "body", "") or getattr(m, "raw_data", "")})
    return list(reversed(out))


@bp.get("/outbox")
def outbox():
    from portal.web.shared import settings

    return render_template("dev/outbox.html", messages=sent_messages(settings().aws_region))
