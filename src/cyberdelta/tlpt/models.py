"""TLPT tables (docs/tlpt.md): engagements, the people named on them, the providers with their checks,
the phases with their computed deadlines, and the encrypted deliverables.

Confidentiality is by named person (Commission Delegated Regulation (EU) 2025/1190, Art. 1(1)-(3),
Art. 9(4); TIBER-EU "need to know"): a row of ``tlpt_member`` is the only thing that lets anyone see
that an engagement exists. The engagement's data key is stored only wrapped by the master key
(:mod:`cyberdelta.tlpt.keys`); a deliverable's content only as AES-GCM ciphertext.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

import cyberdelta.assessment.models  # the plan items findings become
import cyberdelta.tenancy.models  # noqa: F401 (the organisation and user_account tables referred to)
from cyberdelta.platform.db.base import Base, utcnow


class TlptEngagement(Base):
    """One test of one firm, opened by the authority; ``rules`` is the JSON of the framework's
    timeline rules as they were when it was opened (:mod:`cyberdelta.tlpt.frameworks`)."""

    __tablename__ = "tlpt_engagement"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_name: Mapped[str] = mapped_column(String(100))
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    framework: Mapped[str] = mapped_column(String(20))
    rules: Mapped[str] = mapped_column(Text)
    notified_on: Mapped[date] = mapped_column(Date)
    phase: Mapped[str] = mapped_column(String(30))
    scope: Mapped[str] = mapped_column(Text, default="{}")
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    # The attestation (DORA Art. 26(7)): signed by a test manager and by the control team, each after
    # a passkey step-up (cyberdelta.tlpt.attestation).
    authority_signed_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    authority_signed_at: Mapped[datetime | None] = mapped_column()
    firm_signed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    firm_signed_at: Mapped[datetime | None] = mapped_column()
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TlptMember(Base):
    """A person named on an engagement, in one team: ``test_manager`` (authority), ``control_team``
    (the firm), ``ti_provider`` or ``red_team`` (a provider's tester)."""

    __tablename__ = "tlpt_member"
    __table_args__ = (UniqueConstraint("engagement_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("tlpt_engagement.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    team: Mapped[str] = mapped_column(String(20))
    named_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    named_at: Mapped[datetime] = mapped_column(default=utcnow)


class TlptProvider(Base):
    """The threat-intelligence (``ti``) or red-team (``red_team``) provider of an engagement, with the
    requirements checked when it was selected (RTS 2025/1190 Art. 7(1))."""

    __tablename__ = "tlpt_provider"
    __table_args__ = (UniqueConstraint("engagement_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("tlpt_engagement.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    checks: Mapped[str] = mapped_column(Text)  # JSON: {"experience": "...", "references": "...", ...}
    selected_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    selected_at: Mapped[datetime] = mapped_column(default=utcnow)


class TlptPhase(Base):
    """One phase of an engagement: when it started, its deadline under the rules, when it ended."""

    __tablename__ = "tlpt_phase"
    __table_args__ = (UniqueConstraint("engagement_id", "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("tlpt_engagement.id", ondelete="CASCADE"))
    phase: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    # A deadline the test managers set for a phase the rules only plan (never past a regulatory one).
    planned_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reminded_on: Mapped[date | None] = mapped_column(Date)


class TlptDeliverable(Base):
    """A document of a phase, stored only as AES-256-GCM ciphertext under the engagement's data key
    (:mod:`cyberdelta.tlpt.deliverables`); the file name and type are encrypted with it too."""

    __tablename__ = "tlpt_deliverable"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        ForeignKey("tlpt_engagement.id", ondelete="CASCADE"), index=True
    )
    phase: Mapped[str] = mapped_column(String(30))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # JSON {"name": ..., "type": ...} sealed under the data key, so that a list needs no content.
    label_nonce: Mapped[bytes] = mapped_column(LargeBinary)
    label: Mapped[bytes] = mapped_column(LargeBinary)
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class TlptFinding(Base):
    """A finding of the test (RTS 2025/1190 Annex V(c), Art. 13(2)): its CVSS 4.0 vector and computed
    score, ATT&CK technique, the critical function it affects, the catalog control it shows weaker than
    self-assessed, and the item of the firm's plan it became (docs/tlpt.md, "Findings")."""

    __tablename__ = "tlpt_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        ForeignKey("tlpt_engagement.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    cvss_vector: Mapped[str] = mapped_column(String(200))
    cvss_score: Mapped[float] = mapped_column(Float)
    severity: Mapped[str] = mapped_column(String(10))
    technique: Mapped[str] = mapped_column(String(20))
    critical_function: Mapped[str] = mapped_column(String(300))
    control_id: Mapped[str] = mapped_column(String(200))
    found_maturity: Mapped[int] = mapped_column(Integer)
    self_assessed: Mapped[int | None] = mapped_column(Integer)
    plan_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment_improvement_item.id", ondelete="SET NULL")
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def contradicts(self) -> bool:
        """Whether the firm self-assessed the control higher than the test found it."""
        return self.self_assessed is not None and self.self_assessed > self.found_maturity
