"""Demonstration data: a partly filled self-assessment of the built-in catalog for the first demo
exchange of :mod:`cyberdelta.auth.demo` (created here when missing), in the demo's current cycle
(or a cycle named after the year when none is given). Idempotent: a second run finds the assessment
and adds nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.assessment import evidence, plan, service
from cyberdelta.assessment.models import Assessment, Cycle, RiskProfile
from cyberdelta.assessment.targets import Band, InherentRiskProfile
from cyberdelta.catalog.service import ensure_builtin_catalog
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.base import utcnow
from cyberdelta.tenancy.service import create_organisation, get_organisation_by_slug

DEMO_SLUG = "sakura-exchange"


def load_demo(session: Session, cycle: Cycle | None = None) -> Assessment:
    organisation = get_organisation_by_slug(session, DEMO_SLUG)
    if organisation is None:
        organisation = create_organisation(
            session,
            slug=DEMO_SLUG,
            kind="exchange",
            name_ja="デモ暗号資産取引所",
            name_en="Demo Crypto Exchange",
        )
    if session.scalar(select(RiskProfile.id).where(RiskProfile.organisation_id == organisation.id)) is None:
        service.save_profile(
            session,
            organisation.id,
            InherentRiskProfile(
                custody_band=Band.MEDIUM, hot_wallet_percent=15, chains=12, outsourced_wallet_operations=True
            ),
        )
    if cycle is None:
        cycle = service.ensure_cycle(session, str(utcnow().year), ensure_builtin_catalog(session).id)
    assessment = service.start_assessment(session, organisation.id, cycle)
    if service.responses_of(session, assessment):
        return assessment
    view = service.view_of(session, assessment)
    for index, control in enumerate(view.controls):
        if index % 3 == 2:
            continue  # leave every third control open: the demo shows a draft in progress
        data = service.ResponseInput(maturity=(index * 7) % 6, comment="デモ回答 / demo answer")
        service.save_response(session, assessment, control.control_id, data, expected_version=0, user_id=None)
    link = evidence.add_link(
        session,
        organisation.id,
        url="https://example.jp/policies/security",
        title="情報セキュリティ規程",
        actor=Actor.console(),
    )
    evidence.attach(session, Actor.console(), assessment, link, [c.control_id for c in view.controls[:5]])
    plan.refresh_plan(session, assessment)
    return assessment
