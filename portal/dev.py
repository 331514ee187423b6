"""Local mode only: /dev/outbox lists the e-mail the emulator's SES received (404 anywhere else)."""
from __future__ import annotations

import json
import os
import urllib.request

from flask import Blueprint, abort, current_app, render_template

bp = Blueprint("dev", __name__)


@bp.before_request
def local_mode_only():
    if not current_app.config["LOCAL_MODE"] or not os.environ.get("AWS_ENDPOINT_URL"):
        abort(404)


def sent_messages(endpoint: str) -> list[dict]:
    """What moto's SES holds, from its data dump (moto-api/data.json, key "ses" then "Message"), newest first."""
    with urllib.request.urlopen(f"{endpoint.rstrip('/')}/moto-api/data.json", timeout=5) as resp:
        data = json.load(resp)
    messages = (data.get("ses") or {}).get("Message") or []
    out = []
    for m in messages:
        destinations = m.get("destinations") or {}
        recipients = destinations.get("ToAddresses", []) if isinstance(destinations, dict) else list(destinations)
        out.append({"to": ", ".join(recipients), "source": m.get("source", ""), "subject": m.get("subject", ""),
                    "body": m.get("body") or m.get("raw_data", "")})
    return list(reversed(out))


@bp.get("/outbox")
def outbox():
    return render_template("dev/outbox.html", messages=sent_messages(os.environ["AWS_ENDPOINT_URL"]))
