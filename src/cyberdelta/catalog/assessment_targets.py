"""What an OSCAL assessment finding about a control targets, from the catalog version's controls."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.catalog.models import Control

OBJECTIVE_PARTS = ("assessment-objective", "objective")


def assessment_targets(session: Session, version_id: int) -> dict[str, tuple[str, str]]:
    """Control id → what an OSCAL finding about it targets (OSCAL 1.1 assessment-results,
    ``finding/target``): ``("statement-id", id)`` of its statement part, else ``("objective-id",
    id)`` of its assessment-objective part. A control with neither id is left out."""
    targets: dict[str, tuple[str, str]] = {}
    rows = session.execute(
        select(Control.oscal_id, Control.body_json).where(Control.version_id == version_id)
    ).all()
    for oscal_id, body in rows:
        parts = [part for part in body.get("parts") or [] if isinstance(part.get("id"), str)]
        statement = next((part["id"] for part in parts if part.get("name") == "statement"), None)
        objective = next((part["id"] for part in parts if part.get("name") in OBJECTIVE_PARTS), None)
        if statement is not None:
            targets[oscal_id] = ("statement-id", statement)
        elif objective is not None:
            targets[oscal_id] = ("objective-id", objective)
    return targets
