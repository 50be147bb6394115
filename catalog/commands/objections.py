"""Objections (异议) to a result notice: anyone sends one during the 公示期, the reviewer of the
area answers it. The one home of these rules for the public page, the API and tests.

- Who: the sender needs no account (a resident, an organization that was not chosen). The name
  is optional; a contact (a Chinese phone number or an e-mail address) is required so the
  reviewer can reply. The contact is the sender's personal data (PIPL): it is shown to the
  reviewer of the area only, never on a public page, in the API's public part, a CSV, OCDS or
  HSDS, and never in the audit log.
- Text: 5 to 2000 characters, no control or text-direction characters; the name at most 50
  and not starting with a spreadsheet formula character (it may be copied into a sheet).
  Objections are never searched with LIKE, so no wildcard escaping is needed.
- Answer: the reviewer's answer (1–2000 characters) is final; `public` decides whether the
  objection's text and the answer appear on the public need page (default: not). Deciding
  per objection, because an objection may name people or allege things the reviewer found
  untrue, which must not be published just because someone sent it.
- Audit: `objection.raise` (no name, no contact) and `objection.answer`, on the need.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from catalog import permissions
from catalog.actors import Actor
from catalog.audit import now, record
from catalog.contact import email_problem, phone_problem
from catalog.errors import Conflict, FieldError, IllegalTransition, NotFound, ValidationFailed
from catalog.models import Need, Objection
from catalog.notices import notice_is_open, result_notice
from catalog.notifications import Kind, notify
from catalog.validation import MAX_REASON, text_problem

MAX_NAME = 50
MAX_CONTACT = 100
MIN_TEXT = 5
FORMULA_START = ("=", "+", "-", "@")
#: The audit log's name for an anonymous sender (the sender's name is not logged).
PUBLIC_ACTOR = "public"


def _text_errors(field: str, value: str, low: int, high: int) -> list[FieldError]:
    problem = text_problem(value)
    if problem:
        return [FieldError(field, *problem)]
    if not low <= len(value) <= high:
        return [
            FieldError(field, f"须为{low}到{high}个字", f"must be {low} to {high} characters long")
        ]
    return []


def _contact_errors(contact: str) -> list[FieldError]:
    if not contact:
        return [FieldError("contact", "请填写联系电话或电子邮箱", "a phone or e-mail is required")]
    if len(contact) > MAX_CONTACT or (phone_problem(contact) and email_problem(contact)):
        return [
            FieldError(
                "contact",
                "联系方式须为手机、固定电话或电子邮箱",
                "contact must be a Chinese mobile or landline number or an e-mail address",
            )
        ]
    return []


def check_objection(name: str | None, contact: str, text: str) -> list[FieldError]:
    """Every problem of an objection at once, each naming its field."""
    errors = _text_errors("text", text, MIN_TEXT, MAX_REASON)
    errors += _contact_errors(contact)
    if name:
        errors += _text_errors("name", name, 1, MAX_NAME)
        if name.startswith(FORMULA_START):
            errors.append(
                FieldError("name", "姓名不能以 = + - @ 开头", "name must not start with = + - @")
            )
    return errors


def raise_objection(
    session: Session, need: Need, name: str | None, contact: str, text: str
) -> Objection:
    """Record an objection to the need's open result notice and tell the reviewers of the
    area and the posting office (flushed, not committed).

    :raise NotFound: the need has no result notice (nothing was decided yet).
    :raise IllegalTransition: the 公示期 is over or has not begun.
    :raise ValidationFailed: every field's problem at once."""
    notice = result_notice(session, need.id)
    if notice is None:
        raise NotFound("该需求尚无结果公示", "this need has no result notice")
    if not notice_is_open(notice):
        raise IllegalTransition("不在公示期内，不能提出异议", "the notice period is not open")
    name, contact, text = (
        (name or "").strip() or None,
        (contact or "").strip(),
        (text or "").strip(),
    )
    errors = check_objection(name, contact, text)
    if errors:
        raise ValidationFailed(errors)
    objection = Objection(need_id=need.id, name=name, contact=contact, text=text)
    session.add(objection)
    session.flush()
    record(
        session,
        Actor(PUBLIC_ACTOR, PUBLIC_ACTOR),
        "objection.raise",
        "need",
        need.id,
        objection=objection.id,
    )
    notify(session, Kind.OBJECTION_RECEIVED, need, None)
    return objection


def answer_objection(
    session: Session, actor: Actor, objection_id: int, answer: str, public: bool
) -> Objection:
    """The reviewer's answer (final); `public` publishes the objection's text and the answer.

    :raise NotFound: no such objection, or one outside the reviewer's area.
    :raise Conflict: already answered.
    :raise ValidationFailed: an empty or too long answer."""
    objection = session.get(Objection, objection_id)
    if objection is None or not permissions.allowed(
        permissions.see_objections, actor, objection.need
    ):
        raise NotFound("异议不存在", f"objection {objection_id} does not exist")
    permissions.require(permissions.answer_objection, actor, objection.need)
    if objection.answer:
        raise Conflict("该异议已答复", "this objection was already answered")
    answer = (answer or "").strip()
    errors = _text_errors("answer", answer, 1, MAX_REASON)
    if errors:
        raise ValidationFailed(errors)
    objection.answer, objection.answer_public = answer, bool(public)
    objection.answered_by, objection.answered_at = actor.username, now()
    record(
        session,
        actor,
        "objection.answer",
        "need",
        objection.need_id,
        objection=objection.id,
        public=bool(public),
    )
    session.flush()
    return objection
