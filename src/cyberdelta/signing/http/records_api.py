"""The wallet team's JSON reads (docs/signing.md, "Reading wallets, proposals and checks"):
``GET /api/v1/signing/wallets`` (and one by its public id), ``/proposals`` and ``/checks``.

Reading needs ``signing:check``, which API tokens may be given; changing a wallet stays on the page
with a passkey step-up (:mod:`cyberdelta.signing.http.signing`). Another organisation's wallet,
proposal or check answers 404. The services read; these handlers only translate row ids into
public ids.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.deps import SessionDep
from cyberdelta.platform.web.public_ids import encode, public_id
from cyberdelta.platform.web.schemas import error_responses
from cyberdelta.signing.check_records import recent_checks
from cyberdelta.signing.listings import check_of, definition_json, findings_json, people, proposal_of, tokens
from cyberdelta.signing.models import SigningCheck, SigningProposal, SigningWallet
from cyberdelta.signing.wallets import proposals_of, wallet_of, wallets_of
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal

api = APIRouter(prefix="/api/v1/signing", tags=["signing"], responses=error_responses(401, 403, 404))
Reader = Annotated[Principal, Depends(require(Permission.SIGNING_CHECK))]
WalletId = Annotated[int, Depends(public_id("wallet_id"))]
ProposalId = Annotated[int, Depends(public_id("proposal_id"))]
CheckId = Annotated[int, Depends(public_id("check_id"))]
Limit = Annotated[int, Query(ge=1, le=500, description="How many, newest first")]


class WalletOut(BaseModel):
    """A registered wallet and its definition in force (the last approved proposal)."""

    wallet_id: str
    name: str
    kind: str
    definition: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class ProposalOut(BaseModel):
    """A proposed new wallet or new definition; ``status`` pending, applied, withdrawn or rejected."""

    proposal_id: str
    wallet_id: str | None
    status: str
    definition: dict[str, Any]
    proposed_by: str | None
    proposed_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    closed_by: str | None
    closed_at: datetime | None
    reason: str | None


class RecordedFinding(BaseModel):
    code: str
    severity: str
    path: str | None


class CheckRecordOut(BaseModel):
    """One recorded check: who, when, what (the input's SHA-256), the verdict and the findings."""

    check_id: str
    wallet_id: str | None
    kind: str
    checked_by: str | None = Field(description="The person, or the creator of the token used")
    token: str | None = Field(description="The name of the API token the check came through")
    checked_at: datetime
    input_sha256: str
    verdict: str
    block_count: int
    findings: list[RecordedFinding]


def _organisation(principal: Principal) -> int:
    return principal.organisation_id if principal.organisation_id is not None else -1


def _wallet(request: Request, wallet: SigningWallet) -> WalletOut:
    return WalletOut(
        wallet_id=encode(request, "wallet_id", wallet.id),
        name=wallet.name,
        kind=wallet.kind,
        definition=definition_json(wallet.definition),
        created_at=wallet.created_at,
        updated_at=wallet.updated_at,
    )


def _proposal(request: Request, proposal: SigningProposal, names: dict[int, str]) -> ProposalOut:
    def name(user_id: int | None) -> str | None:
        return names.get(user_id) if user_id is not None else None

    return ProposalOut(
        proposal_id=encode(request, "proposal_id", proposal.id),
        wallet_id=encode(request, "wallet_id", proposal.wallet_id) if proposal.wallet_id else None,
        status=proposal.status,
        definition=definition_json(proposal.definition),
        proposed_by=name(proposal.proposed_by),
        proposed_at=proposal.proposed_at,
        approved_by=name(proposal.approved_by),
        approved_at=proposal.approved_at,
        closed_by=name(proposal.closed_by),
        closed_at=proposal.closed_at,
        reason=proposal.reason,
    )


def _check(
    request: Request, record: SigningCheck, names: dict[int, str], token_names: dict[int, str]
) -> CheckRecordOut:
    return CheckRecordOut(
        check_id=encode(request, "check_id", record.id),
        wallet_id=encode(request, "wallet_id", record.wallet_id) if record.wallet_id else None,
        kind=record.kind,
        checked_by=names.get(record.checked_by) if record.checked_by is not None else None,
        token=token_names.get(record.token_id) if record.token_id is not None else None,
        checked_at=record.checked_at,
        input_sha256=record.input_sha256,
        verdict=record.verdict,
        block_count=record.block_count,
        findings=[RecordedFinding.model_validate(finding) for finding in findings_json(record)],
    )


@api.get("/wallets", response_model=list[WalletOut])
def list_wallets(request: Request, session: SessionDep, principal: Reader) -> list[WalletOut]:
    """The organisation's wallets with their definition in force."""
    return [_wallet(request, wallet) for wallet in wallets_of(session, _organisation(principal))]


@api.get("/wallets/{wallet_id}", response_model=WalletOut)
def read_wallet(request: Request, session: SessionDep, principal: Reader, wallet_id: WalletId) -> WalletOut:
    return _wallet(request, wallet_of(session, _organisation(principal), wallet_id))


@api.get("/proposals", response_model=list[ProposalOut])
def list_proposals(
    request: Request, session: SessionDep, principal: Reader, limit: Limit = 100
) -> list[ProposalOut]:
    """The organisation's proposals, newest first, whatever their status."""
    rows = proposals_of(session, _organisation(principal), limit=limit)
    names = people(session, [i for p in rows for i in (p.proposed_by, p.approved_by, p.closed_by)])
    return [_proposal(request, proposal, names) for proposal in rows]


@api.get("/proposals/{proposal_id}", response_model=ProposalOut)
def read_proposal(
    request: Request, session: SessionDep, principal: Reader, proposal_id: ProposalId
) -> ProposalOut:
    proposal = proposal_of(session, _organisation(principal), proposal_id)
    names = people(session, [proposal.proposed_by, proposal.approved_by, proposal.closed_by])
    return _proposal(request, proposal, names)


@api.get("/checks", response_model=list[CheckRecordOut])
def list_checks(
    request: Request, session: SessionDep, principal: Reader, limit: Limit = 100
) -> list[CheckRecordOut]:
    """The record of the organisation's checks, newest first."""
    rows = recent_checks(session, _organisation(principal), limit=limit)
    names = people(session, [record.checked_by for record in rows])
    token_names = tokens(session, [record.token_id for record in rows])
    return [_check(request, record, names, token_names) for record in rows]


@api.get("/checks/{check_id}", response_model=CheckRecordOut)
def read_check(request: Request, session: SessionDep, principal: Reader, check_id: CheckId) -> CheckRecordOut:
    record = check_of(session, _organisation(principal), check_id)
    return _check(request, record, people(session, [record.checked_by]), tokens(session, [record.token_id]))
