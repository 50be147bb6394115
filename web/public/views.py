from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user
from sqlalchemy import select

from catalog.models import Account, Organization
from catalog.visibility import public_needs_query
from web.auth import User, verify_password
from web.database import db_session
from web.public import bp


@bp.get("/")
def index():
    session = db_session()
    needs = list(session.scalars(public_needs_query().limit(200)))
    orgs = list(session.scalars(select(Organization).order_by(Organization.name).limit(500)))
    return render_template("public/index.html", needs=needs, orgs=orgs)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        account = db_session().scalar(select(Account).where(Account.username == username))
        if account is not None and account.active and verify_password(account, password):
            login_user(User(account))
            return redirect(url_for("public.index"))
        flash(_("Wrong username or password."), "error")
    return render_template("public/login.html")


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return redirect(url_for("public.index"))
