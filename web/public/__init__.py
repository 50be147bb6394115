"""Public pages (no login): the notice board (公示) of listed needs and confirmed matches with
its CSV and OCDS downloads, sign-in and sign-out."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from web.public import exports, records, views  # noqa: E402,F401

bp.record_once(records.register_globals)
