"""Social organization portal: self-service registration, the capability profile (own
organization only), recommended opportunities with reasons, and interest in listed needs."""

from flask import Blueprint

bp = Blueprint("org", __name__, url_prefix="/org")

from web.org import opportunities, views  # noqa: E402,F401
