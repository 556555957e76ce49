"""Safe transaction hashes (EIP-712) for every Safe version, against real transactions' published hashes
and, independently, against eth-account's EIP-712 encoder."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from eth_account.messages import encode_typed_data

from cyberdelta.signing.errors import SigningInputError
from cyberdelta.signing.ethereum import keccak
from cyberdelta.signing.safe_input import parse_safe_document
from cyberdelta.signing.safe_review import review_safe
from cyberdelta.signing.safe_versions import KNOWN_VERSIONS, parse_version
from tests.signing.safe_fixtures import BYBIT, LEGACY_TYPED_DATA, PUBLISHED, ZERO, Published, service_tx


@pytest.mark.parametrize("case", PUBLISHED, ids=lambda case: case.name)
def test_hashes_equal_the_published_safe_tx_hash(case: Published) -> None:
    review = review_safe(
        parse_safe_document(case.document), chain_id=case.chain_id, version=parse_version(case.version, "v")
    )
    assert "0x" + review.hashes.safe_tx_hash.hex() == case.safe_tx_hash
    if case.domain_hash is not None:
        assert "0x" + review.hashes.domain_hash.hex() == case.domain_hash
        assert "0x" + review.hashes.message_hash.hex() == case.message_hash


def typed_data(document: dict[str, Any], chain_id: int, version: str) -> dict[str, Any]:
    """The EIP-712 typed data a Safe wallet asks to sign, written from the Safe contracts' type strings."""
    layout = parse_version(version, "v").layout
    domain_fields = [{"name": "verifyingContract", "type": "address"}]
    domain: dict[str, Any] = {"verifyingContract": document["safe"]}
    if layout.domain_has_chain_id:
        domain_fields.insert(0, {"name": "chainId", "type": "uint256"})
        domain["chainId"] = chain_id
    gas = layout.gas_field
    names = [
        "to",
        "value",
        "data",
        "operation",
        "safeTxGas",
        gas,
        "gasPrice",
        "gasToken",
        "refundReceiver",
        "nonce",
    ]
    kinds = [
        "address",
        "uint256",
        "bytes",
        "uint8",
        "uint256",
        "uint256",
        "uint256",
        "address",
        "address",
        "uint256",
    ]
    message: dict[str, Any] = {name: document.get("baseGas" if name == gas else name) for name in names}
    message["data"] = message["data"] or "0x"
    for name in ("value", "safeTxGas", gas, "gasPrice", "nonce", "operation"):
        message[name] = int(message[name])
    return {
        "types": {
            "EIP712Domain": domain_fields,
            "SafeTx": [{"name": n, "type": t} for n, t in zip(names, kinds, strict=True)],
        },
        "primaryType": "SafeTx",
        "domain": domain,
        "message": message,
    }


@pytest.mark.parametrize("case", PUBLISHED, ids=lambda case: case.name)
def test_hashes_equal_eth_accounts_eip712_encoding(case: Published) -> None:
    signable = encode_typed_data(full_message=typed_data(case.document, case.chain_id, case.version))
    review = review_safe(
        parse_safe_document(case.document), chain_id=case.chain_id, version=parse_version(case.version, "v")
    )
    assert review.hashes.domain_hash == signable.header
    assert review.hashes.message_hash == signable.body
    assert review.hashes.safe_tx_hash == keccak(b"\x19" + signable.version + signable.header + signable.body)


@pytest.mark.parametrize("version", KNOWN_VERSIONS)
def test_every_known_version_hashes_as_eth_account_does(version: str) -> None:
    """0.1.0 signs ``dataGas``, 1.0.0–1.2.0 ``baseGas`` without the chain id, 1.3.0+ with it."""
    document = service_tx(
        BYBIT["safe"], "0x9eE457023bB3De16D51A003a247BaEaD7fce313D", value=5, nonce=9, safe_tx_gas=21000
    )
    document["baseGas"] = 777
    signable = encode_typed_data(full_message=typed_data(document, 10, version))
    review = review_safe(parse_safe_document(document), chain_id=10, version=parse_version(version, "v"))
    assert (review.hashes.domain_hash, review.hashes.message_hash) == (signable.header, signable.body)


def test_type_hashes_are_the_constants_in_the_safe_contracts() -> None:
    """DOMAIN_SEPARATOR_TYPEHASH and SAFE_TX_TYPEHASH as the contracts declare them (GnosisSafe.sol 0.1.0,
    1.0.0 and 1.3.0; Safe.sol 1.4.1)."""
    old, new, modern = (parse_version(v, "v").layout for v in ("0.1.0", "1.1.1", "1.4.1"))
    assert (
        keccak(old.domain_type.encode()).hex()
        == "035aff83d86937d35b32e04f0ddc6ff469290eef2f1b692d8a815c89404d4749"
    )
    assert (
        keccak(modern.domain_type.encode()).hex()
        == "47e79534a245952e8b16893a336b85a3d9ea9fa8c573f3d803afb92a79469218"
    )
    assert (
        keccak(old.message_type.encode()).hex()
        == "14d461bc7412367e924637b363c7bf29b8f47e2f84869f4426e5633d8af47b20"
    )
    assert (
        keccak(new.message_type.encode()).hex()
        == "bb8310d486368db6bd6f849402fdd73ad53d316b5a4b2644ad6efe0f941286d8"
    )


def test_typed_data_input_gives_the_published_hash_without_a_version() -> None:
    review = review_safe(parse_safe_document(LEGACY_TYPED_DATA))
    assert (
        review.hashes.safe_tx_hash.hex() == "28bae2bd58d894a1d9b69e5e9fde3570c4b98a6fc5499aefb54fb830137e831f"
    )
    assert review.version == "typed-data"


def test_typed_data_with_chain_id_carries_its_chain() -> None:
    document = typed_data(PUBLISHED[3].document, 11155111, "1.3.0")
    review = review_safe(parse_safe_document(document))
    assert (review.chain_id, "0x" + review.hashes.safe_tx_hash.hex()) == (11155111, PUBLISHED[3].safe_tx_hash)


def test_a_transaction_service_page_with_one_result_is_read() -> None:
    review = review_safe(
        parse_safe_document({"count": 1, "results": [BYBIT]}), chain_id=1, version=parse_version("1.1.1", "v")
    )
    assert review.hashes.safe_tx_hash.hex().startswith("b3476d06")


def test_a_claimed_safe_tx_hash_that_the_fields_do_not_give_blocks() -> None:
    altered = {**BYBIT, "operation": 0}
    review = review_safe(parse_safe_document(altered), chain_id=1, version=parse_version("1.1.1", "v"))
    assert "SAFE_HASH_MISMATCH" in {finding.code for finding in review.findings}
    assert review.verdict == "block"


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"to": "0x9ee457023bB3De16D51A003a247BaEaD7fce313D"}, "$.to"),  # mixed case, wrong EIP-55 checksum
        ({"to": "0x1234"}, "$.to"),
        ({"data": "0xabc"}, "$.data"),
        ({"data": "a9059cbb"}, "$.data"),
        ({"value": str(1 << 256)}, "$.value"),
        ({"value": "-1"}, "$.value"),
        ({"value": 1.5}, "$.value"),
        ({"operation": 2}, "$.operation"),
        ({"nonce": None}, "$.nonce"),
    ],
)
def test_bad_fields_are_refused_with_their_json_path(change: dict[str, Any], where: str) -> None:
    document = {**BYBIT, **change}
    if change.get("nonce", 0) is None:
        del document["nonce"]
    with pytest.raises(SigningInputError) as raised:
        parse_safe_document(document)
    assert raised.value.field == where


def test_a_wrong_chain_id_against_the_file_is_refused() -> None:
    document = PUBLISHED[6].document  # says chainId 4
    with pytest.raises(SigningInputError) as raised:
        review_safe(parse_safe_document(document), chain_id=1, version=parse_version("1.3.0", "v"))
    assert raised.value.field == "--chain-id"


def test_a_modern_safe_without_a_chain_id_is_refused() -> None:
    with pytest.raises(SigningInputError) as raised:
        review_safe(parse_safe_document(PUBLISHED[3].document), version=parse_version("1.3.0", "v"))
    assert raised.value.field == "--chain-id"


def test_a_version_is_needed_for_transaction_service_json() -> None:
    with pytest.raises(SigningInputError) as raised:
        review_safe(parse_safe_document(BYBIT), chain_id=1)
    assert raised.value.field == "--safe-version"


@pytest.mark.parametrize("text", ["1.2.3", "2.0.0", "latest", ""])
def test_unknown_versions_are_refused(text: str) -> None:
    with pytest.raises(SigningInputError):
        parse_version(text, "--safe-version")


def test_the_transaction_services_l2_spelling_is_accepted() -> None:
    assert parse_version("1.3.0+L2", "v").text == "1.3.0+L2"
    assert parse_version("v1.4.1", "v").layout == parse_version("1.4.1", "v").layout


def test_typed_data_that_contradicts_the_given_version_is_refused() -> None:
    with pytest.raises(SigningInputError) as raised:
        review_safe(parse_safe_document(LEGACY_TYPED_DATA), chain_id=4, version=parse_version("1.4.1", "v"))
    assert raised.value.field == "--safe-version"


def test_typed_data_of_another_type_is_refused() -> None:
    document = copy.deepcopy(LEGACY_TYPED_DATA)
    document["types"]["SafeTx"][5]["name"] = "gasLimit"
    with pytest.raises(SigningInputError) as raised:
        parse_safe_document(document)
    assert raised.value.field == "$.types.SafeTx"
    document["primaryType"] = "Permit"
    with pytest.raises(SigningInputError):
        parse_safe_document(document)


def test_typed_data_missing_a_message_field_is_refused() -> None:
    document = copy.deepcopy(LEGACY_TYPED_DATA)
    del document["message"]["gasToken"]
    with pytest.raises(SigningInputError) as raised:
        parse_safe_document(document)
    assert raised.value.field == "$.message.gasToken"


def test_zero_addresses_may_be_left_empty_in_service_json() -> None:
    document = {**BYBIT, "gasToken": None, "refundReceiver": ""}
    parsed = parse_safe_document(document)
    assert (parsed.tx.gas_token, parsed.tx.refund_receiver) == (ZERO, ZERO)


@pytest.mark.parametrize("chain_id", [0, -1, 1 << 256])
def test_a_chain_id_out_of_range_is_refused(chain_id: int) -> None:
    with pytest.raises(SigningInputError) as raised:
        review_safe(
            parse_safe_document(PUBLISHED[3].document), chain_id=chain_id, version=parse_version("1.3.0", "v")
        )
    assert raised.value.field == "--chain-id"
