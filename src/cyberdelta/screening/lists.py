"""Importing list versions and finding the ones screening uses (docs/screening.md, "Lists").

An import is one transaction: the version row, its entries and the audit entry are written in the
caller's transaction, so a failure stores nothing. Malformed entries are skipped and reported with
their line or XPath.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.screening.errors import ListAlreadyImportedError, ListImportError, UnknownSourceError
from cyberdelta.screening.models import ScreeningEntry, ScreeningListVersion
from cyberdelta.screening.sources.common import EIP55_MISMATCH, ParsedList, Problem
from cyberdelta.screening.sources.lines import read_lines
from cyberdelta.screening.sources.mof import read_mof
from cyberdelta.screening.sources.ofac_csv import read_sdn_csv
from cyberdelta.screening.sources.ofac_xml import read_sdn_advanced
from cyberdelta.screening.sources.un_xml import read_un_xml

READERS: Mapping[str, Callable[[bytes, str | None], ParsedList]] = {
    "ofac-sdn-csv": lambda data, _chain: read_sdn_csv(data),
    "mof": lambda data, _chain: read_mof(data),
    "lines": read_lines,
}
# XML lists are read from the file as a stream, so that a large one never sits in memory whole.
STREAM_READERS: Mapping[str, Callable[[BinaryIO], ParsedList]] = {
    "ofac-sdn-xml": read_sdn_advanced,
    "un-xml": read_un_xml,
}
SOURCES = ("ofac-sdn-xml", "ofac-sdn-csv", "un-xml", "mof", "lines")


@dataclass(frozen=True)
class ImportResult:
    version_id: int
    entry_count: int
    problems: list[Problem]
    # Listed EVM spellings whose EIP-55 checksum does not match, kept in lower case.
    checksum_mismatches: list[str]


def parse_list(data: bytes | Path, source: str, filename: str, chain: str | None = None) -> ParsedList:
    """The entries of a list file (its bytes, or its path: XML is then streamed from the file)."""
    if source not in SOURCES:
        raise UnknownSourceError(source, SOURCES)
    try:
        stream_reader = STREAM_READERS.get(source)
        if stream_reader is None:
            return READERS[source](data if isinstance(data, bytes) else data.read_bytes(), chain)
        if isinstance(data, bytes):
            return stream_reader(io.BytesIO(data))
        with data.open("rb") as handle:
            return stream_reader(handle)
    except (ParseError, DefusedXmlException) as error:
        raise ListImportError(
            filename, [Problem("file", "not well-formed XML: %(reason)s", {"reason": str(error)})]
        ) from None


def sha256_of(data: bytes | Path) -> str:
    if isinstance(data, bytes):
        return hashlib.sha256(data).hexdigest()
    with data.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def import_list(
    session: Session,
    data: bytes | Path,
    *,
    source: str,
    filename: str,
    actor: Actor,
    chain: str | None = None,
) -> ImportResult:
    """Store ``data`` (the file's bytes or its path) as a new version of ``source``; raise when
    nothing in it can be used or the same content is already imported."""
    if source not in SOURCES:
        raise UnknownSourceError(source, SOURCES)
    digest = sha256_of(data)
    existing = session.scalar(
        select(ScreeningListVersion.id).where(
            ScreeningListVersion.source == source, ScreeningListVersion.content_sha256 == digest
        )
    )
    if existing is not None:
        raise ListAlreadyImportedError(filename, existing)
    parsed = parse_list(data, source, filename, chain)
    if not parsed.listed and parsed.problems:
        raise ListImportError(filename, parsed.problems)
    version = ScreeningListVersion(
        source=source,
        filename=filename[:300],
        content_sha256=digest,
        published_on=parsed.published_on,
        imported_by=actor.user_id,
        skipped_count=len(parsed.problems),
    )
    session.add(version)
    session.flush()
    seen: set[tuple[str, str, str | None]] = set()
    rows = []
    for entry in parsed.listed:
        identity = (entry.address.space, entry.address.key, entry.entry_ref)
        if identity in seen:
            continue
        seen.add(identity)
        rows.append(
            {
                "version_id": version.id,
                "chain": entry.address.chain,
                "space": entry.address.space,
                "key": entry.address.key,
                "original": entry.original[:300],
                "entry_ref": entry.entry_ref,
                "entry_name": entry.entry_name,
                "programme": entry.programme,
            }
        )
    for start in range(0, len(rows), 5000):
        session.execute(insert(ScreeningEntry), rows[start : start + 5000])
    version.entry_count = len(rows)
    mismatches = sorted({e.original for e in parsed.listed if e.address.kind == EIP55_MISMATCH})
    audit(
        session,
        actor,
        "screening.list_imported",
        object_type="screening_list_version",
        object_id=version.id,
        details={
            "source": source,
            "filename": filename,
            "sha256": digest,
            "published_on": parsed.published_on.isoformat() if parsed.published_on else None,
            "entries": len(rows),
            "skipped": len(parsed.problems),
            "eip55_mismatches": len(mismatches),
        },
    )
    return ImportResult(version.id, len(rows), parsed.problems, mismatches)


def current_versions(session: Session) -> Sequence[ScreeningListVersion]:
    """The newest version of every source: the lists screening uses."""
    newest = (
        select(func.max(ScreeningListVersion.id).label("id")).group_by(ScreeningListVersion.source).subquery()
    )
    return list(
        session.scalars(
            select(ScreeningListVersion)
            .where(ScreeningListVersion.id.in_(select(newest.c.id)))
            .order_by(ScreeningListVersion.source)
        )
    )


def all_versions(session: Session) -> Sequence[ScreeningListVersion]:
    return list(session.scalars(select(ScreeningListVersion).order_by(ScreeningListVersion.id.desc())))
