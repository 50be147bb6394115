"""Civil affairs reviewer pages: the review queue of submitted needs with their flags,
approve or return, and the matching that approval starts; organizations' credit archives and
sampled inspections of projects. Scoped to a district or the city."""

from flask import Blueprint

bp = Blueprint("reviewer", __name__, url_prefix="/reviewer")

from web.reviewer import inspections, objections, orgs, views  # noqa: E402,F401
