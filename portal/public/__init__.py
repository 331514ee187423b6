"""Public pages: the home page, the job listing and each posting (/ and /jobs/)."""
from flask import Blueprint

bp = Blueprint("public", __name__)

from portal.public import routes  # noqa: E402,F401  (routes register themselves on bp)
