"""Checking a transaction in the platform against a registered wallet, with every check recorded
(docs/signing.md, "In the platform"): the same review as ``cyberdelta sign-check``, with the wallet's
stored chain, version, network and policy. A check is one ``signing_check`` row and one audit entry
(who, when, the input's SHA-256, the verdict, the findings); input that cannot be checked raises
:class:`~cyberdelta.signing.errors.SigningInputError` and records nothing.

Every address the transaction calls or pays is also screened against the lists the organisation
applies and the hub's wallet indicators it may read under TLP (docs/screening.md), as one recorded
screening decision: a listed one blocks the check (``DESTINATION_SCREENED``) as if the wallet's
policy listed it in ``screened_addresses`` (docs/signing.md, "Findings").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.screening.service import screen
from cyberdelta.screening.sources.live import LiveSource
from cyberdelta.signing.errors import SigningInputError, SigningRefusedError
from cyberdelta.signing.models import SigningCheck
from cyberdelta.signing.policy import load_request
from cyberdelta.signing.psbt_format import decode_text, parse_psbt
from cyberdelta.signing.psbt_review import review_psbt
from cyberdelta.signing.safe_input import parse_safe_document, read_json
from cyberdelta.signing.safe_review import review_safe
from cyberdelta.signing.text import bilingual as _
from cyberdelta.signing.wallet_definition import WalletDefinition, read_definition
from cyberdelta.signing.wallets import wallet_of

MAX_INPUT = 2_000_000  # characters of Safe JSON or PSBT base64 (a 100-input PSBT is far below)
Kind = Literal["safe", "psbt"]


@dataclass(frozen=True)
class CheckOutcome:
    record: SigningCheck
    result: dict[str, Any]  # the review's JSON, as ``sign-check --format json`` prints it


def _review(
    kind: Kind, text: str, definition: WalletDefinition, request: Any, screened: Sequence[str] = ()
) -> tuple[bytes, dict[str, Any]]:
    policy = definition.effective_policy()
    policy.screened_addresses = [*policy.screened_addresses, *screened]
    approved = load_request(request) if request is not None else None
    if definition.safe is not None:
        raw = text.encode()
        parsed = parse_safe_document(read_json(raw, "transaction"))
        if parsed.tx.safe != definition.safe.address:
            raise SigningInputError(
                "transaction $.safe",
                _("the transaction is for Safe %(safe)s, not this wallet's", safe=parsed.tx.safe),
            )
        review = review_safe(
            parsed,
            chain_id=definition.safe.chain_id,
            version=definition.safe_version,
            policy=policy,
            request=approved,
        )
        return raw, review.as_json()
    data = decode_text(text)
    network = definition.bitcoin.network if definition.bitcoin is not None else "mainnet"
    return data, review_psbt(parse_psbt(data), network=network, policy=policy, request=approved).as_json()


ADDRESS_KEYS = frozenset({"to", "address"})


def addresses_in(decoded: Any) -> list[str]:
    """The addresses a reviewed transaction calls, pays or names: every ``to`` and ``address`` of the
    decoded tree (calls, outputs) and every argument that is an EVM address, in order, once each."""
    found: dict[str, None] = {}

    def walk(value: Any, key: str | None) -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                walk(item, name)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str) and (
            key in ADDRESS_KEYS or (len(value) == 42 and value[:2] == "0x" and key != "data")
        ):
            found.setdefault(value, None)

    walk(decoded, None)
    return list(found)


def check_transaction(
    session: Session,
    actor: Actor,
    *,
    wallet_id: int,
    kind: Kind,
    text: str,
    request: Any = None,
    live: Sequence[LiveSource] = (),
) -> CheckOutcome:
    """Review ``text`` (Safe Transaction Service JSON or typed data; a PSBT in base64 or hex) for the
    organisation's wallet ``wallet_id``, optionally against an approved ``request`` document; every
    address it calls or pays is screened against the lists the organisation applies and the ``live``
    sources (the hub's wallet indicators it may read under TLP)."""
    if actor.organisation_id is None:
        raise SigningRefusedError(_("Choose the organisation you act for first."), status=403)
    wallet = wallet_of(session, actor.organisation_id, wallet_id)
    if (kind == "safe") != (wallet.kind == "safe"):
        raise SigningInputError("kind", _("this wallet checks %(kind)s transactions", kind=wallet.kind))
    if len(text) > MAX_INPUT:
        raise SigningInputError("transaction", _("the transaction is too large"))
    definition = read_definition(wallet.definition)
    raw, result = _review(kind, text, definition, request)
    screening = screen(session, addresses_in(result["decoded"]), actor=actor, batch=True, live=live)
    listed = [found.input for found in screening.results if found.hits]
    if listed:  # reviewed again with the listed addresses screened, so that the findings name them
        raw, result = _review(kind, text, definition, request, listed)
    digest = hashlib.sha256(raw).hexdigest()
    findings = [{"code": f["code"], "severity": f["severity"], "path": f["path"]} for f in result["findings"]]
    blocks = sum(1 for f in findings if f["severity"] == "block")
    record = SigningCheck(
        organisation_id=wallet.organisation_id,
        wallet_id=wallet.id,
        checked_by=actor.user_id if actor.user_id is not None else actor.token_creator_id,
        token_id=actor.token_id,
        kind=kind,
        input_sha256=digest,
        verdict=result["verdict"],
        block_count=blocks,
        findings=json.dumps(findings, separators=(",", ":")),
    )
    session.add(record)
    session.flush()
    audit(
        session,
        actor,
        "signing.check",
        object_type="signing_check",
        object_id=record.id,
        details={
            "wallet": wallet.id,
            "kind": kind,
            "input_sha256": digest,
            "verdict": result["verdict"],
            "findings": findings,
            "screening_lists": [used.version_id for used in screening.lists],
            "screened_hits": listed,
        },
    )
    return CheckOutcome(record, result | {"input_sha256": digest})


def recent_checks(session: Session, organisation_id: int, *, limit: int = 50) -> Sequence[SigningCheck]:
    return session.scalars(
        select(SigningCheck)
        .where(SigningCheck.organisation_id == organisation_id)
        .order_by(SigningCheck.checked_at.desc(), SigningCheck.id.desc())
        .limit(limit)
    ).all()


@dataclass(frozen=True)
class Usage:
    """Whether the organisation uses the guard (docs/signing.md, "In the self-assessment")."""

    checks: int
    blocked: int  # checks whose verdict was block
    last_checked_at: datetime | None


def usage(session: Session, organisation_id: int) -> Usage:
    """How many checks, how many blocked, and the latest: a read of the organisation's own records."""
    mine = SigningCheck.organisation_id == organisation_id
    count = session.scalar(select(func.count(SigningCheck.id)).where(mine)) or 0
    blocked = (
        session.scalar(select(func.count(SigningCheck.id)).where(mine, SigningCheck.verdict == "block")) or 0
    )
    last = session.scalar(
        select(SigningCheck.checked_at).where(mine).order_by(SigningCheck.checked_at.desc()).limit(1)
    )
    return Usage(count, blocked, last)
