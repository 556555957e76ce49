"""Master event lists in Excel (docs/exercise.md, "Master event list in Excel"): the planners'
columns, a round trip that changes nothing, and bad input — a bad time, an unknown control, a
decision point without options, a duplicate order number, a formula — refused whole with each
problem as ``sheet!cell``, nothing stored."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.exercise.errors import ScenarioError
from cyberdelta.exercise.library import get_scenario_version, scenario_of
from cyberdelta.exercise.scenarios import import_file
from cyberdelta.exercise.workbook import MEL_COLUMNS, read_workbook, write_workbook
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import transaction
from tests.exercise.helpers import BUILTIN_KEY, builtin_workbook, edited, prepared, version_count

PLANNERS_COLUMNS = ["Order", "Group", "Move", "Assigned To", "Status", "Exercise Time", "Simulated Time",
                    "Title", "Description", "To", "From", "Details", "Expected Actions"]  # fmt: skip


def test_the_export_has_the_planners_columns_and_reads_back_unchanged(
    session_factory: sessionmaker[Session],
) -> None:
    prepared(session_factory)
    data = builtin_workbook(session_factory)
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == ["Scenario", "Phases", "MEL", "Decisions", "Options"]
    headers = [cell.value for cell in book["MEL"][1]]
    assert headers[:13] == PLANNERS_COLUMNS
    assert headers == list(MEL_COLUMNS)
    assert book["MEL"]["F2"].value == "D+0 H+0 M+0"
    with session_factory() as session:
        scenario = scenario_of(get_scenario_version(session, BUILTIN_KEY))
    assert read_workbook(data) == scenario


def test_text_that_looks_like_a_formula_stays_text(session_factory: sessionmaker[Session]) -> None:
    prepared(session_factory)

    def risky(book: Workbook) -> None:
        book["MEL"]["L2"] = '\'=HYPERLINK("http://evil.example")'

    data = edited(builtin_workbook(session_factory), risky)
    scenario = read_workbook(data)
    first = next(inject for inject in scenario.injects if inject.order == 1)
    assert first.details == '=HYPERLINK("http://evil.example")'
    again = load_workbook(BytesIO(write_workbook(scenario)))
    assert again["MEL"]["L2"].data_type == "s"
    assert str(again["MEL"]["L2"].value).startswith("'=")


def _set(sheet: str, cell: str, value: str | int) -> Callable[[Workbook], None]:
    def change(book: Workbook) -> None:
        book[sheet][cell] = value

    return change


def _no_options(book: Workbook) -> None:
    sheet = book["Options"]
    for row in range(sheet.max_row, 1, -1):
        if sheet.cell(row, 1).value == "police":
            sheet.delete_rows(row)


@pytest.mark.parametrize(
    ("change", "cell", "reason"),
    [
        (_set("MEL", "F4", "D+1 H+99"), "MEL!F4", "hours 0–23"),
        (_set("MEL", "F5", "tomorrow"), "MEL!F5", "D+day H+hour M+minute"),
        (_set("MEL", "G3", "2026-13-01T10:00"), "MEL!G3", "date and time"),
        (_set("MEL", "R6", "pr-1.1, zz-9.9"), "MEL!R6", "unknown control zz-9.9"),
        (_no_options, "Decisions!A6", "at least two options"),
        (_set("MEL", "A3", 1), "MEL!A3", "order number 1 appears twice"),
        (_set("MEL", "B7", "lunch"), "MEL!B7", "unknown phase lunch"),
        (_set("MEL", "U8", "resign"), "MEL!U8", "unknown decision point resign"),
        (_set("MEL", "L2", "=1+1"), "MEL!L2", "formulas are not accepted"),
        (_set("Options", "A2", "resign"), "Options!A2", "unknown decision point resign"),
        (_set("Scenario", "B9", "maybe"), "Scenario!B9", "yes or no"),
    ],
)
def test_bad_workbooks_are_refused_naming_the_cell(
    session_factory: sessionmaker[Session], change: Callable[[Workbook], None], cell: str, reason: str
) -> None:
    prepared(session_factory)
    data = edited(builtin_workbook(session_factory), change)
    with transaction(session_factory) as session, pytest.raises(ScenarioError) as refused:
        import_file(session, Actor.console(), data, "mel.xlsx")
    problems = [(p.where, p.reason) for p in refused.value.problems]
    assert any(where == cell and reason in text for where, text in problems), problems
    assert version_count(session_factory) == 1


def test_not_a_workbook_is_refused(session_factory: sessionmaker[Session]) -> None:
    prepared(session_factory)
    with transaction(session_factory) as session, pytest.raises(ScenarioError) as refused:
        import_file(session, Actor.console(), b"Order,Group\n1,initial\n", "mel.xlsx")
    assert "not an Excel workbook" in str(refused.value)
    assert version_count(session_factory) == 1


def test_an_edited_workbook_is_the_next_version(session_factory: sessionmaker[Session]) -> None:
    prepared(session_factory)
    data = edited(builtin_workbook(session_factory), _set("MEL", "H2", "Outflow alert"))
    with transaction(session_factory) as session:
        version, created = import_file(session, Actor.console(), data, "mel.xlsx")
        assert (version.version, created) == (2, True)
        assert scenario_of(version).injects[0].title == "Outflow alert"
