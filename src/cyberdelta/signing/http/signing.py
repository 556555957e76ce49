"""The wallet team's page and ``POST /api/v1/signing/checks`` (docs/signing.md, "In the platform").

Checking needs ``signing:check``; proposing, approving, withdrawing and rejecting changes to
wallets needs ``signing:manage``, a step-up permission, and is offered on the page only (an API
token carries no passkey assertion). The services audit; these handlers only translate.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext
from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep
from cyberdelta.platform.web.public_ids import PUBLIC_ID_PATTERN, codec, encode, public_id
from cyberdelta.platform.web.schemas import MAX_ROW_ID, error_responses
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to
from cyberdelta.screening.http.screening import live_sources
from cyberdelta.signing.check_records import MAX_INPUT, check_transaction, recent_checks, usage
from cyberdelta.signing.http.hub_report import report_context
from cyberdelta.signing.safe_input import read_json
from cyberdelta.signing.wallets import (
    approve,
    decided_proposals,
    pending_proposals,
    propose,
    reject,
    wallets_of,
    withdraw,
)
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal

pages = APIRouter(prefix="/signing", include_in_schema=False)
api = APIRouter(prefix="/api/v1/signing", tags=["signing"], responses=error_responses(401, 403, 404))
Checker = Annotated[Principal, Depends(require(Permission.SIGNING_CHECK))]
Manager = Annotated[Principal, Depends(require(Permission.SIGNING_MANAGE))]
ProposalId = Annotated[int, Depends(public_id("proposal_id"))]


def _wallet_row(request: Request, value: str, field: str = "wallet_id") -> int:
    found = codec(request).decode("signing_wallet", value)
    if found is None or not 1 <= found <= MAX_ROW_ID:
        raise HTTPException(status_code=404, detail=gettext("%(field)s: no such id", field=field))
    return found


class CheckIn(BaseModel):
    """A transaction to check for one of the organisation's wallets."""

    model_config = ConfigDict(extra="forbid")

    wallet_id: str = Field(pattern=PUBLIC_ID_PATTERN, description="Public id of the wallet")
    kind: Literal["safe", "psbt"]
    transaction: str | dict[str, Any] = Field(
        description="Safe Transaction Service JSON or EIP-712 typed data (object or text); PSBT base64 or hex"
    )
    request: dict[str, Any] | None = Field(default=None, description="The approved request (docs/signing.md)")


class FindingOut(BaseModel):
    code: str
    severity: str
    message_ja: str
    message_en: str
    path: str | None


class CheckOut(BaseModel):
    check_id: str = Field(
        description="Public id of the check's record (GET /api/v1/signing/checks/{check_id})"
    )
    verdict: str
    input_sha256: str
    findings: list[FindingOut]
    result: dict[str, Any]


@api.post("/checks", response_model=CheckOut)
def api_check(body: CheckIn, request: Request, session: SessionDep, principal: Checker) -> CheckOut:
    """Check a Safe transaction or a PSBT with the wallet's stored policy; the check is recorded and
    audited. Input that cannot be checked answers 422 naming the field, and nothing is recorded."""
    wallet_id = _wallet_row(request, body.wallet_id)
    # Text is checked (and hashed) as given; an object as its canonical JSON (docs/signing.md).
    text = (
        body.transaction
        if isinstance(body.transaction, str)
        else json.dumps(body.transaction, sort_keys=True, separators=(",", ":"))
    )
    outcome = check_transaction(
        session,
        actor_of(request, principal),
        wallet_id=wallet_id,
        kind=body.kind,
        text=text,
        request=body.request,
        live=live_sources(request),
    )
    result = outcome.result
    return CheckOut(
        check_id=encode(request, "check_id", outcome.record.id),
        verdict=result["verdict"],
        input_sha256=result["input_sha256"],
        findings=[FindingOut.model_validate(f) for f in result["findings"]],
        result=result,
    )


def _page(request: Request, session: SessionDep, principal: Principal, **context: Any) -> HTMLResponse:
    organisation_id = principal.organisation_id or 0
    return render(
        request,
        "signing/signing.html",
        {
            "wallets": wallets_of(session, organisation_id),
            "proposals": pending_proposals(session, organisation_id),
            "decided": decided_proposals(session, organisation_id),
            "checks": recent_checks(session, organisation_id),
            "usage": usage(session, organisation_id),
            "may_manage": principal.has(Permission.SIGNING_MANAGE),
            "user_id": principal.user_id,
            **context,
        },
    )


@pages.get("", response_class=HTMLResponse)
def signing_page(request: Request, session: SessionDep, principal: Checker) -> HTMLResponse:
    return _page(request, session, principal, outcome=None, error=None)


@pages.post("/checks", response_class=HTMLResponse)
def check_submit(
    request: Request,
    session: SessionDep,
    principal: Checker,
    wallet_id: Annotated[str, Form(max_length=40)],
    kind: Annotated[Literal["safe", "psbt"], Form()],
    transaction: Annotated[str, Form(max_length=MAX_INPUT)],
    approved_request: Annotated[str, Form(max_length=20_000)] = "",
) -> HTMLResponse:
    row = _wallet_row(request, wallet_id)
    try:
        document = read_json(approved_request.encode(), "request") if approved_request.strip() else None
        outcome = check_transaction(
            session,
            actor_of(request, principal),
            wallet_id=row,
            kind=kind,
            text=transaction,
            request=document,
            live=live_sources(request),
        )
    except DomainError as error:
        response = _page(request, session, principal, outcome=None, error=error)
        response.status_code = 422
        return response
    report = report_context(session, principal, outcome)  # a block worth reporting to the hub
    return _page(request, session, principal, outcome=outcome.result, error=None, report=report)


@pages.post("/proposals")
def propose_submit(
    request: Request,
    session: SessionDep,
    principal: Manager,
    definition: Annotated[str, Form(max_length=200_000)],
    wallet_id: Annotated[str, Form(max_length=40)] = "",
) -> RedirectResponse:
    """Propose a new wallet, or (with ``wallet_id``) a new definition of one (needs a second approver)."""
    row = _wallet_row(request, wallet_id) if wallet_id else None
    document = read_json(definition.encode(), "wallet")
    propose(session, actor_of(request, principal), document, wallet_id=row)
    return redirect_to(request, "signing.signing_page", fragment="proposals")


@pages.post("/proposals/{proposal_id}/approve")
def approve_submit(
    request: Request, session: SessionDep, principal: Manager, proposal_id: ProposalId
) -> RedirectResponse:
    approve(session, actor_of(request, principal), proposal_id)
    return redirect_to(request, "signing.signing_page", fragment="wallets")


@pages.post("/proposals/{proposal_id}/withdraw")
def withdraw_submit(
    request: Request, session: SessionDep, principal: Manager, proposal_id: ProposalId
) -> RedirectResponse:
    """The proposer takes back their own pending change."""
    withdraw(session, actor_of(request, principal), proposal_id)
    return redirect_to(request, "signing.signing_page", fragment="proposals")


@pages.post("/proposals/{proposal_id}/reject")
def reject_submit(
    request: Request,
    session: SessionDep,
    principal: Manager,
    proposal_id: ProposalId,
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> RedirectResponse:
    """Another member refuses a pending change, with the reason."""
    reject(session, actor_of(request, principal), proposal_id, reason)
    return redirect_to(request, "signing.signing_page", fragment="proposals")
