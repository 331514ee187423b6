"""Applying for a posting (/apply/...)."""
from flask import Blueprint

bp = Blueprint("apply", __name__)

from portal.web.apply import routes  # noqa: E402,F401  (routes register themselves on bp)
