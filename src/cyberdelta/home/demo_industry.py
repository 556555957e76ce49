"""The walkable demo industry (docs/home.md, "a demo that can be walked end to end"): the named exchanges
of :mod:`cyberdelta.auth.demo` take part in every demo cycle of :mod:`cyberdelta.benchmark.demo`;
in past cycles they were accepted (year-over-year figures), in the current one each stands at another
step of the CSSA workflow of docs/assessment.md (draft → in_review → submitted → accepted/returned):
Sakura mid-way (draft), Fuji waiting for its executive approver, Kaede returned by the FSA with
comments, Momiji waiting for the FSA's review, the others accepted.

Workflow steps go through the services with the demo members as actors, so the audit trail and the
workflow log say who did what. Idempotent: a firm that already has an assessment in a cycle is left
alone. The current cycle is kept open around today (closing in ten days) so "due soon" shows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from cyberdelta.assessment import demo as assessment_demo
from cyberdelta.assessment import service as assessment_service
from cyberdelta.assessment import transitions
from cyberdelta.assessment.catalog_view import catalog_view
from cyberdelta.assessment.models import Assessment, Cycle, Response, RiskProfile
from cyberdelta.assessment.targets import Band, InherentRiskProfile
from cyberdelta.assessment.workflow import Action
from cyberdelta.auth.demo import EXCHANGES, member_email
from cyberdelta.benchmark import demo as benchmark_demo
from cyberdelta.benchmark.publication import latest, recompute
from cyberdelta.platform.actor import Actor, Channel
from cyberdelta.supervision import service as supervision
from cyberdelta.supervision.models import CycleSchedule
from cyberdelta.tenancy import service as tenancy
from cyberdelta.tenancy.models import Organisation
from cyberdelta.tenancy.permissions import Role

SUPERVISOR_SLUG = "fsa"
# The current cycle's step of each named exchange, in the order of auth.demo.EXCHANGES.
CURRENT_STEPS: dict[str, str] = {
    "sakura-exchange": "draft",
    "fuji-coin": "in_review",
    "kaede-trade": "returned",
    "momiji-bitcoin": "submitted",
    "tsubaki-crypto": "accepted",
    "ume-digital": "accepted",
    "kiri-markets": "accepted",
}
RETURN_COMMENT = (
    "鍵管理の証跡が不足しています。CX領域を補ってください。 / Key-management evidence is missing."
)
CONTROL_COMMENT = (
    "署名手順の独立検証の記録を添付してください。 / Attach the record of independent signing checks."
)


@dataclass(frozen=True)
class IndustryResult:
    current_cycle_id: int
    states: dict[str, str]


def _person(session: Session, role: Role, organisation: Organisation) -> tuple[Actor, str]:
    user = tenancy.get_or_create_user(session, member_email(role, organisation.slug))
    return Actor.person(user.id, organisation.id, Channel.CLI), user.display_name


def _ensure_profile(session: Session, organisation: Organisation, rng: random.Random) -> None:
    if session.scalar(select(RiskProfile.id).where(RiskProfile.organisation_id == organisation.id)):
        return
    profile = InherentRiskProfile(
        custody_band=rng.choice(list(Band)),
        hot_wallet_percent=rng.choice((2, 5, 10)),
        chains=rng.randint(2, 15),
        tokens=rng.randint(5, 50),
        third_party_signing_software=rng.random() < 0.5,
        staking_or_defi=rng.random() < 0.4,
    )
    assessment_service.save_profile(session, organisation.id, profile)


def _keep_open(session: Session, cycle: Cycle, today: date) -> None:
    schedule = supervision.schedule_of(session, cycle.id)
    opens_on, closes_on = today - timedelta(days=50), today + timedelta(days=10)
    if schedule is None:
        session.add(CycleSchedule(cycle_id=cycle.id, opens_on=opens_on, closes_on=closes_on))
    else:
        schedule.opens_on, schedule.closes_on = opens_on, closes_on
    session.flush()


def _answered(
    session: Session, organisation: Organisation, cycle: Cycle, answers: list[tuple[int | None, bool]]
) -> Assessment:
    """A draft with every control answered (the firm's staff did the work)."""
    assessment = assessment_service.start_assessment(session, organisation.id, cycle)
    view = catalog_view(session, cycle.catalog_version_id)
    session.execute(insert(Response), benchmark_demo.response_rows(assessment.id, view, answers))
    session.flush()
    return assessment


def _walk(session: Session, organisation: Organisation, assessment: Assessment, step: str) -> None:
    """Take the draft through the workflow to ``step`` as the firm's members and the FSA would."""
    if step == "draft":
        return
    officer, _name = _person(session, Role.SECURITY_OFFICER, organisation)
    transitions.transition(session, assessment, Action.REQUEST_REVIEW, actor=officer)
    if step == "in_review":
        return
    approver, approver_name = _person(session, Role.EXECUTIVE_APPROVER, organisation)
    transitions.transition(session, assessment, Action.SIGN_OFF, actor=approver, user_name=approver_name)
    if step == "submitted":
        return
    fsa = tenancy.get_organisation_by_slug(session, SUPERVISOR_SLUG)
    assert fsa is not None  # noqa: S101 (created by auth.demo before)
    inspector, _inspector_name = _person(session, Role.INSPECTOR, fsa)
    if step == "accepted":
        supervision.review(session, assessment.id, Action.ACCEPT.value, actor=inspector)
        return
    first_cx = next(
        c.control_id
        for c in assessment_service.view_of(session, assessment).controls
        if "CX" in c.control_id.upper()
    )
    supervision.review(
        session,
        assessment.id,
        Action.RETURN.value,
        actor=inspector,
        comment=RETURN_COMMENT,
        control_comments={first_cx: CONTROL_COMMENT},
    )


def load_industry(
    session: Session, cycle_ids: list[int], today: date, *, refresh: bool = False
) -> IndustryResult:
    """Put the named exchanges into the demo cycles ``cycle_ids`` (oldest first; the last is current)
    and publish the benchmarks of the cycles that changed (all of them with ``refresh``)."""
    cycles = [session.get(Cycle, cycle_id) for cycle_id in cycle_ids]
    rows = [cycle for cycle in cycles if cycle is not None]
    rng = random.Random(benchmark_demo.SEED + 17)  # noqa: S311 (synthetic demo data, reproducible on purpose)
    organisations = []
    for slug, _name_ja, _name_en in EXCHANGES:
        organisation = tenancy.get_organisation_by_slug(session, slug)
        assert organisation is not None  # noqa: S101 (created by auth.demo before)
        _ensure_profile(session, organisation, rng)
        organisations.append(organisation)
    view = catalog_view(session, rows[-1].catalog_version_id)
    difficulty = benchmark_demo.difficulties("named-exchanges", view)
    ability = {o.id: rng.gauss(2.6, 0.5) for o in organisations}
    changed: list[Cycle] = []
    for index, cycle in enumerate(rows):
        benchmark_demo.add_participants(session, cycle, [o.id for o in organisations])
        current = index == len(rows) - 1
        if current:
            _keep_open(session, cycle, today)
        taken = set(
            session.scalars(select(Assessment.organisation_id).where(Assessment.cycle_id == cycle.id))
        )
        if (
            refresh
            or latest(session, cycle.id, made=True) is None
            or not {o.id for o in organisations} <= taken
        ):
            changed.append(cycle)
        for organisation in organisations:
            answers = benchmark_demo.generated_answers(
                rng, ability[organisation.id] + 0.3 * index, difficulty, view
            )
            if organisation.id in taken:
                continue
            if not current:
                benchmark_demo.accepted_assessment(session, organisation.id, cycle, answers)
                continue
            step = CURRENT_STEPS[organisation.slug]
            if step == "draft":
                assessment_demo.load_demo(session, cycle)
                continue
            _walk(session, organisation, _answered(session, organisation, cycle, answers), step)
        session.flush()
    for cycle in changed:  # new acceptances (or none published yet): publish the figures again
        recompute(session, cycle)
    current_cycle = rows[-1]
    states = {
        o.slug: state
        for o in organisations
        if (found := assessment_service.latest_assessment(session, o.id, current_cycle.id)) is not None
        for state in [found.state]
    }
    return IndustryResult(current_cycle.id, states)
