"""Catalog as .xlsx: readable by openpyxl, bilingual columns, no cell evaluated as a formula."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from cyberdelta.catalog.spreadsheet import catalog_workbook
from cyberdelta.platform.i18n import language
from cyberdelta.platform.tabular import safe_cell
from tests.catalog.baselines import full_catalog
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


def statements_of(catalog: dict[str, Any]) -> dict[str, str]:
    with language("en"):
        book = load_workbook(BytesIO(catalog_workbook(catalog)))
    return {str(row[0]): str(row[8]) for row in book["Controls"].iter_rows(min_row=2, values_only=True)}


def test_statements_read_as_printed_with_item_labels_and_parameters() -> None:
    """SP 800-53 style: lettered items keep their labels and an inserted parameter
    (``{{ insert: param, … }}``, OSCAL 1.1 markup-multiline) shows its value when the catalog sets
    one, else ``[Assignment: label]`` or ``[Selection: …]``, as the published documents print it."""
    catalog = full_catalog(2, 1)["catalog"]
    control = catalog["groups"][0]["controls"][0]
    control["params"] += [
        {"id": "ac-1_prm_2", "label": "organization-defined personnel"},
        {"id": "ac-1_prm_3", "select": {"how-many": "one-or-more", "choice": ["organization", "system"]}},
    ]
    control["parts"][0]["parts"][1]["prose"] = (
        "Send it to {{ insert: param, ac-1_prm_2 }} at the {{ insert: param, ac-1_prm_3 }} level."
    )
    control["parts"][0]["parts"][1]["parts"] = [
        {"id": "ac-1_smt.b.1", "name": "item", "props": [{"name": "label", "value": "1."}], "prose": "Sub."}
    ]
    statements = statements_of(catalog)
    assert statements["ac-1"] == (
        "a. Review the AC policy annually; and\n"
        "b. Send it to [Assignment: organization-defined personnel] at the "
        "[Selection (one or more): organization; system] level.\n"
        "    1. Sub."
    )
    assert statements["ac-1.1"] == "Strengthen ac-1 in way 1."
    assert "{{" not in "".join(statements.values())


def test_a_parameter_of_the_catalog_or_of_an_enclosing_control_is_found() -> None:
    catalog = full_catalog(2, 1)["catalog"]
    catalog["params"] = [{"id": "org-freq", "label": "frequency", "values": ["monthly", "weekly"]}]
    enhancement = catalog["groups"][0]["controls"][0]["controls"][0]
    enhancement["parts"][0]["prose"] = (
        "Every {{ insert: param, org-freq }}, per {{ insert: param, ac-1_prm_1 }}; {{ insert: param, gone }}."
    )
    assert statements_of(catalog)["ac-1.1"] == "Every monthly, weekly, per annually; [gone]."
