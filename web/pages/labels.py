"""Every label table of the site: the words a code is shown as (a need's status, a gap reason, a
planner's band, a credit kind, an audit action ...), in the request's language (lazy strings, so
the catalogue is read per request). One table per thing shown, all in one place, so a status or a
reason reads the same on every page, export and log, and a new code has one place to be named.
Templates reach the common ones as Jinja globals (web.pages.display.init_app); a code without a
label is shown as itself (web.pages.display.label).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from catalog.models import ReadChannel

# ------------------------------------------------------------ needs, suggestions, organizations

STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Awaiting review"),
    "approved": _l("Approved"),
    "returned": _l("Returned"),
    "listed": _l("Open for interest"),
    "matched": _l("Matched"),
    "closed": _l("Closed"),
}
SUGGESTION_LABELS = {
    "suggested": _l("Awaiting decision"),
    "confirmed": _l("Confirmed"),
    "rejected": _l("Rejected"),
}
MATCH_LABELS = {
    "pending": _l("Matching queued"),
    "running": _l("Matching in progress"),
    "done": _l("Matching finished"),
    "failed": _l("Matching failed"),
}
GAP_LABELS = {
    "no_service": _l("No organization offers this service"),
    "no_coverage": _l("No organization covers this street"),
    "no_capacity": _l("No organization has capacity left"),
}
ACTION_LABELS = {
    "submit": _l("Submit for review"),
    "approve": _l("Approve"),
    "return": _l("Return"),
    "list": _l("Publish the call for interest"),
    "match": _l("Mark matched and publish the result"),
    "close": _l("Close"),
    "withdraw": _l("Withdraw"),
}
ROLE_LABELS = {
    "office": _l("Street office / town"),
    "reviewer": _l("Civil affairs reviewer"),
    "organization": _l("Social organization"),
    "planner": _l("Planner"),
    "admin": _l("Administrator"),
}
FUNDING_LABELS = {"财政资金": _l("Public funds"), "社会资金": _l("Social funds")}
ORG_TYPE_LABELS = {
    "社会服务机构": _l("Social service agency"),
    "社会团体": _l("Social group"),
    "基金会": _l("Foundation"),
    "社区社会组织": _l("Community organization"),
}

# ------------------------------------------------------------ acceptance results and credit

GRADE_LABELS = {
    "优秀": _l("Excellent"),
    "良好": _l("Good"),
    "合格": _l("Satisfactory"),
    "不合格": _l("Unsatisfactory"),
}
CREDIT_KIND_LABELS = {
    "commendation": _l("Commendation"),
    "inspection_pass": _l("Inspection passed"),
    "warning": _l("Warning"),
    "penalty": _l("Administrative penalty"),
    "blacklist": _l("Blacklisted"),
    "other": _l("Other (including corrections)"),
}

# ------------------------------------------------------------ the planner

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
KIND_LABELS = {
    "extend_coverage": _l("Extend coverage"),
    "incubate": _l("Incubate a new organization"),
    "bundle": _l("Joint purchase"),
}
INDICATOR_LABELS = {
    "repeat_award": _l("Same organization again and again"),
    "single_suggestion": _l("Confirmed with a single suggestion"),
    "short_notice": _l("Short public notice"),
    "closed_without_acceptance": _l("Closed without an acceptance result"),
    "fast_decision": _l("Unusually fast decision"),
}

# ------------------------------------------------------------ the admin's logs

# Every action catalog.audit.record is called with (lifecycle steps are `need.<transition>`).
AUDIT_ACTIONS = {
    "need.create": _l("Need created"),
    "need.update": _l("Need edited"),
    "need.categorize": _l("Need category set"),
    "need.submit": _l("Need submitted for review"),
    "need.approve": _l("Need approved"),
    "need.return": _l("Need returned"),
    "need.list": _l("Need listed publicly"),
    "need.match": _l("Need marked as matched"),
    "need.close": _l("Need closed"),
    "need.withdraw": _l("Need withdrawn"),
    "need.invite_team": _l("Team invited"),
    "suggestion.confirm": _l("Suggestion confirmed"),
    "suggestion.reject": _l("Suggestion rejected"),
    "interest.express": _l("Interest expressed"),
    "interest.withdraw": _l("Interest withdrawn"),
    "outcome.record": _l("Acceptance result recorded"),
    "credit.record": _l("Credit entry recorded"),
    "inspection.draw": _l("Inspections drawn"),
    "inspection.record": _l("Inspection result recorded"),
    "organization.register": _l("Organization registered"),
    "organization.update": _l("Organization profile updated"),
    "account.create": _l("Account created"),
    "account.update": _l("Account changed"),
    "account.activate": _l("Account activated"),
    "account.deactivate": _l("Account deactivated"),
    "account.password_change": _l("Password changed"),
    "account.preferences": _l("Preferences changed"),
    "token.create": _l("API token issued"),
    "token.revoke": _l("API token revoked"),
    "token.revoke_oldest": _l("Oldest API token revoked"),
    "catalog.import": _l("Data imported"),
}
# Record types as the audit log and the read log (web.access.reads) name them.
ENTITY_LABELS = {
    "need": _l("Need record"),
    "suggestion": _l("Suggestion"),
    "organization": _l("Social organization"),
    "account": _l("Account"),
    "analytics": _l("Planning statistics"),
    "audit_event": _l("Audit log"),
    "read_event": _l("Data access log"),
    "inspection_draw": _l("Sampled inspections"),
    "inspection_item": _l("Sampled inspection"),
    "credit_event": _l("Credit entry"),
    "performance_record": _l("Acceptance result"),
    "import": _l("Data import"),
}
CHANNEL_LABELS = {
    ReadChannel.PAGE.value: _l("Page"),
    ReadChannel.API.value: _l("API"),
    ReadChannel.EXPORT.value: _l("Export"),
}
# The detail keys an audit entry most often carries; any other key is shown as written.
DETAIL_KEYS = {
    "street": _l("Street / town"),
    "category": _l("Category"),
    "was": _l("Before"),
    "fields": _l("Fields changed"),
    "reason": _l("Reason"),
    "organization": _l("Organization"),
    "role": _l("Role"),
    "scope": _l("Scope"),
    "from_status": _l("Status before"),
    "to_status": _l("Status after"),
    "name": _l("Name"),
    "source": _l("Source"),
    "kind": _l("Kind"),
    "date": _l("Date"),
}
