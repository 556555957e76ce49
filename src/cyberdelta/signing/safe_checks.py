"""Policy checks on a decoded Safe transaction (docs/signing.md, "Findings"): each check reads the
decoded calls, the policy and the approved request, and adds findings; none looks anything up."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from cyberdelta.signing.calls import ADMIN_CHANGES, Decoded
from cyberdelta.signing.ethereum import ZERO_ADDRESS, same_address
from cyberdelta.signing.findings import Finding, Severity
from cyberdelta.signing.policy import NATIVE, Policy, Request
from cyberdelta.signing.safe_hash import SafeTx
from cyberdelta.signing.safe_libraries import SAFE_LIBRARIES
from cyberdelta.signing.text import bilingual as _

UNLIMITED = 1 << 255  # approvals at or above this are "unlimited" in practice (2**256 - 1 is usual)


@dataclass(frozen=True)
class Movement:
    """Value leaving the Safe, or permission to take it: what a withdrawal request is compared with."""

    kind: str  # "transfer" or "approval"
    asset: str  # NATIVE or the token contract
    amount: int
    destination: str
    path: str


def movements(decoded: Decoded) -> list[Movement]:
    found: list[Movement] = []
    for leaf in decoded.leaves():
        call = leaf.call
        if call.operation == 1:
            continue  # code run as the Safe, not a payment: check_delegatecalls judges it
        if call.value:
            found.append(Movement("transfer", NATIVE, call.value, call.to, call.path))
        if leaf.kind in ("erc20_transfer", "erc20_transfer_from"):
            found.append(Movement("transfer", call.to, leaf.args["amount"], leaf.args["to"], call.path))
        elif leaf.kind == "erc20_approve":
            found.append(Movement("approval", call.to, leaf.args["amount"], leaf.args["spender"], call.path))
    return found


def _trusted_delegate(address: str, policy: Policy) -> bool:
    if any(same_address(address, allowed) for allowed in policy.delegatecall_allowlist):
        return True
    return policy.trust_safe_libraries and address in SAFE_LIBRARIES


def check_delegatecalls(decoded: Decoded, policy: Policy) -> list[Finding]:
    """A delegatecall runs the target's code as the Safe, with its storage and balance: at Bybit
    (February 2025) one replaced the Safe's logic. Only allowlisted targets pass."""
    findings: list[Finding] = []
    for item in decoded.walk():
        call = item.call
        if call.operation != 1:
            continue
        if _trusted_delegate(call.to, policy):
            name = SAFE_LIBRARIES.get(call.to, call.to)
            findings.append(
                Finding(
                    "SAFE_DELEGATECALL_ALLOWED",
                    Severity.INFO,
                    _("Delegatecall to %(name)s, which the policy allows.", name=name),
                    call.path,
                )
            )
        else:
            findings.append(
                Finding(
                    "SAFE_DELEGATECALL_UNTRUSTED",
                    Severity.BLOCK,
                    _(
                        "Delegatecall to %(to)s, which is not on the policy's allowlist: its code would run "
                        "as the Safe "
                        "and could take over the wallet. Do not sign.",
                        to=call.to,
                    ),
                    call.path,
                )
            )
    return findings


def check_administration(decoded: Decoded, tx: SafeTx, request: Request | None) -> list[Finding]:
    """Owners, threshold, modules, guard, fallback handler and singleton change only with a request
    that approves that kind of change."""
    allowed = set(request.changes) if request is not None and request.kind == "administration" else set()
    findings: list[Finding] = []
    for item in decoded.walk():
        change = ADMIN_CHANGES.get(item.kind)
        if change is None:
            continue
        if not same_address(item.call.to, tx.safe):
            findings.append(
                Finding(
                    "SAFE_ADMIN_OTHER_CONTRACT",
                    Severity.WARN,
                    _(
                        "%(method)s is called on %(to)s, not on this Safe.",
                        method=item.method,
                        to=item.call.to,
                    ),
                    item.call.path,
                )
            )
        elif change in allowed:
            findings.append(
                Finding(
                    "SAFE_ADMIN_APPROVED",
                    Severity.INFO,
                    _(
                        "%(method)s changes the Safe's %(change)s, as the request approves.",
                        method=item.method,
                        change=change,
                    ),
                    item.call.path,
                )
            )
        else:
            findings.append(
                Finding(
                    "SAFE_ADMIN_CHANGE",
                    Severity.BLOCK,
                    _(
                        "%(method)s changes the Safe's %(change)s and no approved request allows it.",
                        method=item.method,
                        change=change,
                    ),
                    item.call.path,
                )
            )
    return findings


def check_gas_refund(tx: SafeTx) -> list[Finding]:
    """With a non-zero gasPrice the Safe pays the executor back; a gasToken or refundReceiver set as
    well lets whoever executes drain tokens through the refund (Safe ``handlePayment``)."""
    if tx.gas_price == 0:
        return []
    if tx.gas_token != ZERO_ADDRESS or tx.refund_receiver != ZERO_ADDRESS:
        return [
            Finding(
                "SAFE_GAS_REFUND_REDIRECT",
                Severity.BLOCK,
                _(
                    "gasPrice is %(price)s with gas token %(token)s and refund receiver %(receiver)s: the "
                    "refund can "
                    "move funds out of the Safe.",
                    price=tx.gas_price,
                    token=tx.gas_token,
                    receiver=tx.refund_receiver,
                ),
                "$.gasPrice",
            )
        ]
    return [
        Finding(
            "SAFE_GAS_REFUND",
            Severity.WARN,
            _(
                "gasPrice is %(price)s: the Safe refunds the executor's gas in the native coin.",
                price=tx.gas_price,
            ),
            "$.gasPrice",
        )
    ]


def check_unknown_calls(decoded: Decoded, safe: str) -> list[Finding]:
    """A call this check cannot decode warns; one made to the Safe itself blocks, since every function
    the Safe exposes to itself changes its own configuration or runs code as it."""
    findings: list[Finding] = []
    for item in decoded.walk():
        if item.kind == "unknown" and same_address(item.call.to, safe):
            findings.append(
                Finding(
                    "SAFE_UNKNOWN_SELF_CALL",
                    Severity.BLOCK,
                    _(
                        "The Safe calls itself with selector %(selector)s, which this check does not know: "
                        "it may change the Safe's configuration. Do not sign.",
                        selector="0x" + item.call.data[:4].hex(),
                    ),
                    item.call.path,
                )
            )
        elif item.kind == "unknown":
            findings.append(
                Finding(
                    "CALL_UNKNOWN",
                    Severity.WARN,
                    _(
                        "The call to %(to)s (selector %(selector)s) is not one this check can decode; "
                        "compare it with "
                        "the contract's source before signing.",
                        to=item.call.to,
                        selector="0x" + item.call.data[:4].hex(),
                    ),
                    item.call.path,
                )
            )
        elif item.problem is not None:
            findings.append(
                Finding(
                    "CALL_MALFORMED",
                    Severity.BLOCK,
                    _(
                        "The call to %(to)s cannot be decoded: %(problem)s.",
                        to=item.call.to,
                        problem=item.problem,
                    ),
                    item.call.path,
                )
            )
    return findings


def check_nested_approvals(decoded: Decoded) -> list[Finding]:
    """``approveHash`` is how a Safe that owns another Safe signs for it: the approved hash is a second
    transaction, to be checked on its own before this one is signed."""
    return [
        Finding(
            "SAFE_APPROVE_HASH",
            Severity.WARN,
            _(
                "This approves Safe transaction %(hash)s on %(to)s: check that transaction on its own "
                "(sign-check its JSON) before signing this one.",
                hash=item.args["hash"],
                to=item.call.to,
            ),
            item.call.path,
        )
        for item in decoded.walk()
        if item.kind == "approve_hash"
    ]


def check_screening(decoded: Decoded, found: list[Movement], policy: Policy) -> list[Finding]:
    """Addresses the firm's screening flags (sanctions lists, the hub's indicators), exported into the
    policy for the offline machine: none may be called, paid or approved."""
    if not policy.screened_addresses:
        return []
    flagged: dict[str, str] = {}
    for item in decoded.walk():
        flagged.setdefault(item.call.to.lower(), item.call.path)
    for movement in found:
        flagged.setdefault(movement.destination.lower(), movement.path)
    screened = {address.lower() for address in policy.screened_addresses}
    return [
        Finding(
            "DESTINATION_SCREENED",
            Severity.BLOCK,
            _("%(address)s is on the firm's screening list. Do not sign.", address=address),
            path,
        )
        for address, path in flagged.items()
        if address in screened
    ]


def check_movements(found: list[Movement], policy: Policy) -> list[Finding]:
    """Destinations and tokens against the withdrawal allowlist; totals per asset against the limits."""
    findings: list[Finding] = []
    totals: dict[str, int] = defaultdict(int)
    for movement in found:
        if policy.destinations and not any(
            same_address(movement.destination, d) for d in policy.destinations
        ):
            findings.append(
                Finding(
                    "DESTINATION_NOT_ALLOWED",
                    Severity.BLOCK,
                    _(
                        "%(destination)s is not on the withdrawal allowlist.",
                        destination=movement.destination,
                    ),
                    movement.path,
                )
            )
        if (
            movement.asset != NATIVE
            and policy.tokens
            and not any(same_address(movement.asset, t) for t in policy.tokens)
        ):
            findings.append(
                Finding(
                    "TOKEN_NOT_ALLOWED",
                    Severity.BLOCK,
                    _("Token %(token)s is not on the allowlist.", token=movement.asset),
                    movement.path,
                )
            )
        if movement.kind == "approval" and movement.amount >= UNLIMITED:
            findings.append(
                Finding(
                    "APPROVAL_UNLIMITED",
                    Severity.WARN,
                    _(
                        "%(spender)s is approved to take an unlimited amount of %(token)s.",
                        spender=movement.destination,
                        token=movement.asset,
                    ),
                    movement.path,
                )
            )
        totals[movement.asset] += movement.amount
    for asset, total in totals.items():
        limit = policy.limit_for(asset)
        if limit is not None and total > limit:
            findings.append(
                Finding(
                    "LIMIT_EXCEEDED",
                    Severity.BLOCK,
                    _(
                        "%(total)s of %(asset)s exceeds the limit of %(limit)s.",
                        total=total,
                        asset=asset,
                        limit=limit,
                    ),
                )
            )
    if found and not policy.destinations:
        findings.append(
            Finding(
                "NO_ALLOWLIST",
                Severity.INFO,
                _("No withdrawal allowlist is configured; destinations were not checked."),
            )
        )
    return findings


def check_request(
    decoded: Decoded, found: list[Movement], request: Request | None, safe: str
) -> list[Finding]:
    """The transaction must do what the approved request says and nothing else; an administration
    request covers calls that administer this Safe (``safe``), not another contract."""
    if request is None:
        return []
    leaves = decoded.leaves()
    if request.kind == "administration":
        own = [
            leaf
            for leaf in leaves
            if leaf.kind in ADMIN_CHANGES and leaf.call.operation == 0 and same_address(leaf.call.to, safe)
        ]
        changes = {ADMIN_CHANGES[leaf.kind] for leaf in own}
        other = [leaf for leaf in leaves if leaf not in own]
        missing = sorted(set(request.changes) - changes)
        if other or found or missing:
            return [
                Finding(
                    "REQUEST_MISMATCH",
                    Severity.BLOCK,
                    _(
                        "Request %(id)s approves changes of %(changes)s only; the transaction does "
                        "something else or less.",
                        id=request.id,
                        changes=", ".join(request.changes),
                    ),
                )
            ]
        return [
            Finding(
                "REQUEST_MATCHED",
                Severity.INFO,
                _("The transaction carries out request %(id)s.", id=request.id),
            )
        ]
    effects = [leaf for leaf in leaves if leaf.kind != "empty"]
    matches = (
        len(found) == 1
        and len(effects) == 1
        and found[0].kind == "transfer"
        and effects[0].kind in ("native_transfer", "erc20_transfer")
        and found[0].asset == request.asset
        and found[0].amount == request.amount
        and request.destination is not None
        and same_address(found[0].destination, request.destination)
    )
    if matches:
        return [
            Finding(
                "REQUEST_MATCHED",
                Severity.INFO,
                _("The transaction carries out request %(id)s.", id=request.id),
            )
        ]
    shown = "; ".join(f"{m.kind} {m.amount} {m.asset} → {m.destination}" for m in found) or "-"
    return [
        Finding(
            "REQUEST_MISMATCH",
            Severity.BLOCK,
            _(
                "Request %(id)s approves %(amount)s of %(asset)s to %(destination)s and nothing else; the "
                "transaction "
                "does: %(found)s (%(calls)s calls).",
                id=request.id,
                amount=request.amount,
                asset=request.asset,
                destination=request.destination,
                found=shown,
                calls=len(effects),
            ),
        )
    ]
