"""The recommended actions, the joint purchases and the red flags as planner `Table`s, so the
report page, its printout and its Excel file show the same rows (web.planner.tables)."""

from __future__ import annotations

from flask_babel import gettext as _

from catalog.analytics.red_flags import RedFlag
from matching.facade import BUNDLE, EXTEND, ActionPlan
from web.pages.display import pick, reason_text
from web.pages.labels import INDICATOR_LABELS, KIND_LABELS
from web.planner.labels import Names
from web.planner.tables import Table


def _places(codes: list[str], names: Names) -> str:
    return "、".join(names.region(c) for c in codes)


def _org(org_names: dict[str, str], org_id: str | None) -> str:
    """The organization's name in the page's script (Traditional pages convert)."""
    name = org_names.get(org_id or "", org_id or "")
    return pick(name, name)


def actions_table(plan: ActionPlan, names: Names, org_names: dict[str, str]) -> Table:
    """extend_coverage and incubate actions, in rank order."""
    headers = [
        _("Rank"),
        _("Kind of action"),
        _("Category"),
        _("Organization or district"),
        _("Streets / towns"),
        _("Closes (needs)"),
        _("Need IDs"),
        _("Why"),
    ]
    t = Table("actions", _("Recommended actions"), headers)
    rank = 0
    for a in plan.actions:
        if a.kind == BUNDLE:
            continue
        rank += 1
        who = _org(org_names, a.organization_id) if a.kind == EXTEND else ""
        streets = a.add_streets if a.kind == EXTEND else a.streets
        t.add(
            [
                rank,
                str(KIND_LABELS[a.kind]),
                names.category(a.category),
                who or names.region(a.district),
                _places(streets, names),
                len(a.closes),
                ", ".join(a.closes),
                reason_text(a.reason or {}),
            ],
            {},
        )
    return t


def bundles_table(plan: ActionPlan, names: Names) -> Table:
    headers = [
        _("Category"),
        _("Needs"),
        _("Streets / towns"),
        _("Combined budget (yuan)"),
        _("Need IDs"),
        _("Why"),
    ]
    t = Table("bundles", _("Joint purchases"), headers)
    for a in plan.of_kind(BUNDLE):
        t.add(
            [
                names.category(a.category),
                len(a.needs),
                _places(a.streets, names),
                a.budget_yuan,
                ", ".join(a.needs),
                reason_text(a.reason or {}),
            ],
            {},
        )
    return t


def red_flags_table(flags: list[RedFlag], names: Names, org_names: dict[str, str]) -> Table:
    headers = [
        _("Indicator"),
        _("Need IDs"),
        _("Organization concerned"),
        _("Office"),
        _("Value"),
        _("Explanation"),
    ]
    t = Table("red_flags", _("Integrity red flags"), headers)
    for f in flags:
        t.add(
            [
                str(INDICATOR_LABELS[f.indicator]),
                ", ".join(f.need_ids),
                _org(org_names, f.organization_id),
                names.region(f.office) if f.office else "",
                f.value,
                reason_text(f.explanation or {}),
            ],
            {},
        )
    return t
