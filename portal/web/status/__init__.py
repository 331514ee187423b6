"""The applicant's private status page (/applications/<token>/...): stages, availability, résumé, withdraw, erase."""
from flask import Blueprint

bp = Blueprint("status", __name__)

from portal.web.status import routes  # noqa: E402,F401  (routes register themselves on bp)
