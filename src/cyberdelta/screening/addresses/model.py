"""What a normaliser returns for a valid address."""

from __future__ import annotations

from typing import NamedTuple


class Address(NamedTuple):
    """A valid address: ``key`` is the canonical spelling it is matched by, within ``space``.

    ``space`` is the chain, except for EVM chains, which share one space ``evm``: the same key
    controls the same 20-byte account on Ethereum, BNB Smart Chain, Arbitrum, Ethereum Classic and
    the others, so a listed account is screened on all of them (docs/screening.md, "Key spaces").
    ``kind`` names the encoding (``p2pkh``, ``p2wpkh``, ``eip55`` …) and ``network`` the network
    its version byte or prefix belongs to (``mainnet``, ``testnet`` …). A named tuple: a batch
    makes one per address, and tuples are several times cheaper to make than frozen dataclasses.
    """

    chain: str
    key: str
    space: str
    kind: str
    network: str = "mainnet"
