"""What an uploaded workbook may contain and how a refusal is reported (see the package text)."""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO

MiB = 1024 * 1024
EXCEL_MAX_CELL_CHARACTERS = 32_767
READ_SIZE = 64 * 1024

_RELATIONSHIP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_RELATIONSHIP_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"
# Column letters and row digits of a reference; 12 digits is far past any limit but keeps int() cheap.
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,12})")
_ROW_REF = re.compile(r"[0-9]{1,12}")
_ALLOWED_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)

Source = bytes | bytearray | str | os.PathLike[str] | IO[bytes]


@dataclass(frozen=True)
class XlsxLimits:
    """What a workbook may contain; see the module text for what each limit protects."""

    max_uncompressed_bytes: int = 20 * MiB
    max_compression_ratio: float = 100.0
    # Members smaller than this are not ratio-checked: tiny parts compress erratically and their
    # total is bounded by max_uncompressed_bytes anyway.
    ratio_floor_bytes: int = 256 * 1024
    max_members: int = 200
    max_rows: int = 10_000
    max_columns: int = 50
    max_cell_characters: int = EXCEL_MAX_CELL_CHARACTERS

    @property
    def max_cells(self) -> int:
        return self.max_rows * self.max_columns


@dataclass(frozen=True)
class SheetSummary:
    name: str
    part: str
    rows: int
    columns: int
    cells: int


@dataclass(frozen=True)
class WorkbookSummary:
    """What was found in a workbook that passed: for logs, not for decisions."""

    members: int
    uncompressed_bytes: int
    sheets: tuple[SheetSummary, ...] = field(default_factory=tuple)


class WorkbookLimitError(ValueError):
    """A workbook passed a limit; ``code`` is a stable message id, the messages are for people."""

    def __init__(
        self,
        code: str,
        message_en: str,
        message_ja: str,
        *,
        limit: int | float | None = None,
        sheet: str | None = None,
        cell: str | None = None,
        part: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_en = message_en
        self.message_ja = message_ja
        self.limit = limit
        self.sheet = sheet
        self.cell = cell
        self.part = part
