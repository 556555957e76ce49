"""A scenario's master event list (MEL) as the .xlsx exercise planners use, and back (docs/exercise.md,
"Master event list in Excel"; OOXML via openpyxl).

Sheets: ``Scenario`` (field, value), ``Phases``, ``MEL`` with the planners' columns (Order, Group,
Move, Assigned To, Status, Exercise Time, Simulated Time, Title, Description, To, From, Details,
Expected Actions — the HSEEP master scenario event list) followed by ours (the Japanese texts,
channel, catalog controls, ATT&CK techniques, hub objects, decision point), ``Decisions`` and
``Options``. Columns are found by their header, so a planner's extra columns are ignored.

Import is all or nothing: the upload is inspected before openpyxl expands it
(:mod:`cyberdelta.platform.xlsx_preflight`), a formula anywhere is refused, the sheets are read into
a scenario document and checked by :func:`~cyberdelta.exercise.document.parse_scenario`; every
problem comes back as ``sheet!cell: reason``. Export writes every text formula-safe
(:func:`cyberdelta.platform.tabular.safe_cell`), and import undoes that apostrophe.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from datetime import datetime
from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cyberdelta.exercise.document import Scenario, parse_scenario
from cyberdelta.exercise.errors import Problem, ScenarioError
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.i18n import pick
from cyberdelta.platform.tabular import FORMULA_PREFIXES, safe_cell
from cyberdelta.platform.xlsx_preflight import WorkbookLimitError, XlsxLimits, inspect_xlsx

SCENARIO, PHASES, MEL, DECISIONS, OPTIONS = "Scenario", "Phases", "MEL", "Decisions", "Options"
SCENARIO_FIELDS = ("key", "title", "title_ja", "summary", "summary_ja", "catalog", "start", "blind")
LIST_FIELDS = ("controls", "techniques", "hub_objects")
# Header → document field, in the column order of an export.
PHASE_COLUMNS = {"Key": "key", "Title": "title", "Title (ja)": "title_ja"}
MEL_COLUMNS = {
    "Order": "order",
    "Group": "phase",
    "Move": "move",
    "Assigned To": "assigned_to",
    "Status": "status",
    "Exercise Time": "offset",
    "Simulated Time": "simulated_time",
    "Title": "title",
    "Description": "description",
    "To": "recipient",
    "From": "sender",
    "Details": "details",
    "Expected Actions": "expected_actions",
    "Title (ja)": "title_ja",
    "Description (ja)": "description_ja",
    "Expected Actions (ja)": "expected_actions_ja",
    "Channel": "channel",
    "Controls": "controls",
    "ATT&CK": "techniques",
    "Hub objects": "hub_objects",
    "Decision": "decision",
}
DECISION_COLUMNS = {
    "Key": "key",
    "Phase": "phase",
    "Title": "title",
    "Title (ja)": "title_ja",
    "Question": "question",
    "Question (ja)": "question_ja",
    "Weighs": "weighs",
    "Weighs (ja)": "weighs_ja",
    "Controls": "controls",
}
OPTION_COLUMNS = {"Decision": "decision", "Key": "key", "Text": "text", "Text (ja)": "text_ja"}
MEL_LIMITS = XlsxLimits(max_rows=2_000, max_columns=60)


def _lines(values: Sequence[str]) -> str:
    return "\n".join(values)


def write_workbook(scenario: Scenario) -> bytes:
    """The scenario as a workbook that :func:`read_workbook` reads back to an equal scenario."""
    book = Workbook()
    book.remove(book.worksheets[0])
    info = book.create_sheet(SCENARIO)
    info.append(["Field", "Value"])
    document = scenario.document()
    for name in SCENARIO_FIELDS:
        value = document[name]
        info.append([name, "yes" if value is True else "no" if value is False else safe_cell(value)])
    _rows(book, PHASES, PHASE_COLUMNS, [vars(phase) for phase in scenario.phases])
    injects = []
    for inject in scenario.injects:
        row = dict(vars(inject))
        row["expected_actions"] = _lines([action.text for action in inject.expected_actions])
        row["expected_actions_ja"] = _lines([action.text_ja for action in inject.expected_actions])
        for name in LIST_FIELDS:
            row[name] = ", ".join(row[name])
        injects.append(row)
    _rows(book, MEL, MEL_COLUMNS, injects)
    decisions = [{**vars(point), "controls": ", ".join(point.controls)} for point in scenario.decisions]
    _rows(book, DECISIONS, DECISION_COLUMNS, decisions)
    options = [
        {"decision": point.key, **vars(option)} for point in scenario.decisions for option in point.options
    ]
    _rows(book, OPTIONS, OPTION_COLUMNS, options)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(book: Workbook, title: str, columns: dict[str, str], rows: Sequence[dict[str, Any]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [safe_cell(row.get(name) if row.get(name) is not None else "") for name in columns.values()]
        )
    for index, header in enumerate(columns, start=1):
        wide = header.startswith(
            ("Description", "Expected", "Details", "Question", "Weighs", "Title", "Text")
        )
        sheet.column_dimensions[get_column_letter(index)].width = 50 if wide else 14
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


class _Sheet:
    """One tabular sheet: its columns found by header, each row's cells by document field."""

    def __init__(self, sheet: Worksheet, columns: dict[str, str], problems: list[Problem]) -> None:
        self.title = sheet.title
        headers = {
            _text(cell.value): cell.column_letter
            for cell in sheet[1]
            if isinstance(cell, Cell) and _text(cell.value)
        }
        self.letters: dict[str, str] = {}
        for header, name in columns.items():
            if header in headers:
                self.letters[name] = headers[header]
            elif header in ("Order", "Key", "Group", "Decision", "Exercise Time"):
                problems.append(
                    Problem(f"{sheet.title}!A1", _("the column %(name)s is missing", name=header))
                )
        self.rows: list[tuple[int, dict[str, Cell]]] = []
        for number, line in enumerate(sheet.iter_rows(min_row=2), start=2):
            cells = {cell.column_letter: cell for cell in line if isinstance(cell, Cell)}
            row = {name: cells[letter] for name, letter in self.letters.items() if letter in cells}
            if any(_text(cell.value) for cell in row.values()):
                self.rows.append((number, row))

    def cell(self, name: str, number: int) -> str:
        return f"{self.title}!{self.letters.get(name, 'A')}{number}"


def _value(cell: Cell | None, name: str) -> Any:
    if cell is None:
        return ""
    if name in ("order", "move"):
        value = cell.value
        if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
            return int(value)
        text = _text(value)
        return int(text) if text.isdigit() else text or None
    if name == "simulated_time" and isinstance(cell.value, datetime):
        return cell.value.isoformat()
    return _text(cell.value)


def _formulas(book: Workbook) -> list[Problem]:
    return [
        Problem(f"{sheet.title}!{cell.coordinate}", _("formulas are not accepted; enter the value"))
        for sheet in book.worksheets
        for line in sheet.iter_rows()
        for cell in line
        if isinstance(cell, Cell) and cell.data_type == "f"
    ]


def read_workbook(data: bytes, check: Callable[[dict[str, Any]], Scenario] | None = None) -> Scenario:
    """The checked scenario in the workbook, or :class:`ScenarioError` naming ``sheet!cell`` of every
    problem. ``check`` checks the document read (default: no catalog lookup of the controls)."""
    try:
        inspect_xlsx(data, MEL_LIMITS)
    except WorkbookLimitError as error:
        where = f"{error.sheet}!{error.cell}" if error.sheet and error.cell else error.sheet or "-"
        raise ScenarioError([Problem(where, pick(error.message_en, error.message_ja))]) from None
    try:
        book = load_workbook(BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ScenarioError([Problem("-", _("The file is not an Excel workbook (.xlsx)."))]) from None
    problems = _formulas(book)
    missing = [name for name in (SCENARIO, PHASES, MEL, DECISIONS, OPTIONS) if name not in book.sheetnames]
    if missing:
        problems += [Problem(f"{name}!A1", _("the sheet %(name)s is missing", name=name)) for name in missing]
    if problems:
        raise ScenarioError(problems)
    document, cells = _document(book, problems)
    try:
        scenario = (
            check(document) if check is not None else parse_scenario(document, None, check_controls=False)
        )
    except ScenarioError as error:
        problems += [Problem(_cell_of(problem.where, cells), problem.reason) for problem in error.problems]
    if problems:
        raise ScenarioError(problems)
    return scenario


def _cell_of(path: str, cells: dict[str, str]) -> str:
    """The cell a JSON path came from: the path itself, or its nearest parent that was read from one."""
    while path:
        if path in cells:
            return cells[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return cells.get("$", f"{SCENARIO}!A1")


def _document(book: Workbook, problems: list[Problem]) -> tuple[dict[str, Any], dict[str, str]]:
    cells: dict[str, str] = {"$": f"{SCENARIO}!A1"}
    document: dict[str, Any] = {}
    info = book[SCENARIO]
    for number, line in enumerate(info.iter_rows(min_row=2, max_col=2), start=2):
        name, value = _text(line[0].value), line[1].value if len(line) > 1 else None
        if name not in SCENARIO_FIELDS:
            continue
        cells[f"$.{name}"] = f"{SCENARIO}!B{number}"
        if name == "blind":
            flag = _text(value).lower()
            if flag not in ("yes", "no", "true", "false", ""):
                problems.append(Problem(f"{SCENARIO}!B{number}", _("write yes or no")))
            document[name] = flag in ("yes", "true")
        else:
            document[name] = _text(value)
    for name in SCENARIO_FIELDS:
        cells.setdefault(f"$.{name}", f"{SCENARIO}!A1")

    def table(title: str, columns: dict[str, str], path: str) -> list[dict[str, Any]]:
        sheet = _Sheet(book[title], columns, problems)
        cells[path] = f"{title}!A1"
        rows = []
        for index, (number, row) in enumerate(sheet.rows):
            where = f"{path}[{index}]"
            cells[where] = f"{title}!A{number}"
            item: dict[str, Any] = {}
            for name in sheet.letters:
                cells[f"{where}.{name}"] = sheet.cell(name, number)
                value = _value(row.get(name), name)
                if name in LIST_FIELDS:
                    value = [
                        part.strip() for part in str(value).replace("\n", ",").split(",") if part.strip()
                    ]
                item[name] = value
            item["_row"] = number
            rows.append(item)
        return rows

    document["phases"] = [_drop_row(row) for row in table(PHASES, PHASE_COLUMNS, "$.phases")]
    decisions = table(DECISIONS, DECISION_COLUMNS, "$.decisions")
    options = _Sheet(book[OPTIONS], OPTION_COLUMNS, problems)
    by_decision: dict[str, list[tuple[int, dict[str, Cell]]]] = {}
    for number, row in options.rows:
        by_decision.setdefault(_value(row.get("decision"), "decision"), []).append((number, row))
    known = {row.get("key") for row in decisions}
    for key, rows in by_decision.items():
        if key not in known:
            for number, _row in rows:
                problems.append(
                    Problem(options.cell("decision", number), _("unknown decision point %(key)s", key=key))
                )
    for index, decision in enumerate(decisions):
        decision["options"] = []
        for position, (number, row) in enumerate(by_decision.get(decision.get("key", ""), [])):
            where = f"$.decisions[{index}].options[{position}]"
            cells[where] = f"{OPTIONS}!A{number}"
            for name in ("key", "text", "text_ja"):
                cells[f"{where}.{name}"] = options.cell(name, number)
            decision["options"].append(
                {name: _value(row.get(name), name) for name in ("key", "text", "text_ja")}
            )
        cells[f"$.decisions[{index}].options"] = f"{DECISIONS}!A{decision['_row']}"
    document["decisions"] = [_drop_row(row) for row in decisions]
    injects = table(MEL, MEL_COLUMNS, "$.injects")
    for index, inject in enumerate(injects):
        english = [
            line.strip() for line in str(inject.pop("expected_actions", "")).splitlines() if line.strip()
        ]
        japanese = [
            line.strip() for line in str(inject.pop("expected_actions_ja", "")).splitlines() if line.strip()
        ]
        where = f"$.injects[{index}]"
        if len(english) != len(japanese):
            problems.append(
                Problem(
                    cells.get(f"{where}.expected_actions_ja", f"{MEL}!A{inject['_row']}"),
                    _("give one Japanese line for each expected action (%(n)s)", n=len(english)),
                )
            )
        inject["expected_actions"] = [
            {"text": text, "text_ja": text_ja} for text, text_ja in zip(english, japanese, strict=False)
        ]
        for number in range(len(english)):
            cells[f"{where}.expected_actions[{number}]"] = cells.get(f"{where}.expected_actions", f"{MEL}!A1")
        if not inject.get("decision"):
            inject.pop("decision", None)
        if not inject.get("simulated_time"):
            inject.pop("simulated_time", None)
    document["injects"] = [_drop_row(row) for row in injects]
    return document, cells


def _drop_row(row: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in row.items() if name != "_row"}
