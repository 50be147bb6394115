"""The recommended actions, the joint purchases and the red flags as planner `Table`s, so the
report page, its printout and its Excel file show the same rows (web.planner.tables)."""

from __future__ import annotations

from operator import attrgetter, itemgetter
from typing import Any

from flask_babel import gettext as _

from catalog.analytics.red_flags import RedFlag
from matching.facade import BUNDLE, EXTEND, ActionPlan
from web.pages.display import pick, reason_text
from web.pages.labels import INDICATOR_LABELS, KIND_LABELS
from web.planner.labels import Names
from web.planner.tables import Column, Table


def _places(codes: list[str], names: Names) -> str:
    return "、".join(names.region(c) for c in codes)


def _org(org_names: dict[str, str], org_id: str | None) -> str:
    """The organization's name in the page's script (Traditional pages convert)."""
    name = org_names.get(org_id or "", org_id or "")
    return pick(name, name)


def actions_table(plan: ActionPlan, names: Names, org_names: dict[str, str]) -> Table:
    """extend_coverage and incubate actions, in rank order."""

    def who(a: Any) -> str:
        org = _org(org_names, a.organization_id) if a.kind == EXTEND else ""
        return org or names.region(a.district)

    def streets(a: Any) -> str:
        return _places(a.add_streets if a.kind == EXTEND else a.streets, names)

    columns: list[Column] = [
        (_("Rank"), itemgetter(0)),
        (_("Kind of action"), lambda ra: str(KIND_LABELS[ra[1].kind])),
        (_("Category"), lambda ra: names.category(ra[1].category)),
        (_("Organization or district"), lambda ra: who(ra[1])),
        (_("Streets / towns"), lambda ra: streets(ra[1])),
        (_("Closes (needs)"), lambda ra: len(ra[1].closes)),
        (_("Need IDs"), lambda ra: ", ".join(ra[1].closes)),
        (_("Why"), lambda ra: reason_text(ra[1].reason or {})),
    ]
    ranked = enumerate((a for a in plan.actions if a.kind != BUNDLE), start=1)
    return Table.of("actions", _("Recommended actions"), columns, ranked)


def bundles_table(plan: ActionPlan, names: Names) -> Table:
    columns: list[Column] = [
        (_("Category"), lambda a: names.category(a.category)),
        (_("Needs"), lambda a: len(a.needs)),
        (_("Streets / towns"), lambda a: _places(a.streets, names)),
        (_("Combined budget (yuan)"), attrgetter("budget_yuan")),
        (_("Need IDs"), lambda a: ", ".join(a.needs)),
        (_("Why"), lambda a: reason_text(a.reason or {})),
    ]
    return Table.of("bundles", _("Joint purchases"), columns, plan.of_kind(BUNDLE))


def red_flags_table(flags: list[RedFlag], names: Names, org_names: dict[str, str]) -> Table:
    columns: list[Column] = [
        (_("Indicator"), lambda f: str(INDICATOR_LABELS[f.indicator])),
        (_("Need IDs"), lambda f: ", ".join(f.need_ids)),
        (_("Organization concerned"), lambda f: _org(org_names, f.organization_id)),
        (_("Office"), lambda f: names.region(f.office) if f.office else ""),
        (_("Value"), attrgetter("value")),
        (_("Explanation"), lambda f: reason_text(f.explanation or {})),
    ]
    return Table.of("red_flags", _("Integrity red flags"), columns, flags)
