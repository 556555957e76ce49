"""Improvement plan from gaps: ranked items, owner/due/status with version check, closing on improvement."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment import plan, service
from cyberdelta.assessment.errors import AssessmentError, ConflictError
from cyberdelta.assessment.models import Assessment
from cyberdelta.assessment.service import ResponseInput
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import transaction
from tests.assessment.helpers import answer_all, reload


def test_gaps_become_ranked_items_and_close_when_the_answer_improves(
    session_factory: sessionmaker[Session], assessment: Assessment
) -> None:
    answer_all(session_factory, assessment, {"gv-1": 1, "gv-2": 3, "cx-1": 2, "cx-2": 4})
    with transaction(session_factory) as session:
        found = reload(session, assessment)
        plan.refresh_plan(session, found)
        items = plan.list_items(session, found.organisation_id, found.cycle_id)
        # cx-1: basic, 3-2=1 × weight 3 × rating 1; gv-1: basic, 3-1=2 × weight 1 × rating 1
        assert [(i.control_id, i.gap_kind, i.priority) for i in items] == [
            ("cx-1", "baseline", 3.0),
            ("gv-1", "baseline", 2.0),
        ]
        service.save_response(
            session, found, "gv-1", ResponseInput(maturity=3), expected_version=1, user_id=None
        )
        plan.refresh_plan(session, found)
        done = plan.list_items(session, found.organisation_id, found.cycle_id, status="done")
        assert [i.control_id for i in done] == ["gv-1"]
        progress = plan.year_progress(plan.list_items(session, found.organisation_id, found.cycle_id))
        assert (progress.total, progress.done, progress.percent) == (2, 1, 50)
        assert sum(progress.done_by_month.values()) == 1


def test_items_take_owner_due_date_and_status_and_reject_bad_values(
    session_factory: sessionmaker[Session], assessment: Assessment
) -> None:
    answer_all(session_factory, assessment, {"gv-1": 0})
    with transaction(session_factory) as session:
        found = reload(session, assessment)
        [item] = plan.refresh_plan(session, found)
        plan.update_item(
            session,
            item,
            actor=Actor.console(),
            owner="CISO",
            due_date="2027-03-31",
            status="in_progress",
            expected_version=1,
        )
        assert (item.owner, str(item.due_date), item.status, item.version) == (
            "CISO",
            "2027-03-31",
            "in_progress",
            2,
        )
        for fields, field in (
            ({"due_date": "31/03/2027", "status": "planned"}, "due_date"),
            ({"due_date": "", "status": "finished"}, "status"),
        ):
            with pytest.raises(AssessmentError) as raised:
                plan.update_item(
                    session, item, actor=Actor.console(), owner="x", expected_version=2, **fields
                )
            assert raised.value.field == field
        with pytest.raises(ConflictError):
            plan.update_item(
                session,
                item,
                actor=Actor.console(),
                owner="late",
                due_date="",
                status="done",
                expected_version=1,
            )
        assert item.owner == "CISO"
