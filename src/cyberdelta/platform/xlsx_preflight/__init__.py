"""Inspect an uploaded .xlsx *before* openpyxl parses it: refuse zip bombs and oversized sheets early.

An .xlsx is an Office Open XML package (ECMA-376 Part 2, Open Packaging Conventions): a zip archive
whose parts are XML. ``openpyxl.load_workbook`` inflates every part and builds a Python object per
cell, so a few kilobytes of upload can cost gigabytes of memory (a zip bomb, or a sheet that claims a
million cells). OWASP ASVS 5.0 V5.2.3 (L2) asks that compressed files (docx, odt, … and so xlsx) be
checked against a maximum uncompressed size and a maximum number of files *before* uncompressing;
V5.2.1 that only files the application can process without loss of performance be accepted.

:func:`inspect_xlsx` does that in three cheap stages and raises :class:`WorkbookLimitError` at the first
limit passed:

1. **The zip directory only** (nothing is inflated): the file must be a zip; at most
   ``max_members`` members; the declared uncompressed sizes sum to at most
   ``max_uncompressed_bytes``; no member larger than ``ratio_floor_bytes`` inflates more than
   ``max_compression_ratio`` times; no encrypted member and no compression other than stored or
   deflate (the only methods Office writes). The declared sizes can be trusted as upper bounds for
   whatever reads the archive through Python's :mod:`zipfile` (openpyxl does): it stops inflating a
   member at its declared size and fails on a CRC mismatch.
2. **The package structure**: the package relationships (``_rels/.rels``, ECMA-376 Part 2) name the
   workbook part, whose relationships name the worksheets and the shared-string table; the
   workbook's ``<sheet>`` elements (ECMA-376 Part 1 §18.2.19) give each worksheet's name.
3. **Streaming the XML** of the shared strings and every worksheet with expat, in 64 KiB pieces, no
   tree kept: a ``<dimension ref>`` (§18.3.1.35) that already claims more than ``max_rows`` rows or
   ``max_columns`` columns is refused at once, before any cell is read; then each ``<row r>``
   (§18.3.1.73) and ``<c r>`` (§18.3.1.4) is checked as it streams past (the dimension is only a
   hint and may lie), as is the number of cells per sheet (``max_rows × max_columns``) and the text
   of every cell: its value, formula and inline or shared string (§18.4.8), phonetic runs aside
   (Excel's own limit is 32,767 characters; counted here in code points). A document type
   declaration is refused: ECMA-376 Part 2 [M1.18] makes DTDs an error in package XML (no
   workbook part has one), and without one no entity expansion is possible.

The defaults suit a self-assessment workbook of about 140 controls with a few sheets, with a wide
margin. Every refusal carries a message id (``code``), the limit, where it was met (sheet name and
cell reference when there is one) and a message in English and in Japanese for the person who
uploaded the file.

Wiring (for the integrator): call it on the uploaded bytes before ``load_workbook``, in a worker
thread like the parse itself (it is CPU-bound and synchronous)::

    from cyberdelta.platform.xlsx_preflight import WorkbookLimitError, inspect_xlsx

    try:
        inspect_xlsx(data)                # or inspect_xlsx(data, XlsxLimits(max_rows=...))
    except WorkbookLimitError as refused:
        problem = refused.message_ja if language == "ja" else refused.message_en
        ...                               # show it as a form error; log refused.code
    book = load_workbook(BytesIO(data))

The module imports only the standard library.
"""

from __future__ import annotations

import io
import os
import zipfile
from typing import IO

from cyberdelta.platform.xlsx_preflight.limits import (
    EXCEL_MAX_CELL_CHARACTERS,
    MiB,
    SheetSummary,
    Source,
    WorkbookLimitError,
    WorkbookSummary,
    XlsxLimits,
)
from cyberdelta.platform.xlsx_preflight.package import check_directory, sheet_parts, workbook_part_of
from cyberdelta.platform.xlsx_preflight.sheets import cell_too_long, inspect_sheet, shared_strings_too_long

__all__ = [
    "EXCEL_MAX_CELL_CHARACTERS",
    "MiB",
    "SheetSummary",
    "WorkbookLimitError",
    "WorkbookSummary",
    "XlsxLimits",
    "inspect_xlsx",
]


def inspect_xlsx(source: Source, limits: XlsxLimits | None = None) -> WorkbookSummary:
    """Refuse the workbook (:class:`WorkbookLimitError`) at the first limit it passes, else summarise it.

    ``source`` is the file's bytes, a path, or a binary file object positioned at the start.
    """
    limits = limits or XlsxLimits()
    stream: str | os.PathLike[str] | IO[bytes] = (
        io.BytesIO(bytes(source)) if isinstance(source, bytes | bytearray) else source
    )
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise WorkbookLimitError(
            "xlsx.not_a_zip",
            "The file is not an Excel workbook (.xlsx): it is not a zip archive.",
            "ファイルは Excel ブック (.xlsx) ではありません（zip 形式ではありません）。",
        ) from None
    with archive:
        total = check_directory(archive, limits)
        workbook_part = workbook_part_of(archive)
        sheets, shared_strings_part = sheet_parts(archive, workbook_part)
        long_strings = (
            shared_strings_too_long(archive, shared_strings_part, limits) if shared_strings_part else {}
        )
        summaries = tuple(inspect_sheet(archive, name, part, limits, long_strings) for name, part in sheets)
        if long_strings:
            # A long shared string no cell uses: openpyxl still loads it.
            index, length = next(iter(long_strings.items()))
            raise cell_too_long(
                limits,
                length,
                part=shared_strings_part,
                where=f"shared string {index} of {shared_strings_part}",
            )
        return WorkbookSummary(len(archive.infolist()), total, summaries)
