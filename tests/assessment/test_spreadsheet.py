"""Excel round trip of an assessment: export, edit with openpyxl, import; every bad input reported."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from cyberdelta.assessment.spreadsheet import (
    META_SHEET,
    Row,
    SheetControl,
    WorkbookError,
    read_workbook,
    write_workbook,
)
from cyberdelta.platform.i18n import language

CONTROLS = [
    SheetControl("gv-1", "gv", "Governance", "サイバーセキュリティ管理態勢", "Policy", "方針", "basic"),
    SheetControl("gv-2", "gv", "Governance", "サイバーセキュリティ管理態勢", "Roles", "役割", "desirable"),
    SheetControl("cx-1", "cx", "Crypto-asset specific", "暗号資産特有", "Cold wallet", "コールド", "basic"),
]
KEY, VERSION = "cyberdelta-cssa", "1.0"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with language("en"):
        yield


def export(rows: dict[str, Row] | None = None) -> bytes:
    return write_workbook(KEY, VERSION, "テスト取引所", CONTROLS, rows or {})


def edit(data: bytes, changes: dict[tuple[str, str], Any]) -> bytes:
    book = load_workbook(BytesIO(data))
    for (sheet, cell), value in changes.items():
        book[sheet][cell] = value
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def problems_of(data: bytes, version: str = VERSION) -> list[str]:
    with pytest.raises(WorkbookError) as raised:
        read_workbook(data, KEY, version, CONTROLS)
    return [str(problem) for problem in raised.value.problems]


def test_export_has_instructions_one_sheet_per_domain_dropdowns_and_locked_structure() -> None:
    with language("ja"):
        data = export()
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == ["Instructions", "GV", "CX", META_SHEET]
    assert book[META_SHEET].sheet_state == "hidden"
    instructions = "\n".join(str(row[0].value) for row in book["Instructions"].iter_rows())
    assert "自己評価ワークブック" in instructions and "Self-assessment workbook" in instructions
    sheet = book["GV"]
    assert sheet.protection.sheet is True
    assert sheet["A3"].value == "gv-1" and sheet["A3"].protection.locked is True
    assert all(sheet[f"{column}3"].protection.locked is False for column in "DEFGH")
    validations = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert validations["D3:D4"] == '"0,1,2,3,4,5"'
    assert validations["E3:E4"] == '"N/A"'


def test_round_trip_edit_with_openpyxl_and_import_gives_the_same_answers() -> None:
    data = edit(
        export({"gv-1": Row(maturity=1, comment="old")}),
        {
            ("GV", "D3"): 4,
            ("GV", "G3"): "=HYPERLINK(evil)",
            ("GV", "H3"): "CISO",
            ("GV", "E4"): "N/A",
            ("GV", "F4"): "外部委託なし",
            ("CX", "D3"): 2,
        },
    )
    rows = read_workbook(data, KEY, VERSION, CONTROLS)
    assert rows == {
        "gv-1": Row(maturity=4, comment="=HYPERLINK(evil)", owner="CISO"),
        "gv-2": Row(not_applicable=True, na_reason="外部委託なし"),
        "cx-1": Row(maturity=2),
    }
    again = read_workbook(write_workbook(KEY, VERSION, "x", CONTROLS, rows), KEY, VERSION, CONTROLS)
    assert again == rows


def test_text_beginning_with_formula_characters_is_escaped_on_export() -> None:
    book = load_workbook(BytesIO(export({"gv-1": Row(maturity=1, comment="+1 call me", owner="@team")})))
    assert book["GV"]["G3"].value == "'+1 call me"
    assert book["GV"]["H3"].value == "'@team"
    assert book["GV"]["G3"].data_type == "s"


def test_every_problem_is_reported_with_sheet_cell_and_reason() -> None:
    data = edit(
        export(),
        {
            ("GV", "D3"): 7,
            ("GV", "E4"): "N/A",
            ("CX", "A3"): "zz-9",
            ("CX", "D3"): 1,
        },
    )
    assert problems_of(data) == [
        "GV!D3: Maturity must be a whole number from 0 to 5, not 7.",
        "GV!F4: N/A needs a reason.",
        "CX!A3: Unknown control id zz-9.",
    ]


def test_fractional_and_text_maturities_and_both_answers_are_rejected() -> None:
    data = edit(export(), {("GV", "D3"): 2.5, ("GV", "D4"): "three", ("CX", "D3"): 3, ("CX", "E3"): "N/A"})
    found = problems_of(data)
    assert found[0].startswith("GV!D3:") and found[1].startswith("GV!D4:")
    assert "CX!F3: N/A needs a reason." in found
    assert "CX!D3: Give either a maturity or N/A, not both." in found


def test_a_workbook_for_another_catalog_version_is_refused() -> None:
    assert problems_of(export(), version="2.0") == [
        f"{META_SHEET}!B2: The workbook is for catalog {KEY}@1.0, this assessment uses {KEY}@2.0."
    ]


def test_a_file_that_is_not_a_workbook_is_refused() -> None:
    with pytest.raises(WorkbookError, match="not an Excel workbook"):
        read_workbook(b"PK\x03\x04 broken", KEY, VERSION, CONTROLS)
    with pytest.raises(WorkbookError, match="not an Excel workbook"):
        read_workbook(b"hello", KEY, VERSION, CONTROLS)


def test_blank_rows_are_left_out_so_stored_answers_stay() -> None:
    assert read_workbook(export(), KEY, VERSION, CONTROLS) == {}
