"""Display names for the codes the aggregates use (gap reasons, bands, statuses, regions,
categories) in the request's locale. Lazy strings, so the catalogue is read per request."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.analytics import region_names
from catalog.models import Category

# The site's own labels, so a status or gap reason reads the same on every page.
from web.pages.display import GAP_LABELS as REASONS
from web.pages.display import STATUS_LABELS as STATUSES  # noqa: F401 - re-exported for the views
from web.pages.display import locale_name as locale
from web.pages.display import to_traditional

REASONS_SHORT = {
    "no_service": _l("No service"),
    "no_coverage": _l("No coverage"),
    "no_capacity": _l("No capacity"),
}
METRICS = {
    "unmet": _l("Unmet needs"),
    "unmet_budget": _l("Unmet budget (yuan)"),
    "unmet_beneficiaries": _l("Unmet beneficiaries"),
}
DIMENSIONS = {
    "size": _l("Size (staff)"),
    "age": _l("Age (years since founding)"),
    "rating": _l("Evaluation grade"),
}
BANDS = {
    "staff_1_9": _l("1–9 staff"),
    "staff_10_29": _l("10–29 staff"),
    "staff_30_plus": _l("30 or more staff"),
    "years_0_2": _l("Under 3 years"),
    "years_3_9": _l("3–9 years"),
    "years_10_plus": _l("10 years or more"),
    "unknown": _l("Unknown"),
    "unrated": _l("Not rated"),
}
LEVELS = {"street": _l("Street / town"), "district": _l("District"), "city": _l("City")}


def band_label(band: str) -> str:
    return str(BANDS.get(band, band))


class Names:
    """Region and category names for one request, loaded once."""

    def __init__(self, session: Session) -> None:
        self.locale = locale()
        self.regions = region_names(session, self.locale)
        if self.locale.startswith("zh_Hant"):
            self.regions = {k: to_traditional(v) for k, v in self.regions.items()}
        self.categories = {c.name: c.label(self.locale) for c in session.scalars(select(Category))}
        self.category_order = list(
            session.scalars(select(Category.name).order_by(Category.position))
        )

    def region(self, code: str | None) -> str:
        return self.regions.get(code or "", code or "")

    def category(self, name: str | None) -> str:
        if name is None:
            return str(_l("Uncategorised"))
        return self.categories.get(name, name)

    def reason(self, code: str | None) -> str:
        return str(REASONS.get(code or "", code or ""))
