"""Who may do what: one auth function per command, as CKAN pairs each action with an auth
function. Each returns the refusal (a DomainError, not raised) or None, so the same rule both
refuses the command (`require`) and decides which buttons a page or API response shows
(`allowed`): a button can never offer what the command would refuse.

Region scope itself is `Actor.covers_street` (catalog.actors); visibility of records is
catalog.visibility. Lifecycle transitions keep their table in catalog.lifecycle; `need_actions`
calls through to it so callers have one module to ask."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, ParamSpec

from catalog.actors import Actor
from catalog.errors import DomainError, IllegalTransition, NotAllowed
from catalog.models import Need, NeedStatus, Role
from catalog.transitions import allowed_actions

P = ParamSpec("P")
Rule = Callable[Concatenate[Actor, P], DomainError | None]

# Needs an office may still change: its own draft, or one a reviewer returned for changes.
EDITABLE_STATUSES = (NeedStatus.DRAFT, NeedStatus.RETURNED)
# Matching runs for needs that are approved or listed (matching.service.MATCHABLE).
MATCHABLE_STATUSES = (NeedStatus.APPROVED, NeedStatus.LISTED)
# Suggestions are decided (and teams invited) once the need is approved, until it is closed.
DECIDABLE_NEED_STATUSES = (NeedStatus.APPROVED, NeedStatus.LISTED, NeedStatus.MATCHED)
# Acceptance results are recorded once the project is under way or finished.
EVALUABLE_STATUSES = (NeedStatus.MATCHED, NeedStatus.CLOSED)
POSTING_ROLES = (Role.OFFICE, Role.ADMIN)


def require(rule: Rule[P], actor: Actor, *args: P.args, **kwargs: P.kwargs) -> None:
    """Raise the rule's refusal, if any (the command side)."""
    refusal = rule(actor, *args, **kwargs)
    if refusal is not None:
        raise refusal


def allowed(rule: Rule[P], actor: Actor | None, *args: P.args, **kwargs: P.kwargs) -> bool:
    """Whether the rule lets the actor act (the button side); anonymous viewers never may."""
    return actor is not None and rule(actor, *args, **kwargs) is None


# ---------------------------------------------------------------- the posting office


def not_posting_office() -> NotAllowed:
    """The one refusal for "only the office that posted this need may do this"."""
    return NotAllowed(
        "只有发布该需求的街道（镇）可以办理", "only the office that posted this need may do this"
    )


def is_posting_office(actor: Actor, need: Need) -> bool:
    """The office of the need's street (or an admin): who posts, edits and decides on it.
    Reviewers covering the street are not: they review, the office decides."""
    return actor.role in POSTING_ROLES and actor.covers_street(need.street_code)


@dataclass(frozen=True)
class OfficeWindow:
    """An auth function for a command of the posting office that is open only while the need
    is in one of `statuses`; outside that window the refusal says when it is open (`en` may
    name the need's current status as {status}). Who is checked first, so another office
    never learns a need's state from a refusal."""

    statuses: tuple[NeedStatus, ...]
    zh: str
    en: str

    def __call__(self, actor: Actor, need: Need) -> DomainError | None:
        if not is_posting_office(actor, need):
            return not_posting_office()
        if need.status not in self.statuses:
            return IllegalTransition(self.zh, self.en.format(status=need.status))
        return None


# ---------------------------------------------------------------- needs


def post_need(actor: Actor, street_code: str | None) -> DomainError | None:
    """Offices post for their own street, admins for any; nobody else posts needs."""
    if actor.role not in POSTING_ROLES:
        return NotAllowed(
            f"角色 {actor.role} 不能发布需求", f"role {actor.role} may not post needs"
        )
    if street_code is not None and not actor.covers_street(street_code):
        return NotAllowed(
            "只能为本街道（镇）发布需求", "an office posts needs for its own street only"
        )
    return None


# The posting office edits its need while it is a draft or was returned.
edit_need = OfficeWindow(
    EDITABLE_STATUSES,
    "只有草稿或被退回的需求可以修改",
    "a {status} need cannot be edited (only draft or returned)",
)


def need_actions(need: Need, actor: Actor | None) -> list[str]:
    """Lifecycle actions the actor may take now (catalog.lifecycle decides; `transition`
    refuses the others with the same rule)."""
    return allowed_actions(need, actor) if actor is not None else []


def need_action(actor: Actor, need: Need, action: str) -> DomainError | None:
    """One lifecycle action as an auth function; the precise refusal comes from `transition`."""
    if action in need_actions(need, actor):
        return None
    return NotAllowed(f"现在不能对该需求执行“{action}”", f"you may not {action} this need now")


def rematch(actor: Actor, need: Need) -> DomainError | None:
    """Running matching again: reviewers in scope, while the need is approved or listed. A
    pending or running need may be re-queued too: its task may have been lost with the broker,
    and matching twice replaces the suggestions instead of doubling them."""
    if actor.role not in (Role.REVIEWER, Role.ADMIN) or not actor.covers_street(need.street_code):
        return NotAllowed("只有审核人员可以重新匹配", "only a reviewer in scope may rerun matching")
    if need.status not in MATCHABLE_STATUSES:
        return IllegalTransition("现在不能重新匹配", "matching cannot be restarted now")
    return None


# Confirming or rejecting a suggestion, and inviting a proposed team.
decide_suggestions = OfficeWindow(
    DECIDABLE_NEED_STATUSES,
    "需求获批后、结束前才能确认推荐或邀请组团",
    "suggestions are decided (and teams invited) only while the need is approved, "
    "listed or matched",
)

# Recording an acceptance result (Zhuhai Art. 26–27).
record_outcome = OfficeWindow(
    EVALUABLE_STATUSES,
    "需求已对接或已结束后才能登记验收结果",
    "an acceptance result can be recorded only once the need is matched or closed",
)


# ---------------------------------------------------------------- result notices


def _reviewer_in_scope(actor: Actor, need: Need) -> bool:
    return actor.is_admin or (actor.role == Role.REVIEWER and actor.covers_street(need.street_code))


def see_objections(actor: Actor, need: Need) -> DomainError | None:
    """Objections to a need's result notice: the reviewer of the area (who answers them), the
    posting office (whose decision they question) and admins. The objector's contact is for
    the reviewer only (`see_objection_contact`)."""
    if _reviewer_in_scope(actor, need) or is_posting_office(actor, need):
        return None
    return NotAllowed(
        "只有审核人员和发布街道可以查看异议", "only reviewers and the office see objections"
    )


def see_objection_contact(actor: Actor, need: Need) -> DomainError | None:
    """The objector's contact (personal data): the reviewer of the area, who replies, only."""
    if _reviewer_in_scope(actor, need):
        return None
    return NotAllowed("只有审核人员可以查看异议人的联系方式", "only the reviewer sees the contact")


def answer_objection(actor: Actor, need: Need) -> DomainError | None:
    """Civil affairs answers objections: the reviewer of the need's area, or an admin."""
    if _reviewer_in_scope(actor, need):
        return None
    return NotAllowed(
        "只有该地区的审核人员可以答复异议", "only the area's reviewer answers objections"
    )


# ---------------------------------------------------------------- civil affairs


def is_civil_affairs_reviewer(actor: Actor) -> bool:
    """A reviewer given an area (or an admin): civil affairs keeps the credit archive and
    runs the sampled inspections. A reviewer account without a scope acts for no area."""
    return actor.role in (Role.REVIEWER, Role.ADMIN) and (actor.is_admin or bool(actor.scope))


def record_credit(actor: Actor) -> DomainError | None:
    """Adding a credit entry: any civil-affairs reviewer, for any organization (organizations
    serve across districts; the entry's source names the issuing authority)."""
    if is_civil_affairs_reviewer(actor):
        return None
    return NotAllowed(
        "只有民政审核人员可以登记信用记录", "only civil-affairs reviewers may record credit"
    )


def inspect(actor: Actor) -> DomainError | None:
    """Drawing projects for inspection, and seeing or recording draws (catalog.inspections
    narrows them to the reviewer's own area)."""
    if is_civil_affairs_reviewer(actor):
        return None
    return NotAllowed("只有民政审核人员可以组织抽查", "only civil-affairs reviewers may inspect")


# ---------------------------------------------------------------- organizations and accounts


def edit_profile(actor: Actor, org_id: str) -> DomainError | None:
    """An organization edits its own capability profile; admins any."""
    if actor.is_admin or actor.is_org(org_id):
        return None
    return NotAllowed("只能修改本组织的资料", "an organization edits its own profile only")


# Who arranges projects with organizations and so may call their contact person.
CONTACT_PERSON_ROLES = (Role.OFFICE, Role.REVIEWER, Role.ADMIN)


def see_contact_person(actor: Actor, org_id: str) -> DomainError | None:
    """The name of an organization's contact person is a natural person's data (PIPL), needed
    by offices and reviewers, who arrange and review projects with the organization, admins
    and the organization itself. Planners work with aggregates, other organizations have no
    business with it, and the public directory (HSDS, the notice board) never shows it. The
    organization's address, phone, e-mail, website and opening hours are public."""
    if actor.role in CONTACT_PERSON_ROLES or actor.is_org(org_id):
        return None
    return NotAllowed(
        "只有街道、审核人员和本组织可以查看联系人",
        "only offices, reviewers and the organization itself see its contact person",
    )


def manage_accounts(actor: Actor) -> DomainError | None:
    """Creating and changing others' accounts is the administrator's (the CLI acts as the
    system, an admin)."""
    if actor.is_admin:
        return None
    return NotAllowed("只有管理员可以管理账号", "only an administrator manages accounts")


def create_account(actor: Actor, username: str, role: str, scope: str | None) -> DomainError | None:
    """Administrators create any account; a newly registered organization creates its own
    (the actor is the account being registered, scoped to the new organization)."""
    if actor.is_admin:
        return None
    own = (actor.username, str(actor.role), actor.scope) == (username, role, scope)
    if own and role == Role.ORGANIZATION:
        return None
    return manage_accounts(actor)
