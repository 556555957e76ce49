"""Assessment service on both databases: answers with version checks, validation, scores, targets,
tenant isolation, Excel import all-or-nothing."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment import exports, service
from cyberdelta.assessment.errors import AssessmentError, ConflictError, NotFoundError
from cyberdelta.assessment.models import Assessment, Response
from cyberdelta.assessment.service import ResponseInput
from cyberdelta.assessment.spreadsheet import WorkbookError
from cyberdelta.assessment.targets import InherentRiskProfile
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.i18n import language
from cyberdelta.tenancy.models import Organisation, OrganisationKind
from tests.accounts_factories import make_organisation


def save(
    factory: sessionmaker[Session], assessment: Assessment, control: str, version: int, **fields: Any
) -> int:
    with transaction(factory) as session:
        found = service.get_assessment(session, assessment.organisation_id, assessment.id)
        row = service.save_response(
            session,
            found,
            control,
            ResponseInput(**fields),
            expected_version=version,
            user_id=None,
        )
        return row.version


def test_answers_save_and_score_as_weighted_means(
    session_factory: sessionmaker[Session], assessment: Assessment
) -> None:
    assert save(session_factory, assessment, "gv-1", 0, maturity=4) == 1
    save(session_factory, assessment, "gv-2", 0, maturity=1)
    save(session_factory, assessment, "cx-1", 0, not_applicable=True, na_reason="no cold wallet")
    with transaction(session_factory) as session:
        found = service.get_assessment(session, assessment.organisation_id, assessment.id)
        result = service.summary(session, found)
    assert result.domains == {"gv": 2.0, "cx": None}
    assert result.overall == 2.0
    assert result.unanswered == ["cx-2"]
    assert result.progress[""].answered == 3


def test_a_stale_version_is_a_conflict_and_changes_nothing(
    session_factory: sessionmaker[Session], assessment: Assessment
) -> None:
    save(session_factory, assessment, "gv-1", 0, maturity=2, comment="first")
    save(session_factory, assessment, "gv-1", 1, maturity=3, comment="second person")
    with pytest.raises(ConflictError) as raised:
        save(session_factory, assessment, "gv-1", 1, maturity=5, comment="stale")
    assert raised.value.current_version == 2
    with transaction(session_factory) as session:
        row = session.scalar(select(Response).where(Response.control_id == "gv-1"))
        assert row is not None and (row.maturity, row.comment, row.version) == (3, "second person", 2)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"maturity": 6}, "maturity"),
        ({"maturity": -1}, "maturity"),
        ({"not_applicable": True}, "na_reason"),
        ({"maturity": 2, "target_override": 5}, "target_reason"),
        ({"maturity": 2, "target_override": 9, "target_reason": "x"}, "target_override"),
        ({"maturity": 2, "comment": "x" * 5000}, "comment"),
    ],
)
def test_bad_answers_are_rejected_naming_the_field(
    session_factory: sessionmaker[Session], assessment: Assessment, fields: dict[str, object], field: str
) -> None:
    with pytest.raises(AssessmentError) as raised:
        save(session_factory, assessment, "gv-1", 0, **fields)
    assert raised.value.field == field
    with transaction(session_factory) as session:
        assert session.scalar(select(Response)) is None


def test_unknown_control_is_rejected(session_factory: sessionmaker[Session], assessment: Assessment) -> None:
    with pytest.raises(AssessmentError, match="zz-1"):
        save(session_factory, assessment, "zz-1", 0, maturity=1)


def test_another_organisation_cannot_see_the_assessment(
    session_factory: sessionmaker[Session], assessment: Assessment
) -> None:
    with transaction(session_factory) as session:
        other = make_organisation(session, OrganisationKind.EXCHANGE)
        with pytest.raises(NotFoundError):
            service.get_assessment(session, other.id, assessment.id)


def test_the_risk_profile_sets_targets_with_reasons(
    session_factory: sessionmaker[Session], assessment: Assessment, exchange: Organisation
) -> None:
    with transaction(session_factory) as session:
        service.save_profile(
            session,
            exchange.id,
            InherentRiskProfile(hot_wallet_percent=40, third_party_signing_software=True),
        )
    with transaction(session_factory) as session, language("en"):
        found = service.get_assessment(session, exchange.id, assessment.id)
        assert found.targets["cx"]["target"] == 5 and found.targets["gv"]["target"] == 3
        text = service.explained_targets(session, found)["cx"].explanation("CX")
    assert text.startswith("Your target for CX is 5 because")


def test_bad_profile_answers_name_the_field() -> None:
    with pytest.raises(AssessmentError) as raised:
        service.parse_profile({"hot_wallet_percent": "150"})
    assert raised.value.field == "hot_wallet_percent"
    with pytest.raises(AssessmentError) as raised:
        service.parse_profile({"custody_band": "huge"})
    assert raised.value.field == "custody_band"


def test_excel_round_trip_through_the_database_gives_the_same_answers(
    session_factory: sessionmaker[Session], assessment: Assessment
) -> None:
    with transaction(session_factory) as session:
        found = service.get_assessment(session, assessment.organisation_id, assessment.id)
        data = exports.export_workbook(session, found)
    book = load_workbook(BytesIO(data))
    book["GV"]["D3"], book["GV"]["G3"] = 3, "-reviewed yearly"
    book["GV"]["E4"], book["GV"]["F4"] = "N/A", "no staff"
    book["CX"]["D3"], book["CX"]["D4"] = 1, 5
    buffer = BytesIO()
    book.save(buffer)
    with transaction(session_factory) as session:
        found = service.get_assessment(session, assessment.organisation_id, assessment.id)
        assert exports.import_workbook(session, found, buffer.getvalue(), None) == 4
    with transaction(session_factory) as session:
        found = service.get_assessment(session, assessment.organisation_id, assessment.id)
        again = load_workbook(BytesIO(exports.export_workbook(session, found)))
        rows = {
            k: (r.maturity, r.not_applicable, r.na_reason, r.comment)
            for k, r in service.responses_of(session, found).items()
        }
    assert rows == {
        "gv-1": (3, False, "", "-reviewed yearly"),
        "gv-2": (None, True, "no staff", ""),
        "cx-1": (1, False, "", ""),
        "cx-2": (5, False, "", ""),
    }
    assert again["GV"]["G3"].value == "'-reviewed yearly" and again["CX"]["D4"].value == 5


def test_a_workbook_with_one_bad_cell_changes_nothing(
    session_factory: sessionmaker[Session], assessment: Assessment
) -> None:
    save(session_factory, assessment, "gv-1", 0, maturity=2)
    with transaction(session_factory) as session:
        found = service.get_assessment(session, assessment.organisation_id, assessment.id)
        book = load_workbook(BytesIO(exports.export_workbook(session, found)))
    book["GV"]["D3"], book["CX"]["D3"], book["CX"]["D4"] = 4, 9, 2
    buffer = BytesIO()
    book.save(buffer)
    with pytest.raises(WorkbookError) as raised, transaction(session_factory) as session:
        found = service.get_assessment(session, assessment.organisation_id, assessment.id)
        exports.import_workbook(session, found, buffer.getvalue(), None)
    assert [(p.sheet, p.cell) for p in raised.value.problems] == [("CX", "D3")]
    with transaction(session_factory) as session:
        assert [(r.control_id, r.maturity) for r in session.scalars(select(Response))] == [("gv-1", 2)]
