"""Administration: accounts, roles and scopes; the audit log. Admins only."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from web.admin import accounts, audit  # noqa: E402,F401
