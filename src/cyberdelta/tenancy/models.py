"""Organisations (tenants), users, memberships and one-time invitations (docs/accounts.md, "Roles and what
each may do").

A user may belong to several organisations, with one role in each; the role decides the
permissions (see :mod:`cyberdelta.tenancy.permissions`). An invitation is a one-time link whose
token is stored only as its SHA-256.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cyberdelta.platform.db.base import Base, utcnow


class OrganisationKind(enum.StrEnum):
    """The kinds of tenant of docs/accounts.md, "Roles and what each may do"."""

    EXCHANGE = "exchange"
    SRO = "sro"
    ISAC = "isac"
    SUPERVISOR = "supervisor"
    OPERATOR = "operator"
    # A threat-intelligence or red-team provider of threat-led penetration tests (docs/tlpt.md).
    TLPT_PROVIDER = "tlpt_provider"


class Organisation(Base):
    """A tenant: an exchange, the SRO (JVCEA), an ISAC, the supervisor (FSA), the platform operator, or a
    TLPT provider (threat intelligence or red team, docs/tlpt.md)."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    name_ja: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    """A person. ``user_handle`` is the WebAuthn user handle (random, never the e-mail address).

    ``email_language`` is the language of the e-mails the platform sends the person (``ja`` or
    ``en``); unset, they carry Japanese and then English. Pages follow the browser's choice instead.
    """

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    user_handle: Mapped[str] = mapped_column(String(100), unique=True)
    email_language: Mapped[str | None] = mapped_column(String(2), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", order_by="Membership.id")


class Membership(Base):
    """A user's role in one organisation."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship()


class Invitation(Base):
    """A one-time enrolment link for ``email`` to join ``organisation_id`` with ``role``."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(40))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
