"""One check of a Safe transaction: settle the chain id and version, compute the hashes, decode the
calls and run every policy check (docs/signing.md, "Safe transactions")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cyberdelta.signing import safe_checks
from cyberdelta.signing.calls import Call, Decoded, decode_call
from cyberdelta.signing.errors import SigningInputError
from cyberdelta.signing.findings import Finding, Severity, Verdict, verdict
from cyberdelta.signing.policy import Policy, Request
from cyberdelta.signing.safe_hash import SafeTx, SafeTxHashes, safe_tx_hashes
from cyberdelta.signing.safe_input import SafeInput
from cyberdelta.signing.safe_versions import Layout, SafeVersion
from cyberdelta.signing.text import bilingual as _


@dataclass(frozen=True)
class SafeReview:
    tx: SafeTx
    chain_id: int | None
    version: str  # the version given, or the layout typed data implies
    hashes: SafeTxHashes
    decoded: Decoded
    findings: list[Finding]

    @property
    def verdict(self) -> Verdict:
        return verdict(self.findings)

    def as_json(self) -> dict[str, Any]:
        tx = self.tx
        return {
            "kind": "safe",
            "safe": tx.safe,
            "chain_id": self.chain_id,
            "safe_version": self.version,
            "domain_hash": "0x" + self.hashes.domain_hash.hex(),
            "message_hash": "0x" + self.hashes.message_hash.hex(),
            "safe_tx_hash": "0x" + self.hashes.safe_tx_hash.hex(),
            "transaction": {
                "to": tx.to,
                "value": str(tx.value),
                "data": "0x" + tx.data.hex(),
                "operation": tx.operation,
                "safeTxGas": str(tx.safe_tx_gas),
                "baseGas": str(tx.base_gas),
                "gasPrice": str(tx.gas_price),
                "gasToken": tx.gas_token,
                "refundReceiver": tx.refund_receiver,
                "nonce": str(tx.nonce),
            },
            "decoded": self.decoded.as_json(),
            "verdict": self.verdict,
            "findings": [finding.as_json() for finding in self.findings],
        }


def _settle(
    parsed: SafeInput, chain_id: int | None, version: SafeVersion | None
) -> tuple[int | None, Layout, str]:
    if chain_id is not None and parsed.chain_id is not None and chain_id != parsed.chain_id:
        raise SigningInputError(
            "--chain-id",
            _(
                "%(given)s differs from the chain id %(found)s in the file",
                given=chain_id,
                found=parsed.chain_id,
            ),
        )
    chain = chain_id if chain_id is not None else parsed.chain_id
    if chain is not None and not 0 < chain < 1 << 256:
        raise SigningInputError("--chain-id", _("a chain id is a positive integer below 2**256"))
    if version is not None and parsed.version is not None and version.number != parsed.version.number:
        raise SigningInputError(
            "--safe-version",
            _(
                "%(given)s differs from the version %(found)s in the file",
                given=version.text,
                found=parsed.version.text,
            ),
        )
    chosen = version or parsed.version
    if parsed.layout is not None:
        if chosen is not None and chosen.layout != parsed.layout:
            raise SigningInputError(
                "--safe-version",
                _(
                    "Safe %(version)s does not sign the EIP-712 types this typed data declares",
                    version=chosen.text,
                ),
            )
        layout, label = parsed.layout, chosen.text if chosen else "typed-data"
    elif chosen is None:
        raise SigningInputError(
            "--safe-version", _("the Safe's version is needed to compute its hashes (for example 1.3.0)")
        )
    else:
        layout, label = chosen.layout, chosen.text
    if layout.domain_has_chain_id and chain is None:
        raise SigningInputError(
            "--chain-id", _("a Safe of version 1.3.0 or later signs the chain id; give --chain-id")
        )
    return chain, layout, label


def review_safe(
    parsed: SafeInput,
    *,
    chain_id: int | None = None,
    version: SafeVersion | None = None,
    policy: Policy | None = None,
    request: Request | None = None,
) -> SafeReview:
    chain, layout, label = _settle(parsed, chain_id, version)
    tx = parsed.tx
    hashes = safe_tx_hashes(tx, chain, layout)
    decoded = decode_call(Call(tx.to, tx.value, tx.data, tx.operation))
    rules = policy or Policy()
    findings: list[Finding] = []
    if parsed.claimed_safe_tx_hash is not None and parsed.claimed_safe_tx_hash != hashes.safe_tx_hash:
        findings.append(
            Finding(
                "SAFE_HASH_MISMATCH",
                Severity.BLOCK,
                _(
                    "The file claims safeTxHash %(claimed)s but its fields hash to %(computed)s: the fields "
                    "were altered or "
                    "belong to another Safe, chain or version.",
                    claimed="0x" + parsed.claimed_safe_tx_hash.hex(),
                    computed="0x" + hashes.safe_tx_hash.hex(),
                ),
                "$.safeTxHash",
            )
        )
    actual = decoded.method.split("(")[0] if decoded.method else None
    if parsed.claimed_method is not None and parsed.claimed_method != actual:
        findings.append(
            Finding(
                "SERVICE_DECODING_DIFFERS",
                Severity.WARN,
                _(
                    "The Transaction Service describes this call as %(claimed)s but its bytes decode as "
                    "%(actual)s: do not rely on the service's description.",
                    claimed=parsed.claimed_method,
                    actual=decoded.method or decoded.kind,
                ),
                "$.dataDecoded",
            )
        )
    if not layout.domain_has_chain_id:
        findings.append(
            Finding(
                "SAFE_NO_CHAIN_ID",
                Severity.INFO,
                _(
                    "This Safe version's signatures do not name the chain: they are valid for the same Safe "
                    "address on every chain."
                ),
            )
        )
    found = safe_checks.movements(decoded)
    findings += safe_checks.check_delegatecalls(decoded, rules)
    findings += safe_checks.check_administration(decoded, tx, request)
    findings += safe_checks.check_gas_refund(tx)
    findings += safe_checks.check_unknown_calls(decoded, tx.safe)
    findings += safe_checks.check_nested_approvals(decoded)
    findings += safe_checks.check_screening(decoded, found, rules)
    findings += safe_checks.check_movements(found, rules)
    findings += safe_checks.check_request(decoded, found, request, tx.safe)
    return SafeReview(tx, chain, label, hashes, decoded, findings)
