"""Display names for the codes the aggregates use (gap reasons, bands, statuses, regions,
categories) in the request's locale. Lazy strings, so the catalogue is read per request."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.analytics import region_names
from catalog.models import Category
from web.pages.display import locale_name as locale
from web.pages.display import to_traditional
from web.pages.labels import BANDS
from web.pages.labels import GAP_LABELS as REASONS


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
