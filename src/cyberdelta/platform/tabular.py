"""Spreadsheet-safe cells and CSV files for people (OWASP "CSV Injection"; RFC 4180).

A cell whose text starts with ``= + - @``, a tab or a carriage return is read as a formula by Excel,
LibreOffice and Google Sheets, so text from users (a cycle's name, a comment) could run as one when
an inspector opens an export. Such text is written with a leading apostrophe, which spreadsheets
show as plain text. CSV files start with a UTF-8 byte-order mark, without which Japanese Excel
reads UTF-8 as Shift_JIS and garbles every Japanese name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula is kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV document with a byte-order mark, every cell formula-safe."""
    buffer = io.StringIO()
    buffer.write(UTF8_BOM)
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()
