"""The aggregate table as an .xlsx workbook (docs/benchmark.md), the same rows as the CSV export.

Text cells that a spreadsheet would read as a formula are prefixed with an apostrophe (OWASP
"CSV injection"), although every cell here is a group key, a control id or a number.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy.orm import Session

from cyberdelta.assessment.models import Cycle
from cyberdelta.benchmark.service import EXPORT_COLUMNS, export_rows

FORMULA_STARTS = ("=", "+", "-", "@")


def _safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def workbook_bytes(session: Session, cycle: Cycle) -> bytes:
    book = Workbook()
    sheet = book.active
    if sheet is None:  # a new workbook always has one sheet; this keeps mypy and readers sure
        raise RuntimeError("openpyxl made a workbook without a sheet")
    sheet.title = "benchmark"
    sheet.append(list(EXPORT_COLUMNS))
    for row in export_rows(session, cycle):
        sheet.append([_safe(value) for value in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
