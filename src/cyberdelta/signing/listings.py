"""What the wallet team reads back (docs/signing.md, "Reading wallets, proposals and checks"): the
organisation's wallets with their current definition, its proposals whatever their status, and the
record of every check (who, when, the input's SHA-256, the verdict, the findings' codes). Every read
is scoped to the acting organisation: another organisation's row is as unknown as a missing one.
These reads write no audit entry (the trail would grow with every look).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.auth.models import ApiToken
from cyberdelta.signing.errors import SigningRefusedError
from cyberdelta.signing.models import SigningCheck, SigningProposal
from cyberdelta.signing.text import bilingual as _
from cyberdelta.tenancy.models import User


def people(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    """Each user's display name (or e-mail address when they gave none), for naming who acted."""
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.display_name, User.email).where(User.id.in_(wanted)))
    return {user_id: name or email for user_id, name, email in rows}


def tokens(session: Session, token_ids: Iterable[int | None]) -> dict[int, str]:
    """Each API token's name, for naming the token a check came through."""
    wanted = {token_id for token_id in token_ids if token_id is not None}
    if not wanted:
        return {}
    rows = session.execute(select(ApiToken.id, ApiToken.name).where(ApiToken.id.in_(wanted)))
    return {row.id: row.name for row in rows}


def proposal_of(session: Session, organisation_id: int, proposal_id: int) -> SigningProposal:
    proposal = session.get(SigningProposal, proposal_id)
    if proposal is None or proposal.organisation_id != organisation_id:
        raise SigningRefusedError(_("No such proposed change."), status=404)
    return proposal


def check_of(session: Session, organisation_id: int, check_id: int) -> SigningCheck:
    record = session.get(SigningCheck, check_id)
    if record is None or record.organisation_id != organisation_id:
        raise SigningRefusedError(_("No such check."), status=404)
    return record


def definition_json(stored: str) -> dict[str, Any]:
    """A wallet's or proposal's definition as a JSON object (it is kept as canonical JSON text)."""
    definition: dict[str, Any] = json.loads(stored)
    return definition


def findings_json(record: SigningCheck) -> list[dict[str, Any]]:
    """The check's findings as recorded: ``code``, ``severity`` and ``path`` of each."""
    findings: list[dict[str, Any]] = json.loads(record.findings)
    return findings
