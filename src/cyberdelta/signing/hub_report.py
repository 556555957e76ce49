"""One-click report of a blocked transaction's address to the hub (docs/signing.md, "Reporting a
block to the hub").

A check blocked because a Safe transaction delegatecalls a contract outside the policy's allowlist
(``SAFE_DELEGATECALL_UNTRUSTED``: the Bybit pattern) or pays, calls or approves an address the firm's
screening flags (``DESTINATION_SCREENED``) names an address other members should know about. The
check's result page offers to report it; the report goes through the hub's sightings service
(:mod:`cyberdelta.intel.sightings`): a sighting of the indicator the hub already holds for the
address, else a new indicator with a sighting, under the TLP the reporter chooses.

The report must name one of the organisation's own recorded checks and a code that check recorded
as a block; the chain comes from the wallet the check was made for. The address is the one the
result page showed (the record keeps codes and paths, not addresses): what the reporter publishes is
its own statement, under its own identity, like any report to the hub.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from cyberdelta.intel import service, sightings
from cyberdelta.intel.caller import Caller
from cyberdelta.intel.tlp import Tlp
from cyberdelta.platform.actor import Actor
from cyberdelta.signing.errors import SigningInputError, SigningRefusedError
from cyberdelta.signing.models import SigningCheck, SigningWallet
from cyberdelta.signing.text import bilingual as _
from cyberdelta.signing.wallet_definition import read_definition

REPORTABLE = frozenset({"SAFE_DELEGATECALL_UNTRUSTED", "DESTINATION_SCREENED"})
# EIP-155 chain ids of the EVM chains the hub names (cyberdelta.intel.wallet.CHAINS).
HUB_CHAINS: Mapping[int, str] = {
    1: "ethereum",
    10: "optimism",
    56: "bnb-smart-chain",
    137: "polygon",
    42161: "arbitrum",
    43114: "avalanche-c",
}
_DELEGATE = re.compile(r"^Delegatecall to (\S+?),")


@dataclass(frozen=True)
class Reportable:
    """A blocking finding of a result that can be reported: its code and the address it names."""

    code: str
    address: str


def reportable(result: Mapping[str, Any]) -> list[Reportable]:
    """The blocking findings of a check's result (``sign-check --format json``) that name an
    address worth reporting, once per (code, address)."""
    found: dict[tuple[str, str], Reportable] = {}
    for finding in result.get("findings", []):
        code, message = finding.get("code"), finding.get("message_en") or ""
        if finding.get("severity") != "block" or code not in REPORTABLE:
            continue
        if code == "SAFE_DELEGATECALL_UNTRUSTED":
            match = _DELEGATE.match(message)
            address = match.group(1) if match else ""
        else:
            address = message.split(" ", 1)[0]
        if address:
            found.setdefault((code, address.lower()), Reportable(code, address))
    return list(found.values())


def _chain(session: Session, check: SigningCheck) -> str:
    if check.kind == "psbt":
        return "bitcoin"
    wallet = session.get(SigningWallet, check.wallet_id) if check.wallet_id is not None else None
    definition = read_definition(wallet.definition) if wallet is not None else None
    chain_id = definition.safe.chain_id if definition is not None and definition.safe is not None else None
    chain = HUB_CHAINS.get(chain_id or 0)
    if chain is None:
        raise SigningInputError("check_id", _("the hub does not name addresses of this wallet's chain"))
    return chain


def report_block(
    session: Session,
    actor: Actor,
    caller: Caller,
    *,
    check_id: int,
    code: str,
    address: str,
    tlp: Tlp,
    collection: str,
) -> sightings.SightingReport:
    """Report ``address`` from the organisation's blocked check ``check_id`` to the hub (audited by
    the sightings service: ``intel.publish`` and ``intel.sighting_reported``, origin ``signing``)."""
    check = session.get(SigningCheck, check_id)
    if check is None or check.organisation_id != actor.organisation_id:
        raise SigningRefusedError(_("No such check."), status=404, where="check_id")
    recorded = json.loads(check.findings)
    if not any(item.get("code") == code and item.get("severity") == "block" for item in recorded):
        raise SigningInputError("code", _("this check recorded no such block"))
    if code not in REPORTABLE:
        raise SigningInputError("code", _("only a malicious contract or a screened address is reported"))
    target = service.find_collection(session, collection)
    if target is None or not service.can_write(session, target, caller):
        raise SigningInputError("collection", _("choose a collection you may publish to"))
    observation = sightings.Observation(
        kind="address",
        value=address,
        chain=_chain(session, check),
        tlp=tlp,
        note=f"Blocked by the signing guard ({code})",
        seen_in="signing-block",
    )
    return sightings.report(
        session,
        caller,
        target,
        observation,
        actor=actor,
        origin="signing",
    )
