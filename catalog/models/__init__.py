"""SQLAlchemy 2.0 typed models of the domain. Import from here, not from the submodules."""

from catalog.models.accounts import Account, ApiToken, LoginSession, Role
from catalog.models.audit import AuditEvent
from catalog.models.derived import DerivedBlob, DerivedChunk
from catalog.models.inspections import InspectionDraw, InspectionItem
from catalog.models.needs import Need, NeedStatus
from catalog.models.notices import Objection, ResultNotice
from catalog.models.notifications import Notification
from catalog.models.opportunities import Opportunity
from catalog.models.organizations import (
    CreditEvent,
    Organization,
    OrgArea,
    PerformanceRecord,
    org_categories,
)
from catalog.models.reads import ReadChannel, ReadEvent
from catalog.models.regions import Region
from catalog.models.suggestions import Interest, Suggestion, SuggestionStatus
from catalog.models.taxonomy import Category

__all__ = [
    "Account",
    "ApiToken",
    "AuditEvent",
    "Category",
    "CreditEvent",
    "DerivedBlob",
    "DerivedChunk",
    "InspectionDraw",
    "InspectionItem",
    "Interest",
    "LoginSession",
    "Need",
    "NeedStatus",
    "Notification",
    "Objection",
    "Opportunity",
    "OrgArea",
    "Organization",
    "PerformanceRecord",
    "ReadChannel",
    "ReadEvent",
    "Region",
    "ResultNotice",
    "Role",
    "Suggestion",
    "SuggestionStatus",
    "org_categories",
]
