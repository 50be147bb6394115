"""Administration: accounts, roles and scopes; the audit log and the data access log. Admins
only."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from web.admin import accounts, audit, reads  # noqa: E402,F401
