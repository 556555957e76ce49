"""The industry figures leaving the platform (CSV, workbook, JSON API), each audited with the
exported bytes' SHA-256 (docs/benchmark.md; OWASP ASVS 5.0 V16.2: bulk reads are logged). They hold
only published aggregates (docs/benchmark.md, "Disclosure control"), and exactly what the pages show."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.orm import Session

from cyberdelta.assessment.models import Cycle
from cyberdelta.benchmark import exports, service
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit


def record(session: Session, actor: Actor, cycle: Cycle, export_format: str, content: bytes) -> None:
    """Audit that ``cycle``'s industry figures left as ``export_format`` (csv, xlsx, json)."""
    audit(
        session,
        actor,
        "benchmark.industry_exported",
        object_type="assessment_cycle",
        object_id=cycle.id,
        details={
            "format": export_format,
            "sha256": hashlib.sha256(content).hexdigest(),
            "bytes": len(content),
        },
    )


def csv_bytes(session: Session, actor: Actor, cycle: Cycle) -> bytes:
    data = service.export_csv(session, cycle).encode("utf-8")
    record(session, actor, cycle, "csv", data)
    return data


def workbook(session: Session, actor: Actor, cycle: Cycle) -> bytes:
    data = exports.workbook_bytes(session, cycle)
    record(session, actor, cycle, "xlsx", data)
    return data


def figures_read(session: Session, actor: Actor, cycle: Cycle, document: dict[str, Any]) -> None:
    """Audit a read of every figure of the cycle through the API (the JSON as sent)."""
    record(session, actor, cycle, "json", json.dumps(document, sort_keys=True, default=str).encode())
