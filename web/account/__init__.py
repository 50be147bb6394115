"""Every signed-in person's own account: the password (the current one is asked first) and the
name and language the pages use. Administrators manage other people's accounts in web.admin."""

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from web.account import views  # noqa: E402,F401
