"""Which needs a planner's figure is about. One filter object feeds every aggregate, so the map,
the gap table, the exports, the API and the notebooks always count the same set of needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func

from catalog.actors import region_clause, region_contains
from catalog.clock import local_midnight
from catalog.models import Need, NeedStatus
from catalog.visibility import submitted_clause

# Drafts are the office's private notes and returned needs are back with the office: neither is
# demand the city has accepted yet, so they are left out unless a planner asks for them.
DEFAULT_STATUSES: tuple[str, ...] = (
    NeedStatus.SUBMITTED,
    NeedStatus.APPROVED,
    NeedStatus.LISTED,
    NeedStatus.MATCHED,
    NeedStatus.CLOSED,
)
ALL_STATUSES: tuple[str, ...] = tuple(s.value for s in NeedStatus)
GAP_REASONS: tuple[str, ...] = ("no_service", "no_coverage", "no_capacity")


def submitted() -> ColumnElement[bool]:
    """Needs whose text a planner may read: submitted at least once. Drafts (and drafts
    withdrawn unsubmitted) are the office's own and reach planners only as counts."""
    return submitted_clause()


def posted_at() -> ColumnElement:
    """When a need entered the pipeline: submission, or creation for needs never submitted."""
    return func.coalesce(Need.submitted_at, Need.created_at)


def _day_start_utc(day: dt.date) -> dt.datetime:
    """Periods are calendar days in Zhuhai, whatever the server's clock says."""
    return local_midnight(day).astimezone(dt.UTC)


@dataclass(frozen=True)
class NeedFilter:
    """Region, category, lifecycle status and period of the needs to count.

    `scope` is the viewer's own region (a planner's district or the city); it narrows every
    figure the same way `district` does but cannot be widened by request parameters."""

    district: str | None = None
    street: str | None = None
    category: str | None = None
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive
    scope: str | None = None

    def covers_street(self, street_code: str) -> bool:
        """The same region test as `conditions()`, for rows built in Python (supply side)."""
        if self.scope and not region_contains(self.scope, street_code):
            return False
        if self.district and not region_contains(self.district, street_code):
            return False
        return not (self.street and street_code != self.street)

    def conditions(self) -> list[ColumnElement[bool]]:
        """WHERE clauses over `Need`; portable between SQLite and PostgreSQL."""
        out: list[ColumnElement[bool]] = []
        if self.scope:
            out.append(region_clause(self.scope, Need.street_code))
        if self.district:
            out.append(region_clause(self.district, Need.street_code))
        if self.street:
            out.append(Need.street_code == self.street)
        if self.category:
            out.append(Need.category_name == self.category)
        if self.statuses:
            out.append(Need.status.in_([str(s) for s in self.statuses]))
        # The calendar's first and last days bound nothing (and their neighbours in UTC do not
        # exist): since=0001-01-01 and until=9999-12-31 mean "from the start", "to the end".
        if self.since and self.since > dt.date.min:
            out.append(posted_at() >= _day_start_utc(self.since))
        if self.until and self.until < dt.date.max:
            out.append(posted_at() < _day_start_utc(self.until + dt.timedelta(days=1)))
        return out
