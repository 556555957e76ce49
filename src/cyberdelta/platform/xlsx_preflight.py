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
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO
from xml.parsers import expat

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
        total = _check_directory(archive, limits)
        workbook_part = _workbook_part(archive)
        sheets, shared_strings_part = _sheet_parts(archive, workbook_part)
        long_strings = (
            _shared_strings_too_long(archive, shared_strings_part, limits) if shared_strings_part else {}
        )
        summaries = tuple(_inspect_sheet(archive, name, part, limits, long_strings) for name, part in sheets)
        if long_strings:
            # A long shared string no cell uses: openpyxl still loads it.
            index, length = next(iter(long_strings.items()))
            raise _cell_too_long(
                limits,
                length,
                part=shared_strings_part,
                where=f"shared string {index} of {shared_strings_part}",
            )
        return WorkbookSummary(len(archive.infolist()), total, summaries)


# --- stage 1: the zip directory ------------------------------------------------------------------


def _check_directory(archive: zipfile.ZipFile, limits: XlsxLimits) -> int:
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise WorkbookLimitError(
            "xlsx.too_many_members",
            f"The workbook holds {len(members):,} parts; at most {limits.max_members:,} are accepted.",
            f"ブックの構成要素が {len(members):,} 個あります。上限は {limits.max_members:,} 個です。",
            limit=limits.max_members,
        )
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise WorkbookLimitError(
                "xlsx.encrypted_member",
                f"The workbook part {member.filename!r} is encrypted.",
                f"ブックの構成要素 {member.filename!r} が暗号化されています。",
                part=member.filename,
            )
        if member.compress_type not in _ALLOWED_COMPRESSION:
            raise WorkbookLimitError(
                "xlsx.unsupported_compression",
                f"The workbook part {member.filename!r} uses a compression Excel does not write.",
                f"ブックの構成要素 {member.filename!r} は Excel が使わない圧縮方式です。",
                part=member.filename,
            )
        total += member.file_size
        if total > limits.max_uncompressed_bytes:
            raise WorkbookLimitError(
                "xlsx.too_large_uncompressed",
                f"The workbook is larger than {_size_en(limits.max_uncompressed_bytes)} once uncompressed.",
                f"ブックの展開後のサイズが上限 {_size_ja(limits.max_uncompressed_bytes)} を超えています。",
                limit=limits.max_uncompressed_bytes,
                part=member.filename,
            )
        if member.file_size >= limits.ratio_floor_bytes:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise WorkbookLimitError(
                    "xlsx.compression_ratio",
                    f"The workbook part {member.filename!r} inflates {ratio:,.0f} times; "
                    f"at most {limits.max_compression_ratio:g} times is accepted.",
                    f"ブックの構成要素 {member.filename!r} の圧縮率が {ratio:,.0f} 倍です。"
                    f"上限は {limits.max_compression_ratio:g} 倍です。",
                    limit=limits.max_compression_ratio,
                    part=member.filename,
                )
    return total


def _size_en(size: int) -> str:
    return f"{size:,} bytes ({size / MiB:.1f} MiB)".replace(".0 MiB", " MiB")


def _size_ja(size: int) -> str:
    return f"{size:,} バイト ({size / MiB:.1f} MiB)".replace(".0 MiB", " MiB")


# --- stage 2: the package structure --------------------------------------------------------------


def _not_a_workbook(detail: str) -> WorkbookLimitError:
    return WorkbookLimitError(
        "xlsx.not_a_workbook",
        f"The file is a zip archive but not an Excel workbook (.xlsx): {detail}.",
        f"ファイルは zip 形式ですが Excel ブック (.xlsx) ではありません（{detail}）。",
    )


def _relationships(archive: zipfile.ZipFile, part: str) -> list[dict[str, str]]:
    """The relationships of a part (``dir/_rels/name.rels``), each with its target made absolute."""
    directory, name = posixpath.split(part)
    rels_part = posixpath.join(directory, "_rels", f"{name}.rels")
    found: list[dict[str, str]] = []

    def start(tag: str, attributes: dict[str, str]) -> None:
        if _local(tag) == "Relationship" and "Target" in attributes:
            if attributes.get("TargetMode") == "External":
                return
            target = attributes["Target"]
            absolute = target[1:] if target.startswith("/") else posixpath.join(directory, target)
            found.append({**attributes, "Target": posixpath.normpath(absolute)})

    if rels_part not in archive.NameToInfo:
        return found
    _stream_xml(archive, rels_part, start)
    return found


def _workbook_part(archive: zipfile.ZipFile) -> str:
    for relationship in _relationships(archive, ""):
        if relationship.get("Type", "").endswith("/officeDocument"):
            part = relationship["Target"]
            if part in archive.NameToInfo:
                return part
            raise _not_a_workbook(f"the workbook part {part!r} is missing")
    raise _not_a_workbook("no workbook part is named in _rels/.rels")


def _sheet_parts(archive: zipfile.ZipFile, workbook_part: str) -> tuple[list[tuple[str, str]], str | None]:
    """Each worksheet's (name, part) in workbook order, and the shared-string part if any."""
    by_id = {
        relationship.get("Id", ""): relationship for relationship in _relationships(archive, workbook_part)
    }
    shared = next(
        (rel["Target"] for rel in by_id.values() if rel.get("Type", "").endswith("/sharedStrings")), None
    )
    if shared is not None and shared not in archive.NameToInfo:
        shared = None
    sheets: list[tuple[str, str]] = []

    def start(tag: str, attributes: dict[str, str]) -> None:
        if _local(tag) != "sheet":
            return
        identifier = attributes.get(f"{_RELATIONSHIP_NS}}}id") or attributes.get(
            f"{_STRICT_RELATIONSHIP_NS}}}id"
        )
        relationship = by_id.get(identifier or "")
        if relationship is not None and relationship.get("Type", "").endswith("/worksheet"):
            part = relationship["Target"]
            if part in archive.NameToInfo:
                sheets.append((attributes.get("name", part), part))

    _stream_xml(archive, workbook_part, start)
    return sheets, shared


# --- stage 3: streaming the XML ------------------------------------------------------------------


class _Stop(Exception):  # noqa: N818 - internal signal carrying the refusal out of expat's callbacks
    def __init__(self, refusal: WorkbookLimitError) -> None:
        super().__init__(refusal.code)
        self.refusal = refusal


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _stream_xml(
    archive: zipfile.ZipFile,
    part: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    """Feed a part to expat piece by piece; the callbacks see namespace-qualified tags."""
    parser = expat.ParserCreate(namespace_separator="}")

    def no_dtd(*_: object) -> None:
        raise _Stop(
            WorkbookLimitError(
                "xlsx.dtd_forbidden",
                f"The workbook part {part!r} declares a document type, which a workbook never does.",
                f"ブックの構成要素 {part!r} に文書型宣言 (DTD) が含まれています。",
                part=part,
            )
        )

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        with archive.open(part) as member:
            while piece := member.read(READ_SIZE):
                parser.Parse(piece, False)
            parser.Parse(b"", True)
    except _Stop as stop:
        raise stop.refusal from None
    except (expat.ExpatError, zipfile.BadZipFile, EOFError, OSError) as error:
        raise WorkbookLimitError(
            "xlsx.malformed_part",
            f"The workbook part {part!r} cannot be read ({error}).",
            f"ブックの構成要素 {part!r} を読み取れません（{error}）。",
            part=part,
        ) from None


def _cell_too_long(
    limits: XlsxLimits, length: int | None, *, part: str | None, where: str, sheet: str | None = None
) -> WorkbookLimitError:
    """``length`` None: reading stopped as soon as the text passed the limit."""
    place_en = f"sheet {sheet!r}, cell {where}" if sheet else where
    place_ja = f"シート「{sheet}」のセル {where}" if sheet else where
    limit = limits.max_cell_characters
    if length is None:
        english = f"The text in {place_en} is longer than the {limit:,} characters accepted."
        japanese = f"{place_ja} の文字数が上限 {limit:,} 文字を超えています。"
    else:
        english = f"The text in {place_en} has {length:,} characters; at most {limit:,} are accepted."
        japanese = f"{place_ja} の文字数が {length:,} 文字あります。上限は {limit:,} 文字です。"
    return WorkbookLimitError(
        "xlsx.cell_too_long",
        english,
        japanese,
        limit=limits.max_cell_characters,
        sheet=sheet,
        cell=where if sheet else None,
        part=part,
    )


def _shared_strings_too_long(archive: zipfile.ZipFile, part: str, limits: XlsxLimits) -> dict[int, int]:
    """Index → length of every shared string (§18.4.8 ``<si>``) longer than the cell limit."""
    too_long: dict[int, int] = {}
    # Phonetic runs (<rPh>, furigana) are not part of the cell's text.
    state = {"index": -1, "length": 0, "text": 0, "phonetic": 0}

    def start(tag: str, _attributes: dict[str, str]) -> None:
        name = _local(tag)
        if name == "si":
            state["index"] += 1
            state["length"] = 0
        elif name in ("t", "rPh"):
            state["text" if name == "t" else "phonetic"] += 1

    def end(tag: str) -> None:
        name = _local(tag)
        if name in ("t", "rPh"):
            state["text" if name == "t" else "phonetic"] -= 1
        elif name == "si" and state["length"] > limits.max_cell_characters:
            too_long[state["index"]] = state["length"]

    def text(data: str) -> None:
        if state["text"] and not state["phonetic"]:
            state["length"] += len(data)

    _stream_xml(archive, part, start, end, text)
    return too_long


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


class _SheetScan:
    """Counts one worksheet's rows, columns, cells and text as expat streams it."""

    def __init__(self, name: str, part: str, limits: XlsxLimits, long_strings: dict[int, int]) -> None:
        self.name = name
        self.part = part
        self.limits = limits
        self.long_strings = long_strings
        self.row = 0
        self.column = 0
        self.max_row = 0
        self.max_column = 0
        self.cells = 0
        self.cell_ref = ""
        self.cell_type = ""
        self.text_depth = 0  # inside <v>, <f> or <is><t> of the current cell
        self.phonetic = 0  # inside <rPh> (furigana), which is not the cell's text
        self.text_length = 0
        self.value = ""

    def refuse_rows(self, rows: int, where: str) -> _Stop:
        return _Stop(
            WorkbookLimitError(
                "xlsx.too_many_rows",
                f"Sheet {self.name!r} reaches row {rows:,} ({where}); at most {self.limits.max_rows:,} "
                "rows are accepted.",
                f"シート「{self.name}」が {rows:,} 行目まであります（{where}）。"
                f"上限は {self.limits.max_rows:,} 行です。",
                limit=self.limits.max_rows,
                sheet=self.name,
                cell=where,
                part=self.part,
            )
        )

    def refuse_columns(self, columns: int, where: str) -> _Stop:
        return _Stop(
            WorkbookLimitError(
                "xlsx.too_many_columns",
                f"Sheet {self.name!r} reaches column {_column_letters(columns)} ({where}); at most "
                f"{self.limits.max_columns:,} columns are accepted.",
                f"シート「{self.name}」が {_column_letters(columns)} 列まであります（{where}）。"
                f"上限は {self.limits.max_columns:,} 列です。",
                limit=self.limits.max_columns,
                sheet=self.name,
                cell=where,
                part=self.part,
            )
        )

    def refuse_cells(self, where: str) -> _Stop:
        return _Stop(
            WorkbookLimitError(
                "xlsx.too_many_cells",
                f"Sheet {self.name!r} holds more than {self.limits.max_cells:,} cells (at {where}).",
                f"シート「{self.name}」のセル数が上限 {self.limits.max_cells:,} を超えています（{where}）。",
                limit=self.limits.max_cells,
                sheet=self.name,
                cell=where,
                part=self.part,
            )
        )

    def malformed(self, what: str) -> _Stop:
        return _Stop(
            WorkbookLimitError(
                "xlsx.malformed_part",
                f"Sheet {self.name!r} has an invalid {what}.",
                f"シート「{self.name}」に不正な値があります（{what}）。",
                sheet=self.name,
                part=self.part,
            )
        )

    def dimension(self, ref: str) -> None:
        """``A1:Z100``: refuse at once when it already claims too much (it may understate, never trusted)."""
        last = ref.rpartition(":")[2].replace("$", "").upper()
        match = _CELL_REF.fullmatch(last)
        if match is None:
            return
        rows, columns = int(match[2]), _column_number(match[1])
        if rows > self.limits.max_rows:
            raise self.refuse_rows(rows, f"dimension {ref}")
        if columns > self.limits.max_columns:
            raise self.refuse_columns(columns, f"dimension {ref}")

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        name = _local(tag)
        if name == "row":
            reference = attributes.get("r")
            if reference is None:
                self.row += 1
            elif _ROW_REF.fullmatch(reference):
                self.row = int(reference)
            else:
                raise self.malformed(f"row number {reference[:20]!r}")
            self.column = 0
            if self.row > self.limits.max_rows:
                raise self.refuse_rows(self.row, f"row {self.row:,}")
            self.max_row = max(self.max_row, self.row)
        elif name == "c":
            self.start_cell(attributes)
        elif name in ("v", "f", "t") and self.cell_ref:
            self.text_depth += 1
        elif name == "rPh":
            self.phonetic += 1
        elif name == "dimension" and "ref" in attributes:
            self.dimension(attributes["ref"])

    def start_cell(self, attributes: dict[str, str]) -> None:
        reference = attributes.get("r")
        if reference is None:
            self.column += 1
            reference = f"{_column_letters(self.column)}{self.row}"
        else:
            match = _CELL_REF.fullmatch(reference)
            if match is None:
                raise self.malformed(f"cell reference {reference[:20]!r}")
            self.column = _column_number(match[1])
            row = int(match[2])
            if row > self.limits.max_rows:
                raise self.refuse_rows(row, reference)
        if self.column > self.limits.max_columns:
            raise self.refuse_columns(self.column, reference)
        self.cells += 1
        if self.cells > self.limits.max_cells:
            raise self.refuse_cells(reference)
        self.max_column = max(self.max_column, self.column)
        self.cell_ref = reference
        self.cell_type = attributes.get("t", "n")
        self.text_length = 0
        self.value = ""

    def end(self, tag: str) -> None:
        name = _local(tag)
        if name in ("v", "f", "t") and self.text_depth:
            self.text_depth -= 1
        elif name == "rPh" and self.phonetic:
            self.phonetic -= 1
        elif name == "c" and self.cell_ref:
            if self.cell_type == "s" and self.value.strip().isdigit():
                length = self.long_strings.pop(int(self.value), None)
                if length is not None:
                    raise _Stop(self.too_long(length))
            self.cell_ref = ""

    def text(self, data: str) -> None:
        if self.text_depth and not self.phonetic:
            self.text_length += len(data)
            if self.cell_type == "s" and len(self.value) < 16:
                self.value += data
            if self.text_length > self.limits.max_cell_characters:
                raise _Stop(self.too_long(None))

    def too_long(self, length: int | None) -> WorkbookLimitError:
        return _cell_too_long(self.limits, length, part=self.part, where=self.cell_ref, sheet=self.name)


def _inspect_sheet(
    archive: zipfile.ZipFile, name: str, part: str, limits: XlsxLimits, long_strings: dict[int, int]
) -> SheetSummary:
    scan = _SheetScan(name, part, limits, long_strings)
    _stream_xml(archive, part, scan.start, scan.end, scan.text)
    return SheetSummary(name, part, scan.max_row, scan.max_column, scan.cells)
