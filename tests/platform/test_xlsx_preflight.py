"""Workbook inspection before openpyxl parses it (cyberdelta.platform.xlsx_preflight), on real .xlsx files.

The workbooks are written by openpyxl; where a test needs what openpyxl does not write (a shared-string
table, a bomb member, a DTD) the openpyxl file is re-zipped with that part changed or added, and the
result is checked to be a workbook openpyxl itself reads (unless the point is that it is not).
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from cyberdelta.platform.xlsx_preflight import (
    EXCEL_MAX_CELL_CHARACTERS,
    MiB,
    WorkbookLimitError,
    XlsxLimits,
    inspect_xlsx,
)

SHEET = "xl/worksheets/sheet1.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def assessment_workbook(controls: int = 140) -> bytes:
    """Shaped like the self-assessment export: a sheet of controls and a small meta sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Assessment"
    sheet.append(["Control", "Title", "タイトル", "Status", "Evidence", "Notes", "Owner", "Due"])
    for number in range(1, controls + 1):
        sheet.append(
            [
                f"GV.{number:03d}",
                f"Control {number}: keep cold-wallet keys under dual control",
                f"管理策 {number}：コールドウォレットの鍵を二者管理する",
                "implemented",
                "https://evidence.example/" + "x" * 40,
                "備考 " * 30,
                "CISO",
                "2026-03-31",
            ]
        )
    meta = book.create_sheet("Meta")
    meta["A1"], meta["B1"] = "catalog", "fisc-crypto"
    meta["A2"], meta["B2"] = "version", "2026.1"
    return saved(book)


def rezipped(
    data: bytes, change: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None
) -> bytes:
    """The same package with each member passed through ``change`` (None drops it) plus ``extra``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            content = change(member.filename, source.read(member))
            if content is not None:
                target.writestr(member.filename, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def prose(length: int) -> str:
    """Text that compresses like real text does (about 2:1), unlike a run of one letter."""
    digests = "".join(hashlib.sha256(str(number).encode()).hexdigest() for number in range(length // 64 + 1))
    return digests[:length]


def refused(data: bytes | Path, limits: XlsxLimits | None = None) -> WorkbookLimitError:
    with pytest.raises(WorkbookLimitError) as caught:
        inspect_xlsx(data, limits)
    return caught.value


@pytest.fixture(scope="module")
def million_cells() -> bytes:
    """1,000 rows × 1,000 columns written in openpyxl's write-only mode (which writes no dimension)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Big")
    row = [0] * 1000
    for _ in range(1000):
        sheet.append(row)
    return saved(book)


# --- what passes -----------------------------------------------------------------------------------


def test_a_self_assessment_workbook_passes_and_is_summarised() -> None:
    data = assessment_workbook()
    summary = inspect_xlsx(data)
    assert [(sheet.name, sheet.rows, sheet.columns) for sheet in summary.sheets] == [
        ("Assessment", 141, 8),
        ("Meta", 2, 2),
    ]
    assert summary.sheets[0].cells == 141 * 8
    assert summary.members == len(zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert 0 < summary.uncompressed_bytes < 20 * MiB


def test_a_path_and_a_file_object_are_accepted_too(tmp_path: Path) -> None:
    data = assessment_workbook(3)
    path = tmp_path / "assessment.xlsx"
    path.write_bytes(data)
    assert inspect_xlsx(path).sheets[0].rows == 4
    with path.open("rb") as stream:
        assert inspect_xlsx(stream).sheets[1].name == "Meta"


def test_a_cell_of_exactly_excels_limit_passes() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["C3"] = prose(EXCEL_MAX_CELL_CHARACTERS)
    assert inspect_xlsx(saved(book)).sheets[0].cells == 1


# --- not a workbook --------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"Control,Status\nGV.001,implemented\n", b"PK\x03\x04 truncated"])
def test_a_file_that_is_not_a_zip_is_refused_with_a_clear_message(data: bytes) -> None:
    error = refused(data)
    assert error.code == "xlsx.not_a_zip"
    assert error.message_en == "The file is not an Excel workbook (.xlsx): it is not a zip archive."
    assert error.message_ja == "ファイルは Excel ブック (.xlsx) ではありません（zip 形式ではありません）。"
    assert str(error).startswith("xlsx.not_a_zip: ")


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    error = refused(out.getvalue())
    assert error.code == "xlsx.not_a_workbook"
    assert "_rels/.rels" in error.message_en


# --- the zip directory -----------------------------------------------------------------------------


def test_a_member_with_an_extreme_compression_ratio_is_refused_before_it_is_inflated() -> None:
    """5 MiB of zeros deflate to about 5 KiB: ratio ~1,000, while the total stays under 20 MiB."""
    bomb = rezipped(
        assessment_workbook(3), lambda _, content: content, {"xl/media/image1.png": bytes(5 * MiB)}
    )
    error = refused(bomb)
    assert error.code == "xlsx.compression_ratio"
    assert error.part == "xl/media/image1.png"
    assert error.limit == 100
    assert "'xl/media/image1.png'" in error.message_en
    assert "圧縮率" in error.message_ja
    assert "上限は 100 倍" in error.message_ja


def test_the_total_uncompressed_size_is_limited() -> None:
    data = assessment_workbook()
    error = refused(data, XlsxLimits(max_uncompressed_bytes=64 * 1024))
    assert error.code == "xlsx.too_large_uncompressed"
    assert "65,536 bytes" in error.message_en
    assert "65,536 バイト" in error.message_ja


def test_the_number_of_members_is_limited() -> None:
    extra = {f"customXml/item{number}.xml": b"<a/>" for number in range(30)}
    error = refused(
        rezipped(assessment_workbook(3), lambda _, content: content, extra), XlsxLimits(max_members=20)
    )
    assert error.code == "xlsx.too_many_members"
    assert error.limit == 20
    assert "上限は 20 個" in error.message_ja


def test_an_encrypted_member_is_refused() -> None:
    """The "encrypted" flag (general purpose bit 0) set in the sheet's central directory entry."""
    data = bytearray(assessment_workbook(3))
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        (name_length,) = struct.unpack_from("<H", data, entry + 28)
        if data[entry + 46 : entry + 46 + name_length] == SHEET.encode():
            (flags,) = struct.unpack_from("<H", data, entry + 8)
            struct.pack_into("<H", data, entry + 8, flags | 0x1)
            break
        entry = data.find(b"PK\x01\x02", entry + 4)
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET).flag_bits & 0x1
    error = refused(bytes(data))
    assert (error.code, error.part) == ("xlsx.encrypted_member", SHEET)


# --- rows, columns and cells -----------------------------------------------------------------------


def test_a_million_cell_sheet_is_refused_by_its_size_before_anything_is_inflated(
    million_cells: bytes,
) -> None:
    error = refused(million_cells)
    assert error.code == "xlsx.too_large_uncompressed"
    assert error.part == SHEET


def test_a_million_cell_sheet_is_refused_by_its_columns_in_its_first_row(million_cells: bytes) -> None:
    """With the size limit raised, streaming stops at the 51st cell of row 1, of a million."""
    error = refused(million_cells, XlsxLimits(max_uncompressed_bytes=64 * MiB))
    assert error.code == "xlsx.too_many_columns"
    assert (error.sheet, error.cell) == ("Big", "AY1")
    assert error.message_en == ("Sheet 'Big' reaches column AY (AY1); at most 50 columns are accepted.")
    assert error.message_ja == "シート「Big」が AY 列まであります（AY1）。上限は 50 列です。"


def test_a_sheet_whose_dimension_claims_too_many_rows_is_refused_before_any_cell_is_read() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Controls"
    sheet["A1"] = "first"
    sheet["A10001"] = "far below"
    error = refused(saved(book))
    assert error.code == "xlsx.too_many_rows"
    assert (error.sheet, error.cell) == ("Controls", "dimension A1:A10001")
    assert "上限は 10,000 行です" in error.message_ja


def test_rows_are_counted_as_they_stream_when_the_dimension_understates() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for number in range(1, 12):
        sheet.cell(row=number, column=1, value=number)
    lying = rezipped(
        saved(book),
        lambda name, content: (
            # openpyxl writes `<dimension ref="A1:A11" />`, or without the space when lxml is installed
            re.sub(rb'<dimension ref="A1:A11" ?/>', b'<dimension ref="A1"/>', content)
            if name == SHEET
            else content
        ),
    )
    assert load_workbook(io.BytesIO(lying)).active.max_row == 11  # type: ignore[union-attr]
    error = refused(lying, XlsxLimits(max_rows=10))
    assert (error.code, error.cell) == ("xlsx.too_many_rows", "row 11")


def test_the_number_of_cells_is_limited_even_when_they_repeat_one_reference() -> None:
    cells = "".join('<c r="A1" t="n"><v>1</v></c>' for _ in range(21))
    sheet = f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">{cells}</row></sheetData></worksheet>'
    data = rezipped(
        assessment_workbook(1), lambda name, content: sheet.encode() if name == SHEET else content
    )
    error = refused(data, XlsxLimits(max_rows=4, max_columns=5))
    assert (error.code, error.cell, error.limit) == ("xlsx.too_many_cells", "A1", 20)


# --- cell text -------------------------------------------------------------------------------------


def test_a_long_inline_cell_is_refused_naming_sheet_and_cell() -> None:
    """openpyxl (like Excel) cuts a cell at 32,767 characters when it writes; a made file need not."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "回答"
    sheet["D7"] = "placeholder"
    long_text = prose(EXCEL_MAX_CELL_CHARACTERS + 1).encode()
    data = rezipped(saved(book), lambda name, content: content.replace(b"placeholder", long_text))
    assert len(load_workbook(io.BytesIO(data)).active["D7"].value) == 32_768  # type: ignore[index]
    error = refused(data)
    assert error.code == "xlsx.cell_too_long"
    assert (error.sheet, error.cell, error.limit) == ("回答", "D7", 32_767)
    assert (
        error.message_en == "The text in sheet '回答', cell D7 is longer than the 32,767 characters accepted."
    )
    assert error.message_ja == "シート「回答」のセル D7 の文字数が上限 32,767 文字を超えています。"


def shared_string_workbook(texts: list[str], used: list[int]) -> bytes:
    """A workbook whose cells refer to a shared-string table (as Excel writes it; openpyxl does not)."""
    items = "".join(
        f"<si><t>{text}</t><rPh sb='0' eb='1'><t>{prose(40_000)}</t></rPh></si>" for text in texts
    )
    table = f'<sst xmlns="{MAIN_NS}" count="{len(texts)}" uniqueCount="{len(texts)}">{items}</sst>'
    cells = "".join(
        f'<row r="{row}"><c r="B{row}" t="s"><v>{index}</v></c></row>' for row, index in enumerate(used, 1)
    )
    sheet = f'<worksheet xmlns="{MAIN_NS}"><sheetData>{cells}</sheetData></worksheet>'
    relationship = (
        '<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/sharedStrings"/></Relationships>'
    )
    override = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )

    def change(name: str, content: bytes) -> bytes:
        if name == SHEET:
            return sheet.encode()
        if name == "xl/_rels/workbook.xml.rels":
            return content.replace(b"</Relationships>", relationship.encode())
        if name == "[Content_Types].xml":
            return content.replace(b"</Types>", override.encode())
        return content

    data = rezipped(assessment_workbook(1), change, {"xl/sharedStrings.xml": table.encode()})
    assert load_workbook(io.BytesIO(data)).active["B1"].value == texts[used[0]]  # type: ignore[index]
    return data


def test_shared_strings_within_the_limit_pass_and_phonetic_runs_do_not_count() -> None:
    data = shared_string_workbook(["short", prose(EXCEL_MAX_CELL_CHARACTERS)], [0, 1])
    assert inspect_xlsx(data).sheets[0].cells == 2


def test_a_long_shared_string_is_refused_at_the_cell_that_uses_it() -> None:
    data = shared_string_workbook(["short", prose(EXCEL_MAX_CELL_CHARACTERS + 5)], [0, 0, 1])
    error = refused(data)
    assert (error.code, error.sheet, error.cell) == ("xlsx.cell_too_long", "Assessment", "B3")
    assert "32,772 characters" in error.message_en
    assert "32,772 文字" in error.message_ja


def test_a_long_shared_string_no_cell_uses_is_refused_too() -> None:
    data = shared_string_workbook(["short", prose(EXCEL_MAX_CELL_CHARACTERS + 1)], [0])
    error = refused(data)
    assert error.code == "xlsx.cell_too_long"
    assert error.part == "xl/sharedStrings.xml"
    assert "shared string 1 of xl/sharedStrings.xml" in error.message_en


# --- the XML itself --------------------------------------------------------------------------------


def test_a_document_type_declaration_is_refused_so_no_entity_can_expand() -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&c;</t></is></c>'
        "</row></sheetData></worksheet>"
    )
    data = rezipped(
        assessment_workbook(1), lambda name, content: laughs.encode() if name == SHEET else content
    )
    error = refused(data)
    assert (error.code, error.part) == ("xlsx.dtd_forbidden", SHEET)
    assert "DTD" in error.message_ja


@pytest.mark.parametrize("reference", ["AAAA1", "A99999999999999", "1A"])
def test_an_invalid_cell_reference_is_refused(reference: str) -> None:
    row = f'<row r="1"><c r="{reference}"/></row>'
    sheet = f'<worksheet xmlns="{MAIN_NS}"><sheetData>{row}</sheetData></worksheet>'
    data = rezipped(
        assessment_workbook(1), lambda name, content: sheet.encode() if name == SHEET else content
    )
    assert refused(data).code == "xlsx.malformed_part"


def test_a_sheet_that_is_not_well_formed_xml_is_refused() -> None:
    data = rezipped(assessment_workbook(1), lambda name, content: content[:-20] if name == SHEET else content)
    error = refused(data)
    assert (error.code, error.part) == ("xlsx.malformed_part", SHEET)
