"""Deliverables encrypted at rest and read only by the people named on the engagement (docs/tlpt.md,
"Deliverables at rest"; RTS 2025/1190 Art. 4(1)(b): confidentiality of the TLPT; OWASP ASVS 5.0 V5
file handling).

A file is accepted when it is no larger than ``tlpt_max_deliverable_bytes`` and of a type on the
list below, its content agreeing with its name (a PDF starts ``%PDF-``, an Office file is a ZIP
container, text is UTF-8). Its name, type and content are sealed with AES-256-GCM under the
engagement's data key (:mod:`cyberdelta.tlpt.keys`) with the engagement, phase and part bound as
associated data; the database holds only ciphertext, a size and a SHA-256 of the plaintext. Every
upload and every read is audited (under the authority, never with the file name), and no content or
name goes into a log.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Final

from cryptography.exceptions import InvalidTag
from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.platform.actor import Actor
from cyberdelta.tlpt.engagements import _audit, seat
from cyberdelta.tlpt.errors import TlptError, _
from cyberdelta.tlpt.frameworks import CLOSED, PHASES
from cyberdelta.tlpt.keys import MasterKey, open_sealed, seal
from cyberdelta.tlpt.models import TlptDeliverable, TlptEngagement

ZIP_MAGIC = b"PK\x03\x04"
TYPES: Final[dict[str, str]] = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".json": "application/json",
}


@dataclass(frozen=True)
class Listed:
    """A deliverable as the list shows it (name and type decrypted)."""

    row: TlptDeliverable
    name: str
    media_type: str


def _associated(engagement: TlptEngagement, phase: str, part: str) -> bytes:
    return f"tlpt:{engagement.id}:{phase}:{part}".encode()


def _media_type(name: str, content: bytes) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    media_type = TYPES.get(suffix)
    if media_type is None:
        raise TlptError(
            _("Refused file type %(suffix)s: upload PDF, Office, text, Markdown, CSV or JSON."),
            field="file",
            suffix=suffix or "(none)",
        )
    if suffix == ".pdf" and not content.startswith(b"%PDF-"):
        raise TlptError(_("The file is named .pdf but is not a PDF."), field="file")
    if suffix in (".docx", ".xlsx", ".pptx") and not content.startswith(ZIP_MAGIC):
        raise TlptError(
            _("The file is named %(suffix)s but is not an Office file."), field="file", suffix=suffix
        )
    if media_type.startswith("text/") or suffix == ".json":
        try:
            content.decode("utf-8")
        except UnicodeDecodeError as error:
            raise TlptError(_("A text file must be UTF-8."), field="file") from error
    return media_type


def upload(
    session: Session,
    actor: Actor,
    master: MasterKey,
    engagement_id: int,
    *,
    phase: str,
    name: str,
    content: bytes,
    max_bytes: int,
) -> TlptDeliverable:
    """Store a deliverable of ``phase`` (the current phase or one that has ended) for a named person."""
    engagement = seat(session, actor, engagement_id).engagement
    if phase not in PHASES:
        raise TlptError(_("Unknown phase."), field="phase")
    current = len(PHASES) if engagement.phase == CLOSED else PHASES.index(engagement.phase)
    if PHASES.index(phase) > current:
        raise TlptError(_("This phase has not started yet."), status=409, field="phase")
    if len(content) > max_bytes:
        raise TlptError(_("The file is larger than %(limit)s bytes."), field="file", limit=max_bytes)
    if not content:
        raise TlptError(_("The file is empty."), field="file")
    clean_name = PurePosixPath(name.replace("\\", "/")).name.strip()[:200]
    if not clean_name:
        raise TlptError(_("The file has no name."), field="file")
    media_type = _media_type(clean_name, content)
    data_key = master.unwrap(engagement.wrapped_key)
    label = json.dumps({"name": clean_name, "type": media_type}, ensure_ascii=False).encode()
    label_nonce, sealed_label = seal(data_key, label, _associated(engagement, phase, "label"))
    nonce, ciphertext = seal(data_key, content, _associated(engagement, phase, "content"))
    row = TlptDeliverable(
        engagement_id=engagement.id,
        phase=phase,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        label_nonce=label_nonce,
        label=sealed_label,
        nonce=nonce,
        ciphertext=ciphertext,
        uploaded_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    _audit(
        session,
        actor,
        "tlpt.deliverable_uploaded",
        engagement,
        deliverable=row.id,
        phase=phase,
        size=row.size,
    )
    return row


def _label(data_key: bytes, engagement: TlptEngagement, row: TlptDeliverable) -> dict[str, str]:
    label: dict[str, str] = json.loads(
        open_sealed(data_key, row.label_nonce, row.label, _associated(engagement, row.phase, "label"))
    )
    return label


def listed(session: Session, master: MasterKey, engagement: TlptEngagement) -> Sequence[Listed]:
    """The engagement's deliverables with their names (call only for a seat already checked)."""
    rows = session.scalars(
        select(TlptDeliverable)
        .where(TlptDeliverable.engagement_id == engagement.id)
        .order_by(TlptDeliverable.id)
    ).all()
    if not rows:
        return []
    data_key = master.unwrap(engagement.wrapped_key)
    return [Listed(row, **_named(_label(data_key, engagement, row))) for row in rows]


def _named(label: dict[str, str]) -> dict[str, str]:
    return {"name": label["name"], "media_type": label["type"]}


@dataclass(frozen=True)
class Opened:
    name: str
    media_type: str
    content: bytes


def read(
    session: Session, actor: Actor, master: MasterKey, engagement_id: int, deliverable_id: int
) -> Opened:
    """Decrypt a deliverable for a person named on its engagement; the read is audited."""
    engagement = seat(session, actor, engagement_id).engagement
    row = session.get(TlptDeliverable, deliverable_id)
    if row is None or row.engagement_id != engagement.id:
        raise TlptError(_("No such deliverable."), status=404)
    data_key = master.unwrap(engagement.wrapped_key)
    try:
        label = _label(data_key, engagement, row)
        content = open_sealed(
            data_key, row.nonce, row.ciphertext, _associated(engagement, row.phase, "content")
        )
    except InvalidTag as error:
        raise TlptError(_("The deliverable does not decrypt: it was altered."), status=409) from error
    _audit(session, actor, "tlpt.deliverable_read", engagement, deliverable=row.id, phase=row.phase)
    return Opened(label["name"], label["type"], content)
