"""Opening a cycle, the collection dashboard, audited reads and returns with per-control comments."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment.models import Cycle
from cyberdelta.assessment.workflow import Action
from cyberdelta.catalog.service import ensure_builtin_catalog
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.supervision import service
from cyberdelta.supervision.models import ReviewComment
from cyberdelta.supervision.service import SupervisionError
from cyberdelta.tenancy.models import OrganisationKind
from tests.accounts_factories import make_organisation
from tests.supervision.conftest import World
from tests.supervision.helpers import submit


def open_2027(session: Session, participants: list[int], **changes: object) -> Cycle:
    arguments: dict[str, object] = {
        "name": "2027 administrative year",
        "catalog_version_id": ensure_builtin_catalog(session).id,
        "opens_on": date(2027, 4, 1),
        "closes_on": date(2027, 6, 30),
        "participant_ids": participants,
        "remind_days_before": 14,
        "actor": Actor.console(),
    } | changes
    return service.open_cycle(session, **arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "name"),
        ({"closes_on": date(2027, 3, 1)}, "closes_on"),
        ({"catalog_version_id": 999999}, "catalog_version_id"),
        ({"participant_ids": []}, "participants"),
        ({"remind_days_before": -1}, "remind_days_before"),
        ({"previous_cycle_id": 999999}, "previous_cycle_id"),
    ],
)
def test_a_bad_cycle_is_rejected_naming_the_field_and_nothing_is_stored(
    session_factory: sessionmaker[Session], world: World, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(SupervisionError) as error, transaction(session_factory) as session:
        open_2027(session, world.organisations, **changes)
    assert error.value.field == field
    with transaction(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(Cycle)) == len(world.cycles)


def test_only_exchanges_take_part_and_names_are_unique(
    session_factory: sessionmaker[Session], world: World
) -> None:
    with transaction(session_factory) as session:
        sro = make_organisation(session, OrganisationKind.SRO).id
    with pytest.raises(SupervisionError) as error, transaction(session_factory) as session:
        open_2027(session, [sro])
    assert error.value.field == "participants"
    with transaction(session_factory) as session:
        cycle_id = open_2027(session, world.organisations[:3]).id
    with pytest.raises(SupervisionError) as error, transaction(session_factory) as session:
        open_2027(session, world.organisations[:3])
    assert error.value.field == "name"
    with transaction(session_factory) as session:
        assert service.participant_ids(session, cycle_id) == sorted(world.organisations[:3])


def test_a_cycle_compares_with_the_latest_cycle_unless_another_or_none_is_chosen(
    session_factory: sessionmaker[Session], world: World
) -> None:
    with transaction(session_factory) as session:
        default = open_2027(session, world.organisations[:3])
        alone = open_2027(session, world.organisations[:3], name="Thematic: signing", previous_cycle_id=None)
        chosen = open_2027(session, world.organisations[:3], name="2028", previous_cycle_id=default.id)
        latest = open_2027(session, world.organisations[:3], name="2029")
        listed = [(cycle.name, before.name if before else None)
                  for cycle, _schedule, before in service.cycles_with_schedules(session)][-4:]  # fmt: skip
        audited = session.scalars(
            select(AuditEntry.details).where(AuditEntry.action == "cycle.open").order_by(AuditEntry.sequence)
        ).all()
    assert default.previous_cycle_id == world.cycles[-1]
    assert (alone.previous_cycle_id, chosen.previous_cycle_id, latest.previous_cycle_id) == (
        None, default.id, chosen.id,
    )  # fmt: skip
    assert listed == [
        ("2027 administrative year", listed[0][1]),
        ("Thematic: signing", None),
        ("2028", "2027 administrative year"),
        ("2029", "2028"),
    ]
    assert [details["previous_cycle_id"] for details in audited][-4:] == [
        world.cycles[-1], None, default.id, chosen.id,
    ]  # fmt: skip


def test_the_dashboard_shows_each_participants_state_and_flags(
    session_factory: sessionmaker[Session], world: World
) -> None:
    first, second, third = world.organisations[:3]
    with transaction(session_factory) as session:
        cycle_id = open_2027(session, [first, second, third]).id
    submit(session_factory, first, cycle_id, 3)
    with transaction(session_factory) as session:
        cycle = session.get(Cycle, cycle_id)
        assert cycle is not None
        # The exchange sees the new cycle (first, as the latest) besides the demo cycles.
        assert service.cycles_for(session, second)[0][0].id == cycle_id
        outsider = world.organisations[5]
        assert cycle_id not in [c.id for c, _s in service.cycles_for(session, outsider)]
        before_deadline = {r.organisation.id: r for r in service.dashboard(session, cycle, date(2027, 5, 1))}
        near_deadline = {r.organisation.id: r for r in service.dashboard(session, cycle, date(2027, 6, 20))}
        late = {r.organisation.id: r for r in service.dashboard(session, cycle, date(2027, 7, 1))}
    assert before_deadline[first].state == "submitted" and before_deadline[second].state == "not_started"
    assert before_deadline[first].last_activity is not None and before_deadline[second].last_activity is None
    assert (
        not before_deadline[second].remind
        and near_deadline[second].remind
        and not near_deadline[first].remind
    )
    assert late[second].overdue and late[third].overdue and not late[first].overdue


def test_a_read_is_audited_and_a_return_keeps_comments_per_control(
    session_factory: sessionmaker[Session], world: World
) -> None:
    organisation = world.organisations[0]
    with transaction(session_factory) as session:
        cycle_id = open_2027(session, [organisation]).id
    assessment_id = submit(session_factory, organisation, cycle_id, 2)
    with transaction(session_factory) as session:
        service.read_submission(session, assessment_id, actor=Actor.console())
        reads = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "assessment.read_by_supervisor")
        ).all()
        assert [(r.object_id, r.organisation_id) for r in reads] == [(str(assessment_id), organisation)]
    with pytest.raises(SupervisionError) as error, transaction(session_factory) as session:
        service.review(session, assessment_id, Action.RETURN, actor=Actor.console())
    assert error.value.field == "comment"
    with pytest.raises(SupervisionError) as error, transaction(session_factory) as session:
        service.review(
            session, assessment_id, Action.RETURN, actor=Actor.console(), control_comments={"zz-9": "no"}
        )
    assert error.value.field == "control_id"
    with transaction(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(ReviewComment)) == 0
        service.review(
            session,
            assessment_id,
            Action.RETURN,
            actor=Actor.console(),
            control_comments={"gv-1.1": "Show the policy."},
        )
    with transaction(session_factory) as session:
        comments = service.comments_for(session, organisation, cycle_id)
        assert [(rev, c.control_id, c.comment) for rev, c in comments] == [(1, "gv-1.1", "Show the policy.")]
        assert service.comments_for(session, world.organisations[1], cycle_id) == []
