"""Signing tables: a firm's registered wallets, the proposed changes to them, and the record of every
check (docs/signing.md, "In the platform").

A wallet's definition (its Safe or its Bitcoin keys, and its policy: allowlists and limits) is one
JSON document, the same policy document the offline ``cyberdelta sign-check`` reads. A definition
changes only through a proposal that a second member of the same organisation approves; a pending
proposal may instead be withdrawn by its proposer or rejected, with a reason, by another member.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

import cyberdelta.auth.models
import cyberdelta.tenancy.models  # noqa: F401 (the organisation and user_account tables referred to)
from cyberdelta.platform.db.base import Base, utcnow


class SigningWallet(Base):
    """A wallet the firm signs for: a Safe on one chain, or a set of Bitcoin keys on one network."""

    __tablename__ = "signing_wallet"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # "safe" or "bitcoin"
    definition: Mapped[str] = mapped_column(Text)  # canonical JSON of the definition (docs/signing.md)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SigningProposal(Base):
    """A proposed new wallet or a new definition of one, waiting for a second approver."""

    __tablename__ = "signing_proposal"
    __table_args__ = (Index("ix_signing_proposal_organisation_status", "organisation_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    wallet_id: Mapped[int | None] = mapped_column(ForeignKey("signing_wallet.id", ondelete="CASCADE"))
    definition: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(
        String(20), default="pending"
    )  # pending, applied, withdrawn, rejected
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column()
    # A proposal withdrawn by its proposer or rejected by another member: who, when, and why.
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(Text)


class SigningCheck(Base):
    """One transaction checked against a wallet's stored definition: who, when, what, the verdict."""

    __tablename__ = "signing_check"
    __table_args__ = (Index("ix_signing_check_organisation_checked", "organisation_id", "checked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    wallet_id: Mapped[int | None] = mapped_column(ForeignKey("signing_wallet.id", ondelete="SET NULL"))
    checked_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The API token the check came through (its creator is ``checked_by``), None from a page.
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_token.id", ondelete="SET NULL"))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))  # "safe" or "psbt"
    input_sha256: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(10))
    block_count: Mapped[int] = mapped_column(Integer, default=0)
    findings: Mapped[str] = mapped_column(Text)  # JSON list of {code, severity, path}
