"""Notice board, a listed need's public page, sign-in, sign-out and the landing page that sends
each signed-in role to its own work."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalog.commands.objections import raise_objection
from catalog.errors import DomainError, ValidationFailed
from catalog.models import Need, Role
from catalog.visibility import load_need
from web.access.auth import authenticate, sign_in, sign_out
from web.access.authz import ALL_ROLES, public, roles_required
from web.extensions import limiter
from web.pages.choices import category_groups, streets_by_district
from web.pages.display import error_text, flash_error
from web.pages.need_history import history_context
from web.pages.paging import page_number
from web.platform.database import db_session
from web.public import bp
from web.public.notice import NoticeFilter, attach_confirmed, notice_entries

PAGE = 50
HOME = {
    Role.OFFICE: "office.index",
    Role.REVIEWER: "reviewer.queue",
    Role.ORGANIZATION: "org.index",
    Role.PLANNER: "planner.index",
    Role.ADMIN: "admin.accounts",
}


@bp.get("/")
@public
def index():
    session = db_session()
    flt = NoticeFilter.from_args(request.args)
    page = page_number(request.args)
    entries = notice_entries(session, flt, limit=PAGE + 1, offset=(page - 1) * PAGE)
    return render_template(
        "public/index.html",
        entries=entries[:PAGE],
        more=len(entries) > PAGE,
        page=page,
        flt=flt,
        street_groups=streets_by_district(session),
        categories=category_groups(session),
    )


@bp.get("/notice/<need_id>")
@public
def need(need_id: str):
    item = load_need(db_session(), need_id, None)  # the public sees listed needs only
    return _need_page(item)


def _need_page(
    item: Need, typed: dict[str, str] | None = None, errors: dict[str, str] | None = None
):
    session = db_session()
    entry = attach_confirmed(session, [item])[0]
    return render_template(
        "public/need.html",
        entry=entry,
        need=item,
        typed=typed or {},
        errors=errors or {},
        **history_context(session, item, None),
    )


@bp.post("/notice/<need_id>/objections")
@public
@limiter.limit("10 per hour", methods=["POST"], scope="objection")
def object_to(need_id: str):
    """Anyone may object to a result notice during its 公示期 (catalog.commands.objections);
    a refused form comes back with what was typed and each field's problem."""
    session = db_session()
    item = load_need(session, need_id, None)
    typed = {k: (request.form.get(k) or "")[:2100] for k in ("name", "contact", "text")}
    try:
        raise_objection(session, item, typed["name"], typed["contact"], typed["text"])
        session.commit()
    except ValidationFailed as exc:
        session.rollback()
        errors: dict[str, str] = {}
        for e in exc.errors:
            errors.setdefault(e.field, error_text(e))
        return _need_page(item, typed, errors), 422
    except DomainError as exc:
        session.rollback()
        flash_error(exc)
        return redirect(url_for("public.need", need_id=item.id))
    flash(_("Your objection was received. Civil affairs will look into it."), "success")
    return redirect(url_for("public.need", need_id=item.id))


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths, so the login form cannot bounce people to another site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _sign_in_failed(response) -> bool:  # type: ignore[no-untyped-def]
    """Only wrong passwords count against an address: an office of clerks signing in behind one
    address is never throttled, someone walking a password list is (as the API counts)."""
    return bool(g.get("sign_in_failed"))


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit("10 per minute", methods=["POST"], deduct_when=_sign_in_failed)
def login():
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        account = authenticate(db_session(), username, password)
        if account is not None:
            sign_in(account)
            return redirect(_safe_next(request.args.get("next")) or url_for("public.home"))
        g.sign_in_failed = True
        flash(_("Wrong username or password."), "error")
    return render_template("public/login.html")


@bp.post("/logout")
@roles_required(*ALL_ROLES)
def logout():
    sign_out()
    return redirect(url_for("public.index"))


@bp.get("/home")
@roles_required(*ALL_ROLES)
def home():
    """Each role's starting page."""
    endpoint = HOME.get(current_user.role, "public.index")
    try:
        return redirect(url_for(endpoint))
    except Exception:  # noqa: BLE001 - a part not installed: the notice board instead
        return redirect(url_for("public.index"))
