"""Streaming an OOXML part through expat (no tree is built, so memory stays flat whatever the
part's size); a callback stops the scan by raising the refusal it carries."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from xml.parsers import expat

from cyberdelta.platform.xlsx_preflight.limits import READ_SIZE, WorkbookLimitError


class Stop(Exception):  # noqa: N818 - internal signal carrying the refusal out of expat's callbacks
    def __init__(self, refusal: WorkbookLimitError) -> None:
        super().__init__(refusal.code)
        self.refusal = refusal


def local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def stream_xml(
    archive: zipfile.ZipFile,
    part: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    """Feed a part to expat piece by piece; the callbacks see namespace-qualified tags."""
    parser = expat.ParserCreate(namespace_separator="}")

    def no_dtd(*_: object) -> None:
        raise Stop(
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
    except Stop as stop:
        raise stop.refusal from None
    except (expat.ExpatError, zipfile.BadZipFile, EOFError, OSError) as error:
        raise WorkbookLimitError(
            "xlsx.malformed_part",
            f"The workbook part {part!r} cannot be read ({error}).",
            f"ブックの構成要素 {part!r} を読み取れません（{error}）。",
            part=part,
        ) from None
