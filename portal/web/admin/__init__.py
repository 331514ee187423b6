"""Recruiter admin pages (/admin/...): every route needs a signed-in account, checked on the server."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from portal.web.admin import accounts, audit, postings, reports, routes, triage  # noqa: E402,F401  (routes register themselves on bp)
