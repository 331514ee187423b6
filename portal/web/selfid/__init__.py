"""Voluntary self-identification (/applications/<token>/self-id): optional, separate, never shown to recruiters."""
from flask import Blueprint

bp = Blueprint("selfid", __name__)

from portal.web.selfid import routes  # noqa: E402,F401  (routes register themselves on bp)
