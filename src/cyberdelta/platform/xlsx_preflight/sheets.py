"""Stage 3 of the preflight: the sheets and shared strings streamed through expat, counting rows,
columns, cells and text length without building a tree (ECMA-376 Part 1, §18.3 worksheets)."""

from __future__ import annotations

import zipfile

from cyberdelta.platform.xlsx_preflight.limits import (
    _CELL_REF,
    _ROW_REF,
    SheetSummary,
    WorkbookLimitError,
    XlsxLimits,
)
from cyberdelta.platform.xlsx_preflight.xml_stream import Stop, local_name, stream_xml

# --- stage 3: the sheets ------------------------------------------------------------------------


def cell_too_long(
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


def shared_strings_too_long(archive: zipfile.ZipFile, part: str, limits: XlsxLimits) -> dict[int, int]:
    """Index → length of every shared string (§18.4.8 ``<si>``) longer than the cell limit."""
    too_long: dict[int, int] = {}
    # Phonetic runs (<rPh>, furigana) are not part of the cell's text.
    state = {"index": -1, "length": 0, "text": 0, "phonetic": 0}

    def start(tag: str, _attributes: dict[str, str]) -> None:
        name = local_name(tag)
        if name == "si":
            state["index"] += 1
            state["length"] = 0
        elif name in ("t", "rPh"):
            state["text" if name == "t" else "phonetic"] += 1

    def end(tag: str) -> None:
        name = local_name(tag)
        if name in ("t", "rPh"):
            state["text" if name == "t" else "phonetic"] -= 1
        elif name == "si" and state["length"] > limits.max_cell_characters:
            too_long[state["index"]] = state["length"]

    def text(data: str) -> None:
        if state["text"] and not state["phonetic"]:
            state["length"] += len(data)

    stream_xml(archive, part, start, end, text)
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

    def refuse_rows(self, rows: int, where: str) -> Stop:
        return Stop(
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

    def refuse_columns(self, columns: int, where: str) -> Stop:
        return Stop(
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

    def refuse_cells(self, where: str) -> Stop:
        return Stop(
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

    def malformed(self, what: str) -> Stop:
        return Stop(
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
        name = local_name(tag)
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
        name = local_name(tag)
        if name in ("v", "f", "t") and self.text_depth:
            self.text_depth -= 1
        elif name == "rPh" and self.phonetic:
            self.phonetic -= 1
        elif name == "c" and self.cell_ref:
            if self.cell_type == "s" and self.value.strip().isdigit():
                length = self.long_strings.pop(int(self.value), None)
                if length is not None:
                    raise Stop(self.too_long(length))
            self.cell_ref = ""

    def text(self, data: str) -> None:
        if self.text_depth and not self.phonetic:
            self.text_length += len(data)
            if self.cell_type == "s" and len(self.value) < 16:
                self.value += data
            if self.text_length > self.limits.max_cell_characters:
                raise Stop(self.too_long(None))

    def too_long(self, length: int | None) -> WorkbookLimitError:
        return cell_too_long(self.limits, length, part=self.part, where=self.cell_ref, sheet=self.name)


def inspect_sheet(
    archive: zipfile.ZipFile, name: str, part: str, limits: XlsxLimits, long_strings: dict[int, int]
) -> SheetSummary:
    scan = _SheetScan(name, part, limits, long_strings)
    stream_xml(archive, part, scan.start, scan.end, scan.text)
    return SheetSummary(name, part, scan.max_row, scan.max_column, scan.cells)
