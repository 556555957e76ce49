"""Peer groups come from the inherent-risk profile as it was at submission (DESIGN §6): the
profile is frozen in the sign-off snapshot, so a firm that changes its profile after acceptance
stays in the groups it was assessed in when the cycle is recomputed. Submissions signed off before
the profile was frozen (the demo data has no snapshot at all) fall back to the current profile."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment import service as assessment_service
from cyberdelta.assessment import transitions
from cyberdelta.assessment.models import Assessment, Cycle
from cyberdelta.assessment.targets import Band
from cyberdelta.assessment.workflow import Action
from cyberdelta.benchmark.compute import load_submissions, recompute
from cyberdelta.benchmark.models import BenchmarkPosition
from cyberdelta.catalog.service import ensure_builtin_catalog
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import transaction
from tests.benchmark.conftest import World
from tests.benchmark.test_versions import submit_all


def set_custody(session: Session, organisation_id: int, band: Band) -> None:
    profile = assessment_service.get_profile(session, organisation_id)
    assessment_service.save_profile(session, organisation_id, dataclasses.replace(profile, custody_band=band))


def positions(session: Session, cycle_id: int, organisation_id: int) -> set[str]:
    ranks = session.scalar(
        select(BenchmarkPosition.ranks).where(
            BenchmarkPosition.cycle_id == cycle_id, BenchmarkPosition.organisation_id == organisation_id
        )
    )
    return set(ranks or {})


def test_a_profile_changed_after_acceptance_leaves_the_firm_in_its_original_groups(
    session_factory: sessionmaker[Session], world: World
) -> None:
    firms = world.organisations[:6]
    with transaction(session_factory) as session:
        for organisation_id in firms:
            set_custody(session, organisation_id, Band.LARGE)
        cycle = assessment_service.ensure_cycle(session, "2029事務年度", ensure_builtin_catalog(session).id)
        submit_all(session, cycle, firms)
        for assessment in session.scalars(select(Assessment).where(Assessment.cycle_id == cycle.id)):
            assert assessment.snapshot is not None
            assert assessment.snapshot["profile"]["custody_band"] == "large"
            transitions.transition(session, assessment, Action.ACCEPT, actor=Actor.console())
        recompute(session, cycle)
        cycle_id = cycle.id
        assert "custody:large" in positions(session, cycle_id, firms[0])

    with transaction(session_factory) as session:
        set_custody(session, firms[0], Band.SMALL)
    with transaction(session_factory) as session:
        reloaded = session.get(Cycle, cycle_id)
        assert reloaded is not None
        recompute(session, reloaded)
        assert "custody:large" in load_submissions(session, reloaded)[firms[0]].groups
        assert "custody:large" in positions(session, cycle_id, firms[0])
        assert "custody:small" not in positions(session, cycle_id, firms[0])


def test_a_submission_without_a_frozen_profile_uses_the_current_profile(
    session_factory: sessionmaker[Session], world: World
) -> None:
    organisation_id = world.organisations[0]
    with transaction(session_factory) as session:
        cycle = session.get(Cycle, world.cycles[-1])
        assert cycle is not None
        set_custody(session, organisation_id, Band.MEDIUM)
        assert "custody:medium" in load_submissions(session, cycle)[organisation_id].groups
        set_custody(session, organisation_id, Band.SMALL)
        assert "custody:small" in load_submissions(session, cycle)[organisation_id].groups
