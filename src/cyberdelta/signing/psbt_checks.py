"""Policy checks on a reviewed PSBT (docs/signing.md, "Findings"): amounts that cannot be verified,
unusual signature hash types, the fee, destinations, limits and the approved request."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from cyberdelta.signing.findings import Finding, Severity
from cyberdelta.signing.policy import Policy, Request
from cyberdelta.signing.text import Text
from cyberdelta.signing.text import bilingual as _

if TYPE_CHECKING:
    from cyberdelta.signing.psbt_review import PsbtReview

HIGH_FEE_RATE = Decimal(1000)  # sat/vB; far above any fee market so far
SIGHASH_DEFAULT, SIGHASH_ALL = 0x00, 0x01


SCRIPT_PROBLEMS: dict[str, Callable[[int], Text]] = {
    "redeem_script_hash": lambda index: _(
        "Input %(index)s: the redeemScript does not hash to the P2SH output it spends; do not sign it "
        "(BIP-174, Signer).",
        index=index,
    ),
    "redeem_script_not_p2sh": lambda index: _(
        "Input %(index)s: a redeemScript is given for an output that is not P2SH; do not sign it "
        "(BIP-174, Signer).",
        index=index,
    ),
    "witness_utxo_not_segwit": lambda index: _(
        "Input %(index)s: a witness UTXO is given for an output that is not segwit, so its amount is not "
        "signed; do not sign it (BIP-174, Signer).",
        index=index,
    ),
    "witness_script_not_p2wsh": lambda index: _(
        "Input %(index)s: a witnessScript is given for an output that is not P2WSH; do not sign it "
        "(BIP-174, Signer).",
        index=index,
    ),
    "witness_script_hash": lambda index: _(
        "Input %(index)s: the witnessScript does not hash to the P2WSH program it spends; do not sign it "
        "(BIP-174, Signer).",
        index=index,
    ),
}


def check_inputs(review: PsbtReview) -> list[Finding]:
    findings: list[Finding] = []
    for item in review.inputs:
        where = f"input[{item.index}]"
        if item.amount is None and not any(
            f.code == "INPUT_UTXO_MISMATCH" and f.path == where for f in review.findings
        ):
            findings.append(
                Finding(
                    "INPUT_AMOUNT_UNKNOWN",
                    Severity.BLOCK,
                    _(
                        "Input %(index)s does not carry the output it spends: its amount and the fee cannot "
                        "be verified.",
                        index=item.index,
                    ),
                    where,
                )
            )
        if item.script_problem is not None:
            findings.append(
                Finding(
                    "INPUT_SCRIPT_MISMATCH",
                    Severity.BLOCK,
                    SCRIPT_PROBLEMS[item.script_problem](item.index),
                    where,
                )
            )
        if item.sighash not in (None, SIGHASH_DEFAULT, SIGHASH_ALL):
            findings.append(
                Finding(
                    "SIGHASH_NOT_ALL",
                    Severity.WARN,
                    _(
                        "Input %(index)s asks for signature hash type %(type)s: the signature would not "
                        "cover every input "
                        "and output, so others could change them.",
                        index=item.index,
                        type=hex(item.sighash),
                    ),
                    where,
                )
            )
    return findings


def check_fee(review: PsbtReview, policy: Policy) -> list[Finding]:
    rate = review.fee_rate
    if review.fee is None or rate is None:
        return []
    if review.fee < 0:
        return [
            Finding(
                "FEE_NEGATIVE",
                Severity.BLOCK,
                _("The outputs are worth more than the inputs: the transaction is invalid."),
            )
        ]
    findings: list[Finding] = []
    ceiling = policy.bitcoin.max_fee_rate_sat_vb
    if ceiling is not None and rate > ceiling:
        findings.append(
            Finding(
                "FEE_RATE_ABOVE_LIMIT",
                Severity.BLOCK,
                _(
                    "The fee rate of about %(rate)s sat/vB is above the policy's %(limit)s sat/vB.",
                    rate=rate,
                    limit=ceiling,
                ),
            )
        )
    elif ceiling is None and rate > HIGH_FEE_RATE:
        findings.append(
            Finding(
                "FEE_RATE_HIGH",
                Severity.WARN,
                _("The fee rate of about %(rate)s sat/vB is unusually high.", rate=rate),
            )
        )
    maximum = policy.bitcoin.max_fee_sat
    if isinstance(maximum, int) and review.fee > maximum:
        findings.append(
            Finding(
                "FEE_ABOVE_LIMIT",
                Severity.BLOCK,
                _(
                    "The fee of %(fee)s sat is above the policy's %(limit)s sat.",
                    fee=review.fee,
                    limit=maximum,
                ),
            )
        )
    return findings


def check_outputs(review: PsbtReview, policy: Policy) -> list[Finding]:
    findings: list[Finding] = []
    sent = 0
    for out in review.outputs:
        where = f"output[{out.index}]"
        if out.change_problem is not None:
            findings.append(
                Finding(
                    "CHANGE_SCRIPT_MISMATCH",
                    Severity.BLOCK,
                    _(
                        "Output %(index)s claims to be change but pays a different script than the "
                        "registered key derives.",
                        index=out.index,
                    ),
                    where,
                )
            )
            continue
        if out.change:
            findings.append(
                Finding(
                    "CHANGE_RECOGNISED",
                    Severity.INFO,
                    _("Output %(index)s returns change to a registered descriptor.", index=out.index),
                    where,
                )
            )
            continue
        sent += out.amount
        shown = out.address or out.script.hex()
        if out.address is not None and out.address in policy.screened_addresses:
            findings.append(
                Finding(
                    "DESTINATION_SCREENED",
                    Severity.BLOCK,
                    _("%(address)s is on the firm's screening list. Do not sign.", address=out.address),
                    where,
                )
            )
        if policy.destinations and (out.address is None or out.address not in policy.destinations):
            findings.append(
                Finding(
                    "DESTINATION_NOT_ALLOWED",
                    Severity.BLOCK,
                    _("%(destination)s is not on the withdrawal allowlist.", destination=shown),
                    where,
                )
            )
    limit = policy.limit_for("BTC")
    if limit is not None and sent > limit:
        findings.append(
            Finding(
                "LIMIT_EXCEEDED",
                Severity.BLOCK,
                _(
                    "%(total)s of %(asset)s exceeds the limit of %(limit)s.",
                    total=sent,
                    asset="BTC",
                    limit=limit,
                ),
            )
        )
    if sent and not policy.destinations:
        findings.append(
            Finding(
                "NO_ALLOWLIST",
                Severity.INFO,
                _("No withdrawal allowlist is configured; destinations were not checked."),
            )
        )
    return findings


def check_request(review: PsbtReview, request: Request | None) -> list[Finding]:
    if request is None:
        return []
    paid = [out for out in review.outputs if not out.change]
    matches = (
        request.kind == "withdrawal"
        and request.asset == "BTC"
        and len(paid) == 1
        and paid[0].amount == request.amount
        and paid[0].address is not None
        and request.destination is not None
        and paid[0].address == request.destination
    )
    if matches:
        return [
            Finding(
                "REQUEST_MATCHED",
                Severity.INFO,
                _("The transaction carries out request %(id)s.", id=request.id),
            )
        ]
    shown = "; ".join(f"{out.amount} sat → {out.address or out.script.hex()}" for out in paid) or "-"
    return [
        Finding(
            "REQUEST_MISMATCH",
            Severity.BLOCK,
            _(
                "Request %(id)s approves %(amount)s of %(asset)s to %(destination)s and nothing else; the "
                "transaction "
                "pays: %(found)s.",
                id=request.id,
                amount=request.amount,
                asset=request.asset,
                destination=request.destination,
                found=shown,
            ),
        )
    ]
