"""Public pages (no login): the notice board of listed needs and confirmed matches, the list of
organizations, and sign-in."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from web.public import views  # noqa: E402,F401
