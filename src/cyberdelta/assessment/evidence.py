"""Evidence for answers (docs/assessment.md and docs/security.md, V5): files are size-limited, accepted only
when their *content* is of an allowed type (magic bytes, not the file name), stored once by SHA-256
under ``data_dir/evidence`` and only ever served as a download; links must be http(s) URLs.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cyberdelta.assessment import service
from cyberdelta.assessment.errors import AssessmentError, NotFoundError
from cyberdelta.assessment.models import Assessment, Evidence, EvidenceUse, Response
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.platform.i18n import gettext as _

OOXML = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
SAFE_NAME = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def sniff(data: bytes, filename: str) -> str | None:
    """The media type of ``data`` when it is an allowed kind of evidence, else None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        suffix = filename.rsplit(".", 1)[-1].lower()
        try:
            names = set(zipfile.ZipFile(BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and suffix in OOXML:
            return OOXML[suffix]
        return None
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/csv" if filename.lower().endswith(".csv") else "text/plain"


def blob_path(data_dir: Path, sha256: str) -> Path:
    return data_dir / "evidence" / sha256[:2] / sha256


def _store_blob(data_dir: Path, data: bytes, sha256: str) -> None:
    target = blob_path(data_dir, sha256)
    if target.exists():
        return  # stored once: the same content uploaded again shares the file
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write to a temporary file and rename, so a killed process never leaves half a file under the hash.
    descriptor, temporary = tempfile.mkstemp(dir=target.parent)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    Path(temporary).replace(target)


def _title(title: str, fallback: str) -> str:
    clean = (title or fallback).strip()
    if not clean:
        raise AssessmentError("title", _("a title is required"))
    if len(clean) > 300:
        raise AssessmentError("title", _("longer than %(max)s characters", max=300))
    return clean


def add_file(
    session: Session,
    organisation_id: int,
    *,
    data: bytes,
    filename: str,
    title: str,
    max_bytes: int,
    data_dir: Path,
    actor: Actor,
) -> Evidence:
    """Store an uploaded file as evidence (kept by its SHA-256); audited as ``assessment.evidence_added``."""
    if not data:
        raise AssessmentError("file", _("the file is empty"))
    if len(data) > max_bytes:
        raise AssessmentError("file", _("the file is larger than %(max)s bytes", max=max_bytes))
    name = SAFE_NAME.sub("_", Path(filename or "evidence").name)[:200] or "evidence"
    media_type = sniff(data, name)
    if media_type is None:
        raise AssessmentError(
            "file", _("this kind of file is not accepted (PDF, PNG, JPEG, Office documents, text, CSV)")
        )
    digest = hashlib.sha256(data).hexdigest()
    evidence = Evidence(
        organisation_id=organisation_id,
        kind="file",
        title=_title(title, name),
        filename=name,
        content_type=media_type,
        size=len(data),
        sha256=digest,
        created_by_user_id=actor.user_id,
    )
    session.add(evidence)
    session.flush()
    _store_blob(data_dir, data, digest)
    _audit_added(session, actor, evidence)
    return evidence


def _audit_added(session: Session, actor: Actor, evidence: Evidence) -> None:
    details = {
        "kind": evidence.kind,
        "title": evidence.title,
        "filename": evidence.filename,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "url": evidence.url,
    }
    audit(
        session,
        actor,
        "assessment.evidence_added",
        organisation_id=evidence.organisation_id,
        object_type="evidence",
        object_id=evidence.id,
        details={key: value for key, value in details.items() if value is not None},
    )


def add_link(session: Session, organisation_id: int, *, url: str, title: str, actor: Actor) -> Evidence:
    """A link as evidence; audited as ``assessment.evidence_added``."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2000:
        raise AssessmentError("url", _("give an http:// or https:// address"))
    evidence = Evidence(
        organisation_id=organisation_id,
        kind="link",
        title=_title(title, url),
        url=url,
        created_by_user_id=actor.user_id,
    )
    session.add(evidence)
    session.flush()
    _audit_added(session, actor, evidence)
    return evidence


def get_evidence(session: Session, organisation_id: int, evidence_id: int) -> Evidence:
    evidence = session.get(Evidence, evidence_id)
    if evidence is None or evidence.organisation_id != organisation_id:
        raise NotFoundError(evidence_id)
    return evidence


def list_evidence(session: Session, organisation_id: int) -> list[Evidence]:
    return list(
        session.scalars(
            select(Evidence).where(Evidence.organisation_id == organisation_id).order_by(Evidence.id.desc())
        )
    )


def _response(session: Session, assessment: Assessment, control_id: str) -> Response:
    row = session.scalar(
        select(Response).where(Response.assessment_id == assessment.id, Response.control_id == control_id)
    )
    if row is None:
        row = Response(assessment_id=assessment.id, control_id=control_id, version=1)
        session.add(row)
        session.flush()
    return row


def attach(
    session: Session, actor: Actor, assessment: Assessment, evidence: Evidence, control_ids: Iterable[str]
) -> int:
    """Attach one piece of evidence to several controls of an assessment (same organisation only,
    and only while the assessment can still be changed); audited as ``assessment.evidence_attached``."""
    if evidence.organisation_id != assessment.organisation_id:
        raise NotFoundError(evidence.id)
    service.require_editable(assessment)
    count = 0
    attached: list[str] = []
    for control_id in control_ids:
        row = _response(session, assessment, control_id)
        exists = session.scalar(
            select(EvidenceUse.id).where(
                EvidenceUse.response_id == row.id, EvidenceUse.evidence_id == evidence.id
            )
        )
        if exists is None:
            session.add(EvidenceUse(response_id=row.id, evidence_id=evidence.id))
            count += 1
            attached.append(control_id)
    session.flush()
    if attached:
        _audit_use(session, actor, "assessment.evidence_attached", assessment, evidence, attached)
    return count


def detach(
    session: Session, actor: Actor, assessment: Assessment, evidence: Evidence, control_id: str
) -> None:
    """Take a piece of evidence off one control; audited as ``assessment.evidence_detached``."""
    if evidence.organisation_id != assessment.organisation_id:
        raise NotFoundError(evidence.id)
    service.require_editable(assessment)
    row = _response(session, assessment, control_id)
    result = session.execute(
        delete(EvidenceUse).where(EvidenceUse.response_id == row.id, EvidenceUse.evidence_id == evidence.id)
    )
    if getattr(result, "rowcount", 0):
        _audit_use(session, actor, "assessment.evidence_detached", assessment, evidence, [control_id])


def _audit_use(
    session: Session,
    actor: Actor,
    action: str,
    assessment: Assessment,
    evidence: Evidence,
    controls: list[str],
) -> None:
    audit(
        session,
        actor,
        action,
        organisation_id=assessment.organisation_id,
        object_type="evidence",
        object_id=evidence.id,
        details={"assessment": assessment.id, "revision": assessment.revision, "controls": controls},
    )


def download(
    session: Session, actor: Actor, organisation_id: int, evidence_id: int, data_dir: Path
) -> tuple[Evidence, Path]:
    """The stored file of one of the organisation's pieces of evidence, for download; the read is
    audited as ``assessment.evidence_downloaded``. A link, or a file whose blob is gone, is not found."""
    evidence = get_evidence(session, organisation_id, evidence_id)
    path = blob_path(data_dir, evidence.sha256) if evidence.kind == "file" and evidence.sha256 else None
    if path is None or not path.exists():
        raise NotFoundError(evidence_id)
    audit(
        session,
        actor,
        "assessment.evidence_downloaded",
        organisation_id=organisation_id,
        object_type="evidence",
        object_id=evidence.id,
        details={"sha256": evidence.sha256, "filename": evidence.filename},
    )
    return evidence, path


def evidence_by_response(session: Session, assessment: Assessment) -> dict[int, list[Evidence]]:
    rows = session.execute(
        select(EvidenceUse.response_id, Evidence)
        .join(Evidence, Evidence.id == EvidenceUse.evidence_id)
        .join(Response, Response.id == EvidenceUse.response_id)
        .where(Response.assessment_id == assessment.id)
        .order_by(Evidence.id)
    ).all()
    result: dict[int, list[Evidence]] = {}
    for response_id, evidence in rows:
        result.setdefault(response_id, []).append(evidence)
    return result


@dataclass(frozen=True)
class EvidenceUsage:
    evidence: Evidence
    control_ids: list[str]


def usage(session: Session, organisation_id: int, assessment: Assessment | None) -> list[EvidenceUsage]:
    """Every piece of the organisation's evidence with the controls (of ``assessment``) using it."""
    used: dict[int, list[str]] = {}
    if assessment is not None:
        rows = session.execute(
            select(EvidenceUse.evidence_id, Response.control_id)
            .join(Response, Response.id == EvidenceUse.response_id)
            .where(Response.assessment_id == assessment.id)
            .order_by(Response.control_id)
        ).all()
        for evidence_id, control_id in rows:
            used.setdefault(evidence_id, []).append(control_id)
    return [EvidenceUsage(item, used.get(item.id, [])) for item in list_evidence(session, organisation_id)]
