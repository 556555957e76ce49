"""Assessment as an Excel workbook and back (docs/assessment.md; OOXML via openpyxl).

Export: an instructions sheet (ja and en), one sheet per domain with one row per control, a hidden
``_meta`` sheet holding the catalog key and version. Maturity cells have a drop-down list (0–5),
the N/A cells a drop-down (``N/A`` or empty); sheets are protected so that only the answer columns
(maturity, N/A, N/A reason, comment, owner) can be edited. Text that a spreadsheet would read as a
formula (``= + - @``) is written with a leading apostrophe (OWASP CSV injection) and unescaped on
import.

Import is all or nothing: :func:`read_workbook` either returns every row or raises
:class:`WorkbookError` listing *every* problem as sheet, cell and reason.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from cyberdelta.assessment.maturity import descriptor
from cyberdelta.assessment.scoring import MATURITY_MAX, MATURITY_MIN
from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.i18n import language, pick
from cyberdelta.platform.tabular import FORMULA_PREFIXES, safe_cell
from cyberdelta.platform.xlsx_preflight import WorkbookLimitError, inspect_xlsx

META_SHEET = "_meta"
INSTRUCTIONS_SHEET = "Instructions"
NA_MARK = "N/A"
HEADERS = ("ID", "Control / 管理策", "Level / 水準", "Maturity / 成熟度", "N/A", "N/A reason / 理由",
           "Comment / コメント", "Owner / 担当者")  # fmt: skip
ANSWER_COLUMNS = "DEFGH"
MAX_TEXT = 4000


@dataclass(frozen=True)
class SheetControl:
    control_id: str
    domain: str
    domain_title: str
    domain_title_ja: str
    title: str
    title_ja: str
    level: str


@dataclass(frozen=True)
class Row:
    """One answer as it travels through the workbook."""

    maturity: int | None = None
    not_applicable: bool = False
    na_reason: str = ""
    comment: str = ""
    owner: str = ""

    @property
    def blank(self) -> bool:
        return self == Row()


@dataclass(frozen=True)
class CellProblem:
    sheet: str
    cell: str
    reason: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}: {self.reason}"


class WorkbookError(DomainError):
    """The workbook cannot be imported; ``problems`` lists every reason (nothing was applied)."""

    status = 422

    def __init__(self, problems: Sequence[CellProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))


def sheet_name(domain: str) -> str:
    return domain.upper()[:31]


def _instructions(book: Workbook, catalog_key: str, catalog_version: str, organisation: str) -> None:
    book.remove(book.worksheets[0])
    sheet = book.create_sheet(INSTRUCTIONS_SHEET)
    lines: list[str] = []
    for code in ("ja", "en"):
        with language(code):
            lines += [
                _("Self-assessment workbook"),
                _("Organisation: %(name)s", name=organisation),
                _("Catalog: %(key)s version %(version)s", key=catalog_key, version=catalog_version),
                _("Fill in one sheet per domain. Only the answer columns can be edited."),
                _("Maturity: choose 0–5 from the list. N/A: choose N/A and give a reason."),
                _("Leave a row empty to keep the answer stored on the platform."),
                _("Import the workbook on the assessment page; every problem is reported with its cell."),
            ]
            lines += [f"{level}: {descriptor(level)}" for level in range(MATURITY_MIN, MATURITY_MAX + 1)]
            lines.append("")
    for line in lines:
        sheet.append([safe_cell(line)])
    sheet.column_dimensions["A"].width = 110
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.protection.sheet = True


def write_workbook(
    catalog_key: str,
    catalog_version: str,
    organisation: str,
    controls: Sequence[SheetControl],
    rows: dict[str, Row],
) -> bytes:
    """The .xlsx bytes for ``controls`` with the current answers ``rows`` (by control id)."""
    book = Workbook()
    _instructions(book, catalog_key, catalog_version, organisation)
    unlocked = Protection(locked=False)
    answer_fill = PatternFill("solid", fgColor="FFF7E0")
    by_domain: dict[str, list[SheetControl]] = {}
    for control in controls:
        by_domain.setdefault(control.domain, []).append(control)
    for domain, members in by_domain.items():
        sheet = book.create_sheet(sheet_name(domain))
        sheet.append([safe_cell(f"{members[0].domain_title_ja} / {members[0].domain_title}")])
        sheet.append(list(HEADERS))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        maturity_list = DataValidation(
            type="list",
            formula1='"' + ",".join(str(level) for level in range(MATURITY_MIN, MATURITY_MAX + 1)) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Maturity / 成熟度",
            error="0–5",
        )
        na_list = DataValidation(
            type="list", formula1=f'"{NA_MARK}"', allow_blank=True, showErrorMessage=True
        )
        sheet.add_data_validation(maturity_list)
        sheet.add_data_validation(na_list)
        for control in members:
            row = rows.get(control.control_id, Row())
            sheet.append(
                [
                    safe_cell(control.control_id),
                    safe_cell(f"{control.title_ja}\n{control.title}"),
                    safe_cell(control.level),
                    row.maturity,
                    NA_MARK if row.not_applicable else None,
                    safe_cell(row.na_reason) or None,
                    safe_cell(row.comment) or None,
                    safe_cell(row.owner) or None,
                ]
            )
            number = sheet.max_row
            sheet[f"B{number}"].alignment = Alignment(wrap_text=True, vertical="top")
            for column in ANSWER_COLUMNS:
                sheet[f"{column}{number}"].protection = unlocked
                sheet[f"{column}{number}"].fill = answer_fill
        last = sheet.max_row
        maturity_list.add(f"D3:D{last}")
        na_list.add(f"E3:E{last}")
        for column, width in zip("ABCDEFGH", (14, 60, 10, 12, 8, 30, 40, 20), strict=True):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "C3"
        # Structure locked: no inserted/deleted rows or columns, only the unlocked answer cells change.
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False
    meta = book.create_sheet(META_SHEET)
    meta.append(["catalog_key", catalog_key])
    meta.append(["catalog_version", catalog_version])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def read_workbook(
    data: bytes, catalog_key: str, catalog_version: str, controls: Sequence[SheetControl]
) -> dict[str, Row]:
    """Every non-blank answer row by control id; raises :class:`WorkbookError` with every problem.

    The package is inspected before openpyxl expands it (:mod:`cyberdelta.platform.xlsx_preflight`),
    so a workbook that would expand beyond the limits is refused naming the limit and the cell."""
    try:
        inspect_xlsx(data)
    except WorkbookLimitError as error:
        if error.code in ("xlsx.not_a_zip", "xlsx.not_a_workbook"):
            raise WorkbookError(
                [CellProblem("-", "-", _("The file is not an Excel workbook (.xlsx)."))]
            ) from None
        message = pick(error.message_en, error.message_ja)
        raise WorkbookError([CellProblem(error.sheet or "-", error.cell or "-", message)]) from None
    try:
        book = load_workbook(BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise WorkbookError(
            [CellProblem("-", "-", _("The file is not an Excel workbook (.xlsx)."))]
        ) from None
    problems: list[CellProblem] = []
    if META_SHEET not in book.sheetnames:
        raise WorkbookError([CellProblem(META_SHEET, "-", _("The workbook was not exported by CyberDelta."))])
    meta = book[META_SHEET]
    found_key, found_version = _text(meta["B1"].value), _text(meta["B2"].value)
    if (found_key, found_version) != (catalog_key, catalog_version):
        raise WorkbookError(
            [
                CellProblem(
                    META_SHEET,
                    "B2",
                    _(
                        "The workbook is for catalog %(found)s, this assessment uses %(expected)s.",
                        found=f"{found_key}@{found_version}",
                        expected=f"{catalog_key}@{catalog_version}",
                    ),
                )
            ]
        )
    known = {control.control_id: control for control in controls}
    result: dict[str, Row] = {}
    seen: dict[str, str] = {}
    for name in book.sheetnames:
        if name in (META_SHEET, INSTRUCTIONS_SHEET):
            continue
        sheet = book[name]
        for number, values in enumerate(sheet.iter_rows(min_row=3, max_col=8, values_only=True), start=3):
            control_id = _text(values[0])
            answer_values = [_text(value) for value in values[3:8]]
            if not control_id:
                if any(answer_values):
                    problems.append(CellProblem(name, f"A{number}", _("The control id is missing.")))
                continue
            if control_id not in known or sheet_name(known[control_id].domain) != name:
                problems.append(
                    CellProblem(name, f"A{number}", _("Unknown control id %(id)s.", id=control_id))
                )
                continue
            if control_id in seen:
                problems.append(
                    CellProblem(name, f"A{number}", _("Control %(id)s appears twice.", id=control_id))
                )
                continue
            seen[control_id] = f"{name}!A{number}"
            row = _row(name, number, values, problems)
            if row is not None and not row.blank:
                result[control_id] = row
    if problems:
        raise WorkbookError(problems)
    return result


def _row(sheet: str, number: int, values: Sequence[Any], problems: list[CellProblem]) -> Row | None:
    maturity_value, na_value = values[3], _text(values[4])
    na_reason, comment, owner = (_text(value) for value in values[5:8])
    before = len(problems)
    maturity: int | None = None
    if maturity_value is not None and _text(maturity_value) != "":
        try:
            number_value = float(_text(maturity_value))
            if not number_value.is_integer():
                raise ValueError
            maturity = int(number_value)
        except ValueError:
            maturity = -1
        if not MATURITY_MIN <= maturity <= MATURITY_MAX:
            problems.append(
                CellProblem(
                    sheet,
                    f"D{number}",
                    _("Maturity must be a whole number from 0 to 5, not %(value)s.", value=maturity_value),
                )
            )
    not_applicable = False
    if na_value:
        if na_value.upper() != NA_MARK:
            problems.append(CellProblem(sheet, f"E{number}", _("N/A must be empty or N/A.")))
        not_applicable = True
        if not na_reason:
            problems.append(CellProblem(sheet, f"F{number}", _("N/A needs a reason.")))
        if maturity is not None:
            problems.append(CellProblem(sheet, f"D{number}", _("Give either a maturity or N/A, not both.")))
    for column, text in zip("FGH", (na_reason, comment, owner), strict=True):
        if len(text) > MAX_TEXT:
            problems.append(
                CellProblem(
                    sheet, f"{column}{number}", _("Text longer than %(max)s characters.", max=MAX_TEXT)
                )
            )
    if len(problems) > before:
        return None
    return Row(
        maturity=None if not_applicable else maturity,
        not_applicable=not_applicable,
        na_reason=na_reason if not_applicable else "",
        comment=comment,
        owner=owner,
    )
