"""Cryptocurrency wallet addresses as a STIX 2.1 observable defined by an extension (STIX 2.1 §7.3).

``x-crypto-wallet-address`` is a new SCO (extension type ``new-sco``, §7.3.1): ``chain`` and
``address`` are its properties and, together, its ID contributing properties, so its id is the
deterministic UUIDv5 of §2.9 (namespace ``00abedb4-aa42-466c-9c01-fed23315a9b7``, name = the
canonical JSON of those properties): every exchange that reports the same address on the same chain
produces the same id, and sightings of it line up.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from typing import Any

from cyberdelta.intel.tlp import TLP2_MARKING_IDS, Tlp
from cyberdelta.platform.errors import DomainError

SCO_TYPE = "x-crypto-wallet-address"
EXTENSION_ID = "extension-definition--3b6f3f2c-7f0e-4b1a-9f51-2c1d8a0e6b47"
STIX_SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
PLATFORM_IDENTITY = "identity--f5b0b7e4-3d8c-5a51-9c4a-0c2b7f4d1e93"
CREATED = "2026-11-23T00:00:00.000Z"

# Chains whose addresses are case-insensitive hexadecimal (EIP-55 only adds a checksum in the case).
HEX_CHAINS = frozenset({"ethereum", "bnb-smart-chain", "polygon", "arbitrum", "optimism", "avalanche-c"})
ADDRESS_SHAPES: Mapping[str, re.Pattern[str]] = {
    "bitcoin": re.compile(r"^(bc1[02-9ac-hj-np-z]{8,87}|[13][1-9A-HJ-NP-Za-km-z]{25,34})$"),
    "tron": re.compile(r"^T[1-9A-HJ-NP-Za-km-z]{33}$"),
    "solana": re.compile(r"^[1-9A-HJ-NP-Za-km-z]{32,44}$"),
    "monero": re.compile(r"^[48][0-9AB][1-9A-HJ-NP-Za-km-z]{93}$"),
    "ripple": re.compile(r"^r[1-9A-HJ-NP-Za-km-z]{24,34}$"),
    **{chain: re.compile(r"^0x[0-9a-f]{40}$") for chain in HEX_CHAINS},
}
CHAINS: tuple[str, ...] = tuple(sorted(ADDRESS_SHAPES))


class WalletAddressError(DomainError, ValueError):
    """An address that does not fit its chain; the message names the field."""

    status = 422


def extension_definition() -> dict[str, Any]:
    """The STIX 2.1 §7.3 extension-definition object that defines ``x-crypto-wallet-address``."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": EXTENSION_ID,
        "created_by_ref": PLATFORM_IDENTITY,
        "created": CREATED,
        "modified": CREATED,
        "name": "Cryptocurrency wallet address",
        "description": "A blockchain address (chain and address), e.g. one that received stolen assets.",
        "schema": "https://cyberdelta.dev/stix/x-crypto-wallet-address.json",
        "version": "1.0.0",
        "extension_types": ["new-sco"],
        "object_marking_refs": [TLP2_MARKING_IDS[Tlp.CLEAR]],
    }


def normalise(chain: str, address: str) -> tuple[str, str]:
    """The canonical (chain, address): lower-case chain, hex and bech32 addresses lower-cased."""
    chain_name = chain.strip().lower()
    value = address.strip()
    if chain_name not in ADDRESS_SHAPES:
        raise WalletAddressError(f"chain: unknown chain {chain!r} (use one of {', '.join(CHAINS)})")
    if chain_name in HEX_CHAINS or value.lower().startswith("bc1"):
        value = value.lower()
    if ADDRESS_SHAPES[chain_name].match(value) is None:
        raise WalletAddressError(f"address: {address!r} is not a {chain_name} address")
    return chain_name, value


def wallet_id(chain: str, address: str) -> str:
    """§2.9 deterministic id from the ID contributing properties (canonical JSON, RFC 8785)."""
    chain_name, value = normalise(chain, address)
    name = json.dumps({"address": value, "chain": chain_name}, sort_keys=True, separators=(",", ":"))
    return f"{SCO_TYPE}--{uuid.uuid5(STIX_SCO_NAMESPACE, name)}"


def wallet_address(chain: str, address: str, *, tlp: Tlp | None = None) -> dict[str, Any]:
    """The ``x-crypto-wallet-address`` SCO for an address on a chain."""
    chain_name, value = normalise(chain, address)
    sco: dict[str, Any] = {
        "type": SCO_TYPE,
        "spec_version": "2.1",
        "id": wallet_id(chain_name, value),
        "chain": chain_name,
        "address": value,
        "extensions": {EXTENSION_ID: {"extension_type": "new-sco"}},
    }
    if tlp is not None:
        sco["object_marking_refs"] = [TLP2_MARKING_IDS[tlp]]
    return sco


def address_pattern(chain: str, address: str) -> str:
    """A STIX patterning expression (§9) matching the address on its chain."""
    chain_name, value = normalise(chain, address)
    return f"[{SCO_TYPE}:chain = '{chain_name}' AND {SCO_TYPE}:address = '{value}']"
