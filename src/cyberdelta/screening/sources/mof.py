"""Japan's Ministry of Finance list of persons subject to asset freezes (財務省「経済制裁措置及び
対象者リスト」), published as one Excel workbook: a sheet per measure, its first row naming the
measure, a header row starting 告示日付 (notice date) with columns such as 告示番号 (notice number),
日本語表記 and 英語表記 (the name in Japanese and English) and その他の情報 or 詳細 (other
information), where the ministry writes the entry's digital currency addresses.

Addresses are taken from those text columns where labelled or carrying a checksum, like the UN
list (docs/screening.md, "Japan's Ministry of Finance"); entries without an address are not
imported, since this list screens addresses.
"""

from __future__ import annotations

import io
import re
import unicodedata

from openpyxl import load_workbook

from cyberdelta.screening.addresses import Invalid
from cyberdelta.screening.sources.common import (
    Listed,
    ParsedList,
    Problem,
    addresses_in_text,
    invalid_problem,
)

SPACE = re.compile(r"\s+")
REF_COLUMNS = ("告示番号",)
NAME_COLUMNS = ("英語表記", "日本語表記")
TEXT_COLUMNS = ("その他の情報", "詳細", "備考")


def _header(value: object) -> str:
    return SPACE.sub("", unicodedata.normalize("NFKC", str(value or "")))


def read_mof(data: bytes) -> ParsedList:
    parsed = ParsedList()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises zipfile, KeyError and XML errors for a file that is not a workbook
        parsed.problems.append(Problem("file", "not an Excel workbook (.xlsx)"))
        return parsed
    headers_found = 0
    for sheet in workbook.worksheets:
        measure: str | None = None
        columns: dict[str, int] | None = None
        for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
            cells = ["" if value is None else str(value) for value in row]
            if measure is None:
                measure = " / ".join(SPACE.sub(" ", c).strip() for c in cells if c.strip()) or None
                continue
            if columns is None:
                if cells and "告示日付" in _header(cells[0]):
                    columns = {_header(cell): index for index, cell in enumerate(cells)}
                    headers_found += 1
                continue
            where = f"{sheet.title}!row {number}"
            text = "\n".join(
                cells[columns[c]] for c in TEXT_COLUMNS if c in columns and columns[c] < len(cells)
            )
            if not text.strip():
                continue
            ref = next(
                (cells[columns[c]] for c in REF_COLUMNS if c in columns and columns[c] < len(cells)), None
            )
            names = [cells[columns[c]] for c in NAME_COLUMNS if c in columns and columns[c] < len(cells)]
            name = " / ".join(n.strip() for n in names if n.strip()) or None
            for original, found in addresses_in_text(text, where):
                if isinstance(found, Invalid):
                    parsed.problems.append(invalid_problem(where, original, found))
                    continue
                parsed.listed.append(Listed(found, original, ref or None, name, measure))
    workbook.close()
    if not headers_found:
        parsed.problems.append(Problem("file", "no sheet has a header row starting 告示日付 (notice date)"))
    return parsed
