"""Bitcoin and the chains that kept its address formats: Base58Check P2PKH/P2SH with each chain's
version bytes (Bitcoin Core ``chainparams.cpp`` and its forks'), and segregated-witness
Bech32/Bech32m with each chain's human-readable part (BIP-173, BIP-350; SLIP-0173 registers the
HRPs of other chains).

Base58Check addresses are case-sensitive and kept as written; Bech32 addresses are matched in
lower case (an all-upper-case spelling is the same address, BIP-173 "Bech32").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from cyberdelta.screening.addresses import base58, bech32
from cyberdelta.screening.addresses.errors import Invalid
from cyberdelta.screening.addresses.model import Address

HASH_LENGTH: Final = 20


@dataclass(frozen=True)
class Base58Chain:
    """A chain whose addresses are Base58Check ``version ‖ hash160`` and, if ``hrps``, segwit.

    ``versions`` maps the version prefix (one byte for Bitcoin, two for Zcash) to the address kind
    and network; ``hrps`` maps each human-readable part to its network.
    """

    chain: str
    versions: Mapping[bytes, tuple[str, str]]
    hrps: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_segwit_starts", tuple(hrp + "1" for hrp in self.hrps))
        object.__setattr__(self, "_hrp_set", frozenset(self.hrps))
        object.__setattr__(self, "_version_length", len(next(iter(self.versions))))

    def __call__(self, text: str) -> Address | Invalid:
        if not text:
            return Invalid(self.chain, "empty")
        if self.hrps and text[:6].lower().startswith(self._segwit_starts):  # type: ignore[attr-defined]
            return self.segwit(text)
        return self.legacy(text)

    def legacy(self, text: str) -> Address | Invalid:
        version_length: int = self._version_length  # type: ignore[attr-defined]
        payload = decode_check(self.chain, text, version_length + HASH_LENGTH)
        if isinstance(payload, Invalid):
            return payload
        found = self.versions.get(payload[:version_length])
        if found is None:
            return Invalid(self.chain, "version", {"version": payload[:version_length].hex()})
        kind, network = found
        return Address(self.chain, text, self.chain, kind, network)

    def segwit(self, text: str) -> Address | Invalid:
        decoded = bech32.decode_segwit(text, self._hrp_set)  # type: ignore[attr-defined]
        if isinstance(decoded, Invalid):
            return Invalid(self.chain, decoded.reason, decoded.params)
        hrp, version, program = decoded
        return Address(self.chain, text.lower(), self.chain, segwit_kind(version, program), self.hrps[hrp])


def segwit_kind(version: int, program: bytes) -> str:
    if version == 0:
        return "p2wpkh" if len(program) == 20 else "p2wsh"
    if version == 1 and len(program) == 32:
        return "p2tr"
    return f"witness-v{version}"


def decode_check(
    chain: str, text: str, payload_length: int, digits: bytes = base58.BITCOIN_DIGITS
) -> bytes | Invalid:
    """The payload of a Base58Check string of ``payload_length`` bytes, or why it is not one."""
    data = base58.decode(text, digits)
    if data is None:
        return Invalid(chain, "character", {"char": base58.bad_character(text, digits) or text[:1]})
    if len(data) != payload_length + 4:
        return Invalid(chain, "length")
    payload = data[:-4]
    if base58.checksum(payload) != data[-4:]:
        return Invalid(chain, "checksum")
    return payload


MAIN, TEST, REGTEST = "mainnet", "testnet", "regtest"
P2PKH, P2SH = "p2pkh", "p2sh"

BITCOIN = Base58Chain(
    "bitcoin",
    {
        b"\x00": (P2PKH, MAIN),
        b"\x05": (P2SH, MAIN),
        b"\x6f": (P2PKH, TEST),
        b"\xc4": (P2SH, TEST),
    },
    {"bc": MAIN, "tb": TEST, "bcrt": REGTEST},
)
# Litecoin: L… and M… (and the old 3… P2SH) on main; ltc1 segwit (Litecoin Core chainparams.cpp).
LITECOIN = Base58Chain(
    "litecoin",
    {
        b"\x30": (P2PKH, MAIN),
        b"\x32": (P2SH, MAIN),
        b"\x05": (P2SH, MAIN),
        b"\x6f": (P2PKH, TEST),
        b"\x3a": (P2SH, TEST),
        b"\xc4": (P2SH, TEST),
    },
    {"ltc": MAIN, "tltc": TEST, "rltc": REGTEST},
)
# Bitcoin SV kept Bitcoin's Base58Check version bytes and has no segwit.
BITCOIN_SV = Base58Chain(
    "bitcoin-sv",
    {b"\x00": (P2PKH, MAIN), b"\x05": (P2SH, MAIN), b"\x6f": (P2PKH, TEST), b"\xc4": (P2SH, TEST)},
)
# Bitcoin Gold: G… and A…, btg1 segwit (BTCGPU chainparams.cpp).
BITCOIN_GOLD = Base58Chain(
    "bitcoin-gold",
    {b"\x26": (P2PKH, MAIN), b"\x17": (P2SH, MAIN), b"\x6f": (P2PKH, TEST), b"\xc4": (P2SH, TEST)},
    {"btg": MAIN, "tbtg": TEST},
)
# Dash: X… and 7… (Dash Core chainparams.cpp).
DASH = Base58Chain(
    "dash",
    {b"\x4c": (P2PKH, MAIN), b"\x10": (P2SH, MAIN), b"\x8c": (P2PKH, TEST), b"\x13": (P2SH, TEST)},
)
# Verge: D… and E… (Verge chainparams.cpp).
VERGE = Base58Chain(
    "verge",
    {b"\x1e": (P2PKH, MAIN), b"\x21": (P2SH, MAIN), b"\x73": (P2PKH, TEST), b"\xc6": (P2SH, TEST)},
)
# Zcash transparent addresses: two version bytes, t1… and t3… (Zcash protocol specification §5.6.1.1).
ZCASH_TRANSPARENT = Base58Chain(
    "zcash",
    {
        b"\x1c\xb8": (P2PKH, MAIN),
        b"\x1c\xbd": (P2SH, MAIN),
        b"\x1d\x25": (P2PKH, TEST),
        b"\x1c\xba": (P2SH, TEST),
    },
)
