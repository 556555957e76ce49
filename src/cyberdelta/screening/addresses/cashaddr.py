"""Bitcoin Cash CashAddr (the CashAddr specification of the Bitcoin Cash node project).

``prefix:payload`` in the Bech32 character set; the payload is a version byte (type in bits 3–6:
0 P2PKH, 1 P2SH, 2 and 3 their token-aware forms per CHIP-2022-02 CashTokens; size in bits 0–2,
0 for 160 bits), the hash and an 8-character checksum: a 40-bit BCH code over the lower five bits
of each prefix character, a zero separator and the payload, whose polymod equals 0. The prefix
may be omitted when it is the expected one.
"""

from __future__ import annotations

from typing import Final

from cyberdelta.screening.addresses.bech32 import CHARSET, VALUES, convert_bits
from cyberdelta.screening.addresses.errors import Invalid

GENERATOR: Final = (0x98F2BC8E61, 0x79B76D99E2, 0xF33E5FB3C4, 0xAE2EABE2A8, 0x1E4F43E470)
TOP_TERMS: Final = tuple(
    (GENERATOR[0] if top & 1 else 0)
    ^ (GENERATOR[1] if top & 2 else 0)
    ^ (GENERATOR[2] if top & 4 else 0)
    ^ (GENERATOR[3] if top & 8 else 0)
    ^ (GENERATOR[4] if top & 16 else 0)
    for top in range(32)
)
HASH_SIZES: Final = (20, 24, 28, 32, 40, 48, 56, 64)
KINDS: Final = {0: "p2pkh", 1: "p2sh", 2: "p2pkh", 3: "p2sh"}


def polymod(values: list[int]) -> int:
    check = 1
    for value in values:
        top = check >> 35
        check = ((check & 0x07FFFFFFFF) << 5) ^ value ^ TOP_TERMS[top]
    return check ^ 1


def _prefix_values(prefix: str) -> list[int]:
    return [ord(c) & 31 for c in prefix] + [0]


def decode(text: str, default_prefix: str, prefixes: frozenset[str]) -> tuple[str, str, bytes] | Invalid:
    """(prefix, kind, hash) of a CashAddr, or why it is not one."""
    lower = text.lower()
    if lower != text and text.upper() != text:
        return Invalid(None, "mixed-case")
    prefix, separator, payload = lower.rpartition(":")
    if not separator:
        prefix = default_prefix
    elif prefix not in prefixes:
        return Invalid(None, "prefix", {"prefix": prefix})
    data: list[int] = []
    for character in payload:
        value = VALUES.get(character)
        if value is None:
            return Invalid(None, "character", {"char": character})
        data.append(value)
    if len(data) < 9:
        return Invalid(None, "length")
    if polymod(_prefix_values(prefix) + data):
        return Invalid(None, "checksum")
    decoded = convert_bits(data[:-8], 5, 8, pad=False)
    if decoded is None:
        return Invalid(None, "padding")
    version, digest = decoded[0], bytes(decoded[1:])
    kind = KINDS.get(version >> 3)
    if kind is None or version & 0x80:
        return Invalid(None, "version", {"version": version})
    if len(digest) != HASH_SIZES[version & 7]:
        return Invalid(None, "length")
    return prefix, kind, digest


def encode(prefix: str, kind: str, digest: bytes) -> str:
    version = (0 if kind == "p2pkh" else 1) << 3 | HASH_SIZES.index(len(digest))
    data = convert_bits([version, *digest], 8, 5, pad=True) or []
    value = polymod([*_prefix_values(prefix), *data, 0, 0, 0, 0, 0, 0, 0, 0])
    checksum = [(value >> 5 * (7 - i)) & 31 for i in range(8)]
    return prefix + ":" + "".join(CHARSET[d] for d in data + checksum)
