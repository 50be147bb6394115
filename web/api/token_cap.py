"""At most `API_MAX_TOKENS` live tokens per account: signing in once more revokes the oldest.

Why revoke rather than refuse: a script that signs in on every run and never calls
`DELETE /tokens` would otherwise lock its own account out until a token expires; revoking the
oldest keeps the newest sign-in working, bounds the table, and bounds what a leaked password
can mint. The revocation is audited, so an owner can see it happened."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from catalog.actors import Actor
from catalog.audit import record
from catalog.models import Account, ApiToken

DEFAULT_MAX_TOKENS = 20


def max_tokens() -> int:
    return int(current_app.config.get("API_MAX_TOKENS", DEFAULT_MAX_TOKENS))


def make_room_for_one_more(session: Session, account: Account) -> int:
    """Revoke the account's oldest tokens so one more keeps it within the cap; returns how
    many were revoked. Call before issuing the new token, in the same transaction."""
    keep = max(0, max_tokens() - 1)
    live = list(
        session.scalars(
            select(ApiToken.id)
            .where(ApiToken.account_id == account.id)
            .order_by(ApiToken.id.desc())  # ids grow: newest first
        )
    )
    surplus = live[keep:]
    if not surplus:
        return 0
    session.execute(delete(ApiToken).where(ApiToken.id.in_(surplus)))
    session.expire(account, ["tokens"])
    record(
        session,
        Actor(account.username, account.role, account.scope),
        "token.revoke_oldest",
        "account",
        account.username,
        revoked=len(surplus),
        limit=max_tokens(),
    )
    return len(surplus)
