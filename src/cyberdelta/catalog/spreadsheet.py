"""Catalog as an Excel workbook (.xlsx, openpyxl) for people who review controls in spreadsheets.

Statements and guidance read as printed: item labels kept, parameters filled in
(:mod:`cyberdelta.catalog.prose`). Cells that begin with ``=``, ``+``, ``-`` or ``@`` are written
as text with a leading apostrophe so that no spreadsheet program evaluates them (CSV/formula
injection, OWASP).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cyberdelta.catalog.prose import parameter_scope, part_text
from cyberdelta.catalog.tree import NS, ControlRow, first_prop, flatten, prop_values
from cyberdelta.platform.i18n import gettext
from cyberdelta.platform.tabular import safe_cell


def catalog_workbook(catalog: dict[str, Any]) -> bytes:
    rows = flatten(catalog)
    groups = {row.key: row for row in rows.groups}
    controls = {row.key: row for row in rows.controls}

    def group_path(key: int | None) -> str:
        names: list[str] = []
        while key is not None and key in groups:
            names.append(groups[key].label or groups[key].oscal_id or groups[key].title)
            key = groups[key].parent_key
        return " / ".join(reversed(names))

    def scope(row: ControlRow) -> dict[str, dict[str, Any]]:
        """The parameters the control's prose can insert: the catalog's, its groups', its own."""
        levels: list[list[dict[str, Any]] | None] = []
        control: ControlRow | None = row
        while control is not None:
            levels.append(control.body.get("params"))
            control = controls.get(control.parent_key or 0)
        key = row.group_key
        while key is not None and key in groups:
            levels.append(groups[key].body.get("params"))
            key = groups[key].parent_key
        levels.append(catalog.get("params"))
        return parameter_scope(*reversed(levels))

    def text(row: ControlRow, name: str, ns: str | None = None) -> str:
        return part_text(row.body.get("parts") or [], name, scope(row), ns)

    book = Workbook()
    book.remove(book.worksheets[0])
    info = book.create_sheet(gettext("Catalog"))
    metadata = catalog["metadata"]
    for label, value in (
        (gettext("Title"), metadata["title"]),
        (gettext("Japanese title"), first_prop(metadata, "title-ja") or ""),
        (gettext("Version"), metadata["version"]),
        ("OSCAL", metadata["oscal-version"]),
        ("UUID", catalog["uuid"]),
        (gettext("Controls"), len(rows.controls)),
    ):
        info.append([safe_cell(label), safe_cell(value)])
    info.column_dimensions["A"].width = 20
    info.column_dimensions["B"].width = 80

    sheet = book.create_sheet(gettext("Controls"))
    headers = [
        "ID",
        gettext("Label"),
        gettext("Group"),
        gettext("Parent control"),
        gettext("Level"),
        gettext("Weight"),
        gettext("Title (English)"),
        gettext("Title (Japanese)"),
        gettext("Statement (English)"),
        gettext("Statement (Japanese)"),
        gettext("Guidance (English)"),
        gettext("Guidance (Japanese)"),
        "NIST CSF 2.0",
        gettext("Tags"),
    ]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows.controls:
        parent = controls[row.parent_key].oscal_id if row.parent_key else ""
        sheet.append(
            [
                safe_cell(value)
                for value in (
                    row.oscal_id,
                    row.label or "",
                    group_path(row.group_key),
                    parent,
                    row.level or "",
                    row.weight,
                    row.title,
                    row.title_ja or "",
                    text(row, "statement"),
                    text(row, "statement-ja", NS),
                    text(row, "guidance"),
                    text(row, "guidance-ja", NS),
                    ", ".join(prop_values(row.body, "csf-2.0")),
                    ", ".join(prop_values(row.body, "tag")),
                )
            ]
        )
    widths = [12, 10, 18, 12, 10, 8, 40, 40, 60, 60, 60, 60, 24, 24]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
