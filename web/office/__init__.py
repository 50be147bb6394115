"""Street office / town pages: post needs, follow them through the lifecycle, decide on the
suggested organizations and list them. Scoped to the office's own street."""

from flask import Blueprint

bp = Blueprint("office", __name__, url_prefix="/office")

from web.office import actions, orgs, outcomes, views  # noqa: E402,F401
