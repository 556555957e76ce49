"""Stages 1 and 2 of the preflight: the zip directory (sizes, ratios, members) and the package
structure (relationships to the workbook and its sheets; ECMA-376 Part 2, Open Packaging
Conventions)."""

from __future__ import annotations

import posixpath
import zipfile

from cyberdelta.platform.xlsx_preflight.limits import (
    _ALLOWED_COMPRESSION,
    _RELATIONSHIP_NS,
    _STRICT_RELATIONSHIP_NS,
    MiB,
    WorkbookLimitError,
    XlsxLimits,
)
from cyberdelta.platform.xlsx_preflight.xml_stream import local_name, stream_xml

# --- stage 1: the zip directory ------------------------------------------------------------------


def check_directory(archive: zipfile.ZipFile, limits: XlsxLimits) -> int:
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
        if local_name(tag) == "Relationship" and "Target" in attributes:
            if attributes.get("TargetMode") == "External":
                return
            target = attributes["Target"]
            absolute = target[1:] if target.startswith("/") else posixpath.join(directory, target)
            found.append({**attributes, "Target": posixpath.normpath(absolute)})

    if rels_part not in archive.NameToInfo:
        return found
    stream_xml(archive, rels_part, start)
    return found


def workbook_part_of(archive: zipfile.ZipFile) -> str:
    for relationship in _relationships(archive, ""):
        if relationship.get("Type", "").endswith("/officeDocument"):
            part = relationship["Target"]
            if part in archive.NameToInfo:
                return part
            raise _not_a_workbook(f"the workbook part {part!r} is missing")
    raise _not_a_workbook("no workbook part is named in _rels/.rels")


def sheet_parts(archive: zipfile.ZipFile, workbook_part: str) -> tuple[list[tuple[str, str]], str | None]:
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
        if local_name(tag) != "sheet":
            return
        identifier = attributes.get(f"{_RELATIONSHIP_NS}}}id") or attributes.get(
            f"{_STRICT_RELATIONSHIP_NS}}}id"
        )
        relationship = by_id.get(identifier or "")
        if relationship is not None and relationship.get("Type", "").endswith("/worksheet"):
            part = relationship["Target"]
            if part in archive.NameToInfo:
                sheets.append((attributes.get("name", part), part))

    stream_xml(archive, workbook_part, start)
    return sheets, shared
