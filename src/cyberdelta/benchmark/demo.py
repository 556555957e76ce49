"""Synthetic industry for demonstrations and benchmarks (docs/benchmark.md).

``populate(session, orgs=N, cycles=2)`` creates N obviously fictitious exchanges (「デモ取引所01」,
"Demo Exchange 01"), varied inherent-risk profiles, and one accepted assessment per firm and cycle.
Answers follow a simple latent model so the picture looks like an industry: each firm has an
overall capability (larger custodians a little higher), each control a difficulty, each answer
some noise; firms improve a little from one cycle to the next. A seeded RNG makes the data
reproducible, and existing firms and assessments are left alone, so running it twice is harmless.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from cyberdelta.assessment.catalog_view import CatalogView, catalog_view
from cyberdelta.assessment.models import Assessment, Cycle, Response, RiskProfile
from cyberdelta.assessment.service import new_cycle
from cyberdelta.assessment.targets import Band, InherentRiskProfile, domain_targets
from cyberdelta.assessment.workflow import State
from cyberdelta.benchmark.publication import recompute
from cyberdelta.catalog.service import ensure_builtin_catalog
from cyberdelta.platform.db.base import utcnow
from cyberdelta.supervision.models import CycleParticipant, CycleSchedule
from cyberdelta.tenancy import service as tenancy
from cyberdelta.tenancy.models import Organisation, OrganisationKind

SEED = 20260401
FIRST_YEAR = 2025


def cycle_name(index: int) -> str:
    return f"{FIRST_YEAR + index} administrative year (demo)"


def exchange_slug(number: int) -> str:
    return f"demo-exchange-{number:02d}"


@dataclass(frozen=True)
class DemoResult:
    organisations: list[int]
    cycles: list[int]
    created_assessments: int


def _profile(rng: random.Random) -> InherentRiskProfile:
    custody = rng.choices(list(Band), weights=(5, 3, 2))[0]
    return InherentRiskProfile(
        custody_band=custody,
        hot_wallet_percent=rng.choice((2, 5, 10, 20)),
        chains=rng.randint(1, 12),
        tokens=rng.randint(1, 60),
        customers_band=rng.choices(list(Band), weights=(4, 4, 2))[0],
        outsourced_wallet_operations=rng.random() < 0.3,
        third_party_signing_software=rng.random() < 0.4,
        staking_or_defi=rng.random() < 0.35,
        cross_border=rng.random() < 0.3,
        past_incidents=rng.random() < 0.15,
    )


def _profile_answers(profile: InherentRiskProfile) -> dict[str, object]:
    return {
        name: (value.value if isinstance(value, Band) else value) for name, value in vars(profile).items()
    }


def ensure_exchanges(session: Session, count: int, rng: random.Random) -> list[Organisation]:
    result = []
    for number in range(1, count + 1):
        profile = _profile(rng)  # drawn for every firm so that the sequence stays reproducible
        organisation = tenancy.get_organisation_by_slug(session, exchange_slug(number))
        if organisation is None:
            organisation = tenancy.create_organisation(
                session,
                slug=exchange_slug(number),
                kind=OrganisationKind.EXCHANGE.value,
                name_ja=f"デモ取引所{number:02d}",
                name_en=f"Demo Exchange {number:02d}",
            )
            session.add(RiskProfile(organisation_id=organisation.id, answers=_profile_answers(profile)))
        result.append(organisation)
    session.flush()
    return result


def populate(session: Session, *, orgs: int, cycles: int, recompute_benchmarks: bool = True) -> DemoResult:
    if not 0 <= orgs <= 5000:
        raise ValueError("orgs: between 0 and 5000")
    if not 0 <= cycles <= 10:
        raise ValueError("cycles: between 0 and 10")
    rng = random.Random(SEED)  # noqa: S311 (synthetic demo data, reproducible on purpose)
    version = ensure_builtin_catalog(session)
    view = catalog_view(session, version.id)
    difficulty = {control.control_id: rng.gauss(0.0, 0.6) for control in view.controls}
    organisations = ensure_exchanges(session, orgs, rng)
    ability = {}
    for organisation in organisations:
        profile = session.scalar(
            select(RiskProfile.answers).where(RiskProfile.organisation_id == organisation.id)
        )
        bonus = {"small": 0.0, "medium": 0.3, "large": 0.6}.get(str((profile or {}).get("custody_band")), 0.0)
        ability[organisation.id] = rng.gauss(2.3 + bonus, 0.55)
    cycle_rows: list[Cycle] = []
    created = 0
    domains = tuple(domain.code for domain in view.domains)
    for index in range(cycles):
        cycle = session.scalar(select(Cycle).where(Cycle.name == cycle_name(index)))
        if cycle is None:
            # The demo's years compare with each other, not with a cycle opened before the demo.
            cycle = new_cycle(
                session, cycle_name(index), version.id, cycle_rows[-1].id if cycle_rows else None
            )
        cycle_rows.append(cycle)
        _schedule(session, cycle, index, [o.id for o in organisations])
        existing = set(
            session.scalars(select(Assessment.organisation_id).where(Assessment.cycle_id == cycle.id))
        )
        responses: list[dict[str, object]] = []
        for organisation in organisations:
            level = ability[organisation.id] + index * rng.gauss(0.25, 0.15)
            answers = [_answer(rng, level, difficulty[c.control_id], c.level) for c in view.controls]
            if organisation.id in existing:
                continue
            assessment = Assessment(
                organisation_id=organisation.id,
                cycle_id=cycle.id,
                revision=1,
                state=State.ACCEPTED.value,
                targets=_targets(session, organisation.id, domains),
                signed_off_at=utcnow(),
                signed_off_by_name="Demo Approver",
            )
            session.add(assessment)
            session.flush()
            created += 1
            responses.extend(response_rows(assessment.id, view, answers))
        if responses:
            session.execute(insert(Response), responses)
        session.flush()
        if recompute_benchmarks:
            recompute(session, cycle)
    return DemoResult([o.id for o in organisations], [c.id for c in cycle_rows], created)


def _schedule(session: Session, cycle: Cycle, index: int, participants: list[int]) -> None:
    """The demo cycles are opened like a supervisor would: April to June, all demo firms taking part."""
    if session.scalar(select(CycleSchedule).where(CycleSchedule.cycle_id == cycle.id)) is None:
        year = FIRST_YEAR + index
        session.add(CycleSchedule(cycle_id=cycle.id, opens_on=date(year, 4, 1), closes_on=date(year, 6, 30)))
    add_participants(session, cycle, participants)


def add_participants(session: Session, cycle: Cycle, participants: list[int]) -> None:
    """Let ``participants`` take part in ``cycle`` (those already taking part are left alone)."""
    taking_part = set(
        session.scalars(select(CycleParticipant.organisation_id).where(CycleParticipant.cycle_id == cycle.id))
    )
    session.add_all(
        CycleParticipant(cycle_id=cycle.id, organisation_id=org)
        for org in participants
        if org not in taking_part
    )
    session.flush()


def generated_answers(
    rng: random.Random, level: float, difficulty: dict[str, float], view: CatalogView
) -> list[tuple[int | None, bool]]:
    """(maturity, not applicable) for every control of ``view`` by the latent model of this module."""
    return [_answer(rng, level, difficulty[c.control_id], c.level) for c in view.controls]


def difficulties(seed: str, view: CatalogView) -> dict[str, float]:
    """Each control's difficulty (how far below a firm's ability its answers fall)."""
    rng = random.Random(seed)  # noqa: S311 (synthetic demo data, reproducible on purpose)
    return {control.control_id: rng.gauss(0.0, 0.6) for control in view.controls}


def response_rows(
    assessment_id: int, view: CatalogView, answers: list[tuple[int | None, bool]]
) -> list[dict[str, object]]:
    """Rows of the response table for one assessment (inserted in bulk)."""
    return [
        {
            "assessment_id": assessment_id,
            "control_id": control.control_id,
            "maturity": maturity,
            "not_applicable": not_applicable,
            "na_reason": "Not offered (demo data)" if not_applicable else "",
            "version": 1,
        }
        for control, (maturity, not_applicable) in zip(view.controls, answers, strict=True)
    ]


def accepted_assessment(
    session: Session, organisation_id: int, cycle: Cycle, answers: list[tuple[int | None, bool]]
) -> Assessment:
    """An accepted revision 1 of the firm in ``cycle`` with ``answers`` (a past year of the demo)."""
    view = catalog_view(session, cycle.catalog_version_id)
    assessment = Assessment(
        organisation_id=organisation_id,
        cycle_id=cycle.id,
        revision=1,
        state=State.ACCEPTED.value,
        targets=_targets(session, organisation_id, tuple(domain.code for domain in view.domains)),
        signed_off_at=utcnow(),
        signed_off_by_name="Demo Approver",
    )
    session.add(assessment)
    session.flush()
    session.execute(insert(Response), response_rows(assessment.id, view, answers))
    session.flush()
    return assessment


def _answer(
    rng: random.Random, level: float, difficulty: float, control_level: str
) -> tuple[int | None, bool]:
    if control_level != "basic" and rng.random() < 0.03:
        return None, True
    value = round(level - difficulty + rng.gauss(0.0, 0.7))
    return min(max(value, 0), 5), False


def _targets(session: Session, organisation_id: int, domains: tuple[str, ...]) -> dict[str, object]:
    answers = session.scalar(
        select(RiskProfile.answers).where(RiskProfile.organisation_id == organisation_id)
    )
    from cyberdelta.assessment.service import parse_profile

    profile = parse_profile(answers or {})
    targets = domain_targets(profile, domains)
    return {code: {"target": t.target, "rating": t.rating, "points": t.points} for code, t in targets.items()}
