"""An organization's profile as a street office opens it from a suggestion, a team proposal or
an interest on its need page: capability and contact data (with the contact person, whom the
office calls to arrange the project), without the credit archive that is civil affairs' work.
Profiles are open to every office (Art. 24; catalog.visibility.load_org), but the contact
person is not public, so the read is on record."""

from __future__ import annotations

from flask import render_template

from catalog.models import Role
from catalog.visibility import load_org
from web.access.authz import roles_required
from web.access.reads import records_read
from web.office import bp
from web.pages.org_profile import profile_context
from web.platform.database import db_session


@bp.get("/orgs/<org_id>")
@roles_required(Role.OFFICE, Role.ADMIN)
@records_read("organization", id_arg="org_id")
def org(org_id: str) -> str:
    session = db_session()
    return render_template("office/org.html", **profile_context(session, load_org(session, org_id)))
