"""Registering a firm's wallets and changing them under four eyes (docs/signing.md, "In the
platform"). Every change is a proposal; it takes effect only when a second member of the same
organisation, not its proposer, approves it; until then its proposer may withdraw it, or another
member reject it with a reason. A decided proposal stays decided (409). Every step is audited; the
routes that call them also ask for a recent passkey assertion (``signing:manage`` is a step-up
permission).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.platform.db.base import utcnow
from cyberdelta.signing.errors import SigningRefusedError
from cyberdelta.signing.models import SigningProposal, SigningWallet
from cyberdelta.signing.text import bilingual as _
from cyberdelta.signing.wallet_definition import parse_definition

PENDING, APPLIED, WITHDRAWN, REJECTED = "pending", "applied", "withdrawn", "rejected"
MAX_REASON = 2000
_DECIDED = {
    APPLIED: _("This change was already applied."),
    WITHDRAWN: _("This change was withdrawn by its proposer."),
    REJECTED: _("This change was rejected."),
}


def _organisation(actor: Actor) -> int:
    if actor.organisation_id is None:
        raise SigningRefusedError(_("Choose the organisation you act for first."), status=403)
    return actor.organisation_id


def wallets_of(session: Session, organisation_id: int) -> Sequence[SigningWallet]:
    return session.scalars(
        select(SigningWallet)
        .where(SigningWallet.organisation_id == organisation_id)
        .order_by(SigningWallet.id)
    ).all()


def wallet_of(session: Session, organisation_id: int, wallet_id: int) -> SigningWallet:
    """The organisation's wallet ``wallet_id``; another organisation's is as unknown as a missing one."""
    wallet = session.get(SigningWallet, wallet_id)
    if wallet is None or wallet.organisation_id != organisation_id:
        raise SigningRefusedError(_("No such wallet."), status=404, where="wallet_id")
    return wallet


def pending_proposals(session: Session, organisation_id: int) -> Sequence[SigningProposal]:
    return session.scalars(
        select(SigningProposal)
        .where(SigningProposal.organisation_id == organisation_id, SigningProposal.status == PENDING)
        .order_by(SigningProposal.id)
    ).all()


def propose(
    session: Session, actor: Actor, document: Any, *, wallet_id: int | None = None
) -> SigningProposal:
    """Propose a new wallet (``wallet_id`` None) or a new definition of one; bad input raises
    :class:`~cyberdelta.signing.errors.SigningInputError` naming the field, and nothing is stored."""
    organisation_id = _organisation(actor)
    definition = parse_definition(document)
    if wallet_id is not None:
        wallet = wallet_of(session, organisation_id, wallet_id)
        if wallet.kind != definition.kind:
            raise SigningRefusedError(
                _("A wallet keeps its kind; register a new wallet instead."),
                status=422,
                where="wallet $.kind",
            )
    proposal = SigningProposal(
        organisation_id=organisation_id,
        wallet_id=wallet_id,
        definition=definition.canonical_json(),
        status=PENDING,
        proposed_by=actor.user_id,
    )
    session.add(proposal)
    session.flush()
    audit(
        session,
        actor,
        "signing.change_proposed",
        object_type="signing_proposal",
        object_id=proposal.id,
        details={"wallet": wallet_id, "name": definition.name, "kind": definition.kind},
    )
    return proposal


def proposals_of(session: Session, organisation_id: int, *, limit: int = 100) -> Sequence[SigningProposal]:
    """The organisation's proposals, newest first, whatever their status."""
    return session.scalars(
        select(SigningProposal)
        .where(SigningProposal.organisation_id == organisation_id)
        .order_by(SigningProposal.proposed_at.desc(), SigningProposal.id.desc())
        .limit(limit)
    ).all()


def decided_proposals(
    session: Session, organisation_id: int, *, limit: int = 20
) -> Sequence[SigningProposal]:
    """The organisation's latest applied, withdrawn or rejected proposals, newest first."""
    return session.scalars(
        select(SigningProposal)
        .where(SigningProposal.organisation_id == organisation_id, SigningProposal.status != PENDING)
        .order_by(SigningProposal.id.desc())
        .limit(limit)
    ).all()


def _pending(session: Session, organisation_id: int, proposal_id: int) -> SigningProposal:
    """The organisation's proposal ``proposal_id`` if still pending: 404 if unknown, 409 if decided."""
    proposal = session.get(SigningProposal, proposal_id)
    if proposal is None or proposal.organisation_id != organisation_id:
        raise SigningRefusedError(_("No such proposed change."), status=404)
    if proposal.status != PENDING:
        raise SigningRefusedError(_DECIDED.get(proposal.status, _DECIDED[APPLIED]))
    return proposal


def approve(session: Session, actor: Actor, proposal_id: int) -> SigningWallet:
    """Apply a pending proposal as its second approver: the proposer cannot approve their own change."""
    organisation_id = _organisation(actor)
    proposal = _pending(session, organisation_id, proposal_id)
    if actor.user_id is None or proposal.proposed_by == actor.user_id:
        raise SigningRefusedError(
            _("A change needs a second approver: the person who proposed it cannot approve it."), status=403
        )
    definition = json.loads(proposal.definition)
    now = utcnow()
    if proposal.wallet_id is None:
        wallet = SigningWallet(
            organisation_id=organisation_id,
            name=definition["name"],
            kind=definition["kind"],
            definition=proposal.definition,
            created_at=now,
            updated_at=now,
        )
        session.add(wallet)
        session.flush()
        proposal.wallet_id = wallet.id
    else:
        wallet = wallet_of(session, organisation_id, proposal.wallet_id)
        wallet.name, wallet.definition, wallet.updated_at = definition["name"], proposal.definition, now
    proposal.status, proposal.approved_by, proposal.approved_at = APPLIED, actor.user_id, now
    audit(
        session,
        actor,
        "signing.change_approved",
        object_type="signing_proposal",
        object_id=proposal.id,
        details={"wallet": wallet.id, "proposed_by": proposal.proposed_by, "name": wallet.name},
    )
    return wallet


def withdraw(session: Session, actor: Actor, proposal_id: int) -> SigningProposal:
    """Withdraw a pending proposal: only its proposer may (another member rejects it instead)."""
    proposal = _pending(session, _organisation(actor), proposal_id)
    if actor.user_id is None or proposal.proposed_by != actor.user_id:
        raise SigningRefusedError(
            _("Only the person who proposed a change can withdraw it; reject it instead."), status=403
        )
    proposal.status, proposal.closed_by, proposal.closed_at = WITHDRAWN, actor.user_id, utcnow()
    audit(
        session,
        actor,
        "signing.change_withdrawn",
        object_type="signing_proposal",
        object_id=proposal.id,
        details={"wallet": proposal.wallet_id},
    )
    return proposal


def reject(session: Session, actor: Actor, proposal_id: int, reason: str) -> SigningProposal:
    """Reject a pending proposal as a second member, giving the reason; the proposer withdraws instead."""
    proposal = _pending(session, _organisation(actor), proposal_id)
    if actor.user_id is None or proposal.proposed_by == actor.user_id:
        raise SigningRefusedError(
            _("The person who proposed a change cannot reject it; withdraw it instead."), status=403
        )
    reason = reason.strip()
    if not reason:
        raise SigningRefusedError(_("Give the reason for rejecting the change."), status=422, where="reason")
    if len(reason) > MAX_REASON:
        raise SigningRefusedError(
            _("The reason is longer than %(n)s characters.", n=MAX_REASON), status=422, where="reason"
        )
    proposal.status, proposal.closed_by, proposal.closed_at = REJECTED, actor.user_id, utcnow()
    proposal.reason = reason
    audit(
        session,
        actor,
        "signing.change_rejected",
        object_type="signing_proposal",
        object_id=proposal.id,
        details={"wallet": proposal.wallet_id, "proposed_by": proposal.proposed_by, "reason": reason},
    )
    return proposal
