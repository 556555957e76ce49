"""What a Safe transaction does, decoded, and the policy and request checks on it (docs/signing.md,
"Findings"), on real-shaped transactions built here and on the real Bybit transaction."""

from __future__ import annotations

from typing import Any

import pytest

from cyberdelta.signing.errors import SigningInputError
from cyberdelta.signing.policy import Policy, Request, load_policy, load_request
from cyberdelta.signing.safe_input import parse_safe_document
from cyberdelta.signing.safe_review import SafeReview, review_safe
from cyberdelta.signing.safe_versions import parse_version
from tests.signing.safe_fixtures import (
    BYBIT,
    MULTISEND_CALL_ONLY_141,
    PUBLISHED,
    call_data,
    multisend,
    service_tx,
)

SAFE = "0x5EA1d9A6dDC3A0329378a327746D71A2019eC332"
USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
ALICE = "0x1FE27A73Cd9f0b3C53b6E936D0b4F9B2f8ca3367"
MALLORY = "0x47666Fab8bd0Ac7003bce3f5C3585383F09486E2"
MODULE = "0xCFbFaC74C26F8647cBDb8c5caf80BB5b32E43134"


def check(
    document: dict[str, Any], policy: dict[str, Any] | None = None, request: dict[str, Any] | None = None
) -> SafeReview:
    return review_safe(
        parse_safe_document(document),
        chain_id=1,
        version=parse_version("1.4.1", "v"),
        policy=load_policy(policy) if policy is not None else None,
        request=load_request(request) if request is not None else None,
    )


def codes(review: SafeReview) -> set[str]:
    return {finding.code for finding in review.findings}


def usdc_transfer(to: str, amount: int) -> str:
    return call_data("transfer(address,uint256)", ["address", "uint256"], [to, amount])


def test_the_bybit_transaction_is_blocked_as_an_untrusted_delegatecall() -> None:
    review = review_safe(parse_safe_document(BYBIT), chain_id=1, version=parse_version("1.1.1", "v"))
    assert review.verdict == "block"
    assert "SAFE_DELEGATECALL_UNTRUSTED" in codes(review)
    assert review.decoded.kind == "erc20_transfer"  # what the signers were shown, run as the Safe itself
    assert review.as_json()["decoded"]["operation"] == "delegatecall"


def test_the_readme_batch_through_multisend_call_only_is_decoded_call_by_call() -> None:
    review = check(PUBLISHED[2].document)
    decoded = review.as_json()["decoded"]
    assert decoded["kind"] == "multisend" and decoded["args"] == {"count": "2"}
    first, second = decoded["calls"]
    assert first["path"] == "$.calls[0]" and first["kind"] == "unknown" and first["selector"] == "0xdd43a79f"
    assert second == {
        "path": "$.calls[1]", "to": USDC, "value": "0", "operation": "call", "kind": "erc20_transfer",
        "method": "transfer(address,uint256)", "args": {"to": ALICE, "amount": "800000000"},
    }  # fmt: skip
    assert "SAFE_DELEGATECALL_ALLOWED" in codes(review)  # Safe's own MultiSendCallOnly 1.4.1
    assert "CALL_UNKNOWN" in codes(review)
    assert review.verdict == "warn"


def test_safe_libraries_can_be_distrusted_by_the_policy() -> None:
    review = check(PUBLISHED[2].document, {"trust_safe_libraries": False})
    assert "SAFE_DELEGATECALL_UNTRUSTED" in codes(review)


def test_an_allowlisted_delegatecall_target_passes() -> None:
    review = check(BYBIT | {"safeTxHash": None}, {"delegatecall_allowlist": [BYBIT["to"].lower()]})
    assert "SAFE_DELEGATECALL_UNTRUSTED" not in codes(review)


def test_a_delegatecall_hidden_inside_a_batch_is_blocked() -> None:
    batch = multisend([(0, USDC, 0, bytes.fromhex(usdc_transfer(ALICE, 5)[2:])), (1, MALLORY, 0, b"")])
    review = check(service_tx(SAFE, MULTISEND_CALL_ONLY_141, data=batch, operation=1, nonce=1))
    blocked = [f for f in review.findings if f.code == "SAFE_DELEGATECALL_UNTRUSTED"]
    assert [f.path for f in blocked] == ["$.calls[1]"]


def test_batches_inside_batches_are_decoded_recursively() -> None:
    inner = multisend([(0, ALICE, 10**18, b"")])
    outer = multisend([(1, MULTISEND_CALL_ONLY_141, 0, bytes.fromhex(inner[2:]))])
    review = check(service_tx(SAFE, MULTISEND_CALL_ONLY_141, data=outer, operation=1, nonce=1))
    leaf = review.decoded.leaves()
    assert [(item.call.path, item.kind, item.call.value) for item in leaf] == [
        ("$.calls[0].calls[0]", "native_transfer", 10**18)
    ]


def test_a_truncated_batch_is_blocked() -> None:
    batch = multisend([(0, ALICE, 1, b"\x01\x02\x03")])
    broken = call_data("multiSend(bytes)", ["bytes"], [bytes.fromhex(batch[2 + 8 + 128 :])[:-2]])
    review = check(service_tx(SAFE, MULTISEND_CALL_ONLY_141, data=broken, operation=1, nonce=1))
    assert "CALL_MALFORMED" in codes(review) and review.verdict == "block"


@pytest.mark.parametrize(
    ("signature", "types", "values", "change"),
    [
        ("addOwnerWithThreshold(address,uint256)", ["address", "uint256"], [MALLORY, 1], "owners"),
        (
            "removeOwner(address,address,uint256)",
            ["address", "address", "uint256"],
            ["0x" + "00" * 19 + "01", ALICE, 1],
            "owners",
        ),
        (
            "swapOwner(address,address,address)",
            ["address", "address", "address"],
            ["0x" + "00" * 19 + "01", ALICE, MALLORY],
            "owners",
        ),
        ("changeThreshold(uint256)", ["uint256"], [1], "threshold"),
        ("enableModule(address)", ["address"], [MODULE], "modules"),
        (
            "disableModule(address,address)",
            ["address", "address"],
            ["0x" + "00" * 19 + "01", MODULE],
            "modules",
        ),
        ("setGuard(address)", ["address"], ["0x" + "00" * 20], "guard"),
        ("setFallbackHandler(address)", ["address"], [MALLORY], "fallback_handler"),
        ("changeMasterCopy(address)", ["address"], [MALLORY], "singleton"),
    ],
)
def test_administration_is_blocked_unless_the_request_approves_it(
    signature: str, types: list[str], values: list[Any], change: str
) -> None:
    document = service_tx(SAFE, SAFE, data=call_data(signature, types, values), nonce=7)
    blocked = check(document)
    assert "SAFE_ADMIN_CHANGE" in codes(blocked) and blocked.verdict == "block"
    approved = check(document, request={"id": "ADM-1", "kind": "administration", "changes": [change]})
    assert codes(approved) >= {"SAFE_ADMIN_APPROVED", "REQUEST_MATCHED"} and approved.verdict == "pass"
    other = "threshold" if change != "threshold" else "owners"
    wrong = check(document, request={"id": "ADM-2", "kind": "administration", "changes": [other]})
    assert {"SAFE_ADMIN_CHANGE", "REQUEST_MISMATCH"} <= codes(wrong)


def test_gas_refund_to_a_set_receiver_is_blocked_and_a_plain_refund_warns() -> None:
    drain = service_tx(SAFE, ALICE, value=1, nonce=2, gas_price=50, gas_token=USDC, refund_receiver=MALLORY)
    assert "SAFE_GAS_REFUND_REDIRECT" in codes(check(drain))
    plain = service_tx(SAFE, ALICE, value=1, nonce=2, gas_price=50)
    review = check(plain)
    assert "SAFE_GAS_REFUND" in codes(review) and review.verdict == "warn"


def test_destination_and_token_allowlists_and_limits() -> None:
    policy = {
        "destinations": [ALICE],
        "tokens": [USDC],
        "limits": {"native": "1000000000000000000", USDC: 1_000_000_000},
    }
    assert check(service_tx(SAFE, ALICE, value=10**18, nonce=1), policy).verdict == "pass"
    assert "DESTINATION_NOT_ALLOWED" in codes(check(service_tx(SAFE, MALLORY, value=1, nonce=1), policy))
    assert "LIMIT_EXCEEDED" in codes(check(service_tx(SAFE, ALICE, value=10**18 + 1, nonce=1), policy))
    other_token = "0xdAC17F958D2ee523a2206206994597C13D831ec7"
    assert "TOKEN_NOT_ALLOWED" in codes(
        check(service_tx(SAFE, other_token, data=usdc_transfer(ALICE, 5), nonce=1), policy)
    )
    over = check(service_tx(SAFE, USDC, data=usdc_transfer(ALICE, 1_000_000_001), nonce=1), policy)
    assert "LIMIT_EXCEEDED" in codes(over)


def test_limits_add_up_across_a_batch() -> None:
    batch = multisend([(0, ALICE, 6 * 10**17, b""), (0, ALICE, 6 * 10**17, b"")])
    review = check(
        service_tx(SAFE, MULTISEND_CALL_ONLY_141, data=batch, operation=1, nonce=1),
        {"limits": {"ETH": 10**18}},
    )
    assert "LIMIT_EXCEEDED" in codes(review)


def test_an_unlimited_approval_warns_and_its_spender_must_be_allowlisted() -> None:
    data = call_data("approve(address,uint256)", ["address", "uint256"], [MALLORY, (1 << 256) - 1])
    review = check(service_tx(SAFE, USDC, data=data, nonce=1), {"destinations": [ALICE]})
    assert {"APPROVAL_UNLIMITED", "DESTINATION_NOT_ALLOWED"} <= codes(review)


def test_transfer_from_is_decoded_with_its_three_arguments() -> None:
    data = call_data(
        "transferFrom(address,address,uint256)", ["address", "address", "uint256"], [ALICE, MALLORY, 9]
    )
    review = check(service_tx(SAFE, USDC, data=data, nonce=1))
    assert review.decoded.kind == "erc20_transfer_from"
    assert review.decoded.args == {"from": ALICE, "to": MALLORY, "amount": 9}


def test_non_canonical_arguments_of_a_known_call_are_blocked() -> None:
    data = usdc_transfer(ALICE, 5) + "00" * 32
    assert "CALL_MALFORMED" in codes(check(service_tx(SAFE, USDC, data=data, nonce=1)))


WITHDRAWAL = {"id": "WD-2026-0042", "asset": USDC, "amount": "800000000", "destination": ALICE}


def test_the_approved_withdrawal_must_match_exactly() -> None:
    exact = check(service_tx(SAFE, USDC, data=usdc_transfer(ALICE, 800_000_000), nonce=1), request=WITHDRAWAL)
    assert "REQUEST_MATCHED" in codes(exact) and exact.verdict == "pass"
    for data in (usdc_transfer(ALICE, 800_000_001), usdc_transfer(MALLORY, 800_000_000)):
        assert "REQUEST_MISMATCH" in codes(
            check(service_tx(SAFE, USDC, data=data, nonce=1), request=WITHDRAWAL)
        )
    native = check(service_tx(SAFE, ALICE, value=800_000_000, nonce=1), request=WITHDRAWAL)
    assert "REQUEST_MISMATCH" in codes(native)


def test_the_readme_batch_does_more_than_its_transfer_so_it_does_not_match_the_request() -> None:
    review = check(PUBLISHED[2].document, request=WITHDRAWAL)
    assert "REQUEST_MISMATCH" in codes(review) and review.verdict == "block"


def test_a_native_withdrawal_request_names_its_asset_native_or_eth() -> None:
    request = {"id": "WD-7", "asset": "ETH", "amount": 10**18, "destination": ALICE.lower()}
    assert "REQUEST_MATCHED" in codes(check(service_tx(SAFE, ALICE, value=10**18, nonce=3), request=request))


@pytest.mark.parametrize(
    ("document", "where"),
    [
        ({"destinations": ["0x12"]}, "policy $.destinations[0]"),
        ({"limits": {"native": 1.5}}, "policy $.limits.native"),
        ({"limits": {"native": "-3"}}, "policy $.limits.native"),
        ({"tokens": [USDC], "color": "red"}, "policy $.color"),
        ({"delegatecall_allowlist": "0xabc"}, "policy $.delegatecall_allowlist"),
        ({"bitcoin": {"max_fee_rate_sat_vb": -1}}, "policy $.bitcoin.max_fee_rate_sat_vb"),
    ],
)
def test_a_bad_policy_names_the_json_path(document: dict[str, Any], where: str) -> None:
    with pytest.raises(SigningInputError) as raised:
        load_policy(document)
    assert raised.value.field == where


@pytest.mark.parametrize(
    ("document", "where"),
    [
        ({"asset": "BTC", "amount": 1, "destination": "bc1q"}, "request $.id"),
        ({"id": "W1", "asset": "BTC", "destination": "bc1q"}, "request $.amount"),
        ({"id": "W1", "asset": "BTC", "amount": str(1 << 256), "destination": "bc1q"}, "request $.amount"),
        ({"id": " W1", "asset": "BTC", "amount": 1, "destination": "bc1q"}, "request $.id"),
        ({"id": "A1", "kind": "administration"}, "request $.changes"),
        ({"id": "A1", "kind": "administration", "changes": ["everything"]}, "request $.changes[0]"),
    ],
)
def test_a_bad_request_names_the_json_path(document: dict[str, Any], where: str) -> None:
    with pytest.raises(SigningInputError) as raised:
        load_request(document)
    assert raised.value.field == where


def test_models_load_normalised() -> None:
    policy = load_policy({"destinations": [ALICE.lower(), "BC1QXY"], "limits": {"eth": "5"}})
    assert (
        isinstance(policy, Policy)
        and policy.destinations == [ALICE, "bc1qxy"]
        and policy.limits == {"native": 5}
    )
    request = load_request({"id": "W", "asset": "btc", "amount": "10", "destination": "bc1qAB"})
    assert isinstance(request, Request) and (request.asset, request.amount, request.destination) == (
        "BTC",
        10,
        "bc1qab",
    )


def test_every_finding_has_both_languages() -> None:
    for finding in check(PUBLISHED[2].document, request=WITHDRAWAL).findings:
        data = finding.as_json()
        assert data["message_en"] and data["message_ja"] and data["message_ja"] != data["message_en"]


def test_a_nested_safe_approval_is_decoded_and_sends_the_signer_to_the_approved_transaction() -> None:
    """The README's nested-Safe example: the owner Safe calls approveHash on the primary Safe."""
    case = PUBLISHED[4]
    review = review_safe(
        parse_safe_document(case.document), chain_id=11155111, version=parse_version("1.3.0", "v")
    )
    assert review.decoded.kind == "approve_hash"
    assert review.decoded.args == {"hash": PUBLISHED[3].safe_tx_hash}  # the primary Safe's ETH transfer
    assert "SAFE_APPROVE_HASH" in codes(review) and review.verdict == "warn"


def test_an_address_on_the_screening_list_is_blocked_wherever_it_appears() -> None:
    policy = {"screened_addresses": [MALLORY.lower()]}
    assert "DESTINATION_SCREENED" in codes(check(service_tx(SAFE, MALLORY, value=1, nonce=1), policy))
    approval = call_data("approve(address,uint256)", ["address", "uint256"], [MALLORY, 5])
    assert "DESTINATION_SCREENED" in codes(check(service_tx(SAFE, USDC, data=approval, nonce=1), policy))
    batch = multisend([(0, USDC, 0, bytes.fromhex(usdc_transfer(MALLORY, 5)[2:]))])
    nested = check(service_tx(SAFE, MULTISEND_CALL_ONLY_141, data=batch, operation=1, nonce=1), policy)
    assert [f.path for f in nested.findings if f.code == "DESTINATION_SCREENED"] == ["$.calls[0]"]
    assert "DESTINATION_SCREENED" not in codes(check(service_tx(SAFE, ALICE, value=1, nonce=1), policy))


def test_a_service_description_that_the_bytes_do_not_bear_out_warns() -> None:
    data = usdc_transfer(ALICE, 5)
    honest = check(
        service_tx(SAFE, USDC, data=data, nonce=1, dataDecoded={"method": "transfer", "parameters": []})
    )
    assert "SERVICE_DECODING_DIFFERS" not in codes(honest)
    claimed = service_tx(SAFE, USDC, data=data, nonce=1, dataDecoded={"method": "approve", "parameters": []})
    assert "SERVICE_DECODING_DIFFERS" in codes(check(claimed))


def test_an_administration_request_does_not_cover_another_safe() -> None:
    other_safe = "0x111CEEee040739fD91D29C34C33E6B3E112F2177"
    data = call_data("addOwnerWithThreshold(address,uint256)", ["address", "uint256"], [MALLORY, 1])
    review = check(
        service_tx(SAFE, other_safe, data=data, nonce=7),
        request={"id": "ADM-3", "kind": "administration", "changes": ["owners"]},
    )
    assert {"SAFE_ADMIN_OTHER_CONTRACT", "REQUEST_MISMATCH"} <= codes(review) and review.verdict == "block"


def test_an_unknown_call_to_the_safe_itself_blocks() -> None:
    """e.g. Safe's setup() or a function of a later version: self-calls change the Safe's own state."""
    types = ["address[]", "uint256", "address", "bytes", "address", "address", "uint256", "address"]
    zero = "0x" + "00" * 20
    data = call_data(f"setup({','.join(types)})", types, [[MALLORY], 1, MALLORY, b"", MALLORY, zero, 0, zero])
    review = check(service_tx(SAFE, SAFE, data=data, nonce=1))
    assert "SAFE_UNKNOWN_SELF_CALL" in codes(review) and review.verdict == "block"
    elsewhere = check(service_tx(SAFE, USDC, data=data, nonce=1))
    assert "CALL_UNKNOWN" in codes(elsewhere) and "SAFE_UNKNOWN_SELF_CALL" not in codes(elsewhere)
