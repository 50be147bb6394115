"""Accounts, roles and scopes. Password hashing lives in the web layer; the domain only needs
to know who acted and within which scope (a street, a district, the city or an organization)."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.db import Base
from catalog.models.columns import AccountRef, CreatedAt, SerialId


class Role(enum.StrEnum):
    OFFICE = "office"
    REVIEWER = "reviewer"
    ORGANIZATION = "organization"
    PLANNER = "planner"
    ADMIN = "admin"


class Account(Base):
    """Someone who signs in: the role says what kind of work they do, the scope where
    (catalog.permissions decides from both what they may do)."""

    __tablename__ = "account"

    id: Mapped[SerialId]
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    # office: street code; reviewer/planner: district or city code; organization: org id.
    scope: Mapped[str | None] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(String(120))
    locale: Mapped[str | None] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[CreatedAt]

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="account", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Account {self.username} {self.role}:{self.scope}>"


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[SerialId]
    account_id: Mapped[AccountRef]
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[dt.datetime]

    account: Mapped[Account] = relationship(back_populates="tokens")


class LoginSession(Base):
    """One signed-in browser. Its session cookie names it (by a secret whose sha256 is the id);
    signing out deletes the row, so a copy of the cookie dies with the session. A password
    change, a reset or a deactivation deletes every row of the account."""

    __tablename__ = "login_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[AccountRef]
    created_at: Mapped[CreatedAt]
