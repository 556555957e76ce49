"""The x-crypto-wallet-address extension: normalisation, deterministic ids, patterns."""

from __future__ import annotations

import pytest

from cyberdelta.intel.wallet import (
    EXTENSION_ID,
    WalletAddressError,
    address_pattern,
    normalise,
    wallet_address,
    wallet_id,
)

ETH = "0x52908400098527886E0F7030069857D2E4169EE7"


def test_the_same_address_in_any_case_has_one_id() -> None:
    assert wallet_id("Ethereum", ETH) == wallet_id("ethereum", ETH.lower())
    assert wallet_id("ethereum", ETH) != wallet_id("bnb-smart-chain", ETH)
    assert wallet_id("ethereum", ETH).startswith("x-crypto-wallet-address--")


def test_base58_addresses_keep_their_case() -> None:
    tron = "TJRyWwFs9wTFGZg3JbrVriFbNfCug5tDeC"
    assert normalise("tron", tron) == ("tron", tron)


def test_the_observable_declares_its_extension() -> None:
    sco = wallet_address("ethereum", ETH)
    assert sco["extensions"] == {EXTENSION_ID: {"extension_type": "new-sco"}}
    assert sco["address"] == ETH.lower()


def test_pattern_matches_chain_and_address() -> None:
    assert address_pattern("ethereum", ETH) == (
        f"[x-crypto-wallet-address:chain = 'ethereum' AND x-crypto-wallet-address:address = '{ETH.lower()}']"
    )


@pytest.mark.parametrize(
    ("chain", "address", "field"),
    [
        ("dogecoin", "D8x", "chain"),
        ("ethereum", "0x1234", "address"),
        ("bitcoin", "0x" + "a" * 40, "address"),
    ],
)
def test_bad_addresses_name_the_field(chain: str, address: str, field: str) -> None:
    with pytest.raises(WalletAddressError, match=f"^{field}:"):
        wallet_address(chain, address)
