"""Catalog as .xlsx: readable by openpyxl, bilingual columns, no cell evaluated as a formula."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from cyberdelta.catalog.spreadsheet import catalog_workbook
from cyberdelta.platform.i18n import language
from cyberdelta.platform.tabular import safe_cell
from tests.factories import small_catalog


def test_workbook_lists_every_control_with_both_languages() -> None:
    with language("en"):
        data = catalog_workbook(small_catalog()["catalog"])
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == ["Catalog", "Controls"]
    rows = list(book["Controls"].iter_rows(values_only=True))
    assert rows[0][:2] == ("ID", "Label")
    by_id = {row[0]: row for row in rows[1:]}
    assert set(by_id) == {"ac-1", "ac-1.1", "ac-2"}
    assert by_id["ac-1"][7] == "方針と手順"
    assert by_id["ac-1.1"][3] == "ac-1"
    assert by_id["ac-1"][2] == "ac"


def test_sheet_names_follow_the_language() -> None:
    with language("ja"):
        book = load_workbook(BytesIO(catalog_workbook(small_catalog()["catalog"])))
    assert book.sheetnames == ["カタログ", "管理策"]


def test_text_that_looks_like_a_formula_stays_text() -> None:
    document = small_catalog()["catalog"]
    document["groups"][0]["controls"][1]["title"] = '=HYPERLINK("http://evil.example","click")'
    with language("en"):
        book = load_workbook(BytesIO(catalog_workbook(document)))
    titles = [row[6] for row in book["Controls"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://evil.example","click")' in titles
    assert all(not str(cell.value).startswith("=") for row in book["Controls"].iter_rows() for cell in row)


def test_safe_cell_escapes_every_formula_prefix() -> None:
    for prefix in ("=", "+", "-", "@"):
        assert safe_cell(prefix + "1+1") == "'" + prefix + "1+1"
    assert safe_cell("plain") == "plain"
    assert safe_cell(3) == 3
