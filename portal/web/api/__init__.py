"""The JSON API (/api/...): postings, applying and an application's status, described at /api/openapi.json."""
from flask import Blueprint

bp = Blueprint("api", __name__)

from portal.web.api import routes  # noqa: E402,F401  (routes register themselves on bp)
