"""Bech32 and Bech32m strings and segregated-witness addresses (BIP-173, BIP-350).

A string is an HRP, the separator ``1`` and data characters whose last six are a BCH checksum:
the polynomial checksum of the expanded HRP and the data equals 1 (Bech32) or 0x2bc830a3
(Bech32m). A witness version 0 address uses Bech32 and versions 1 to 16 use Bech32m (BIP-350,
"Addresses for segregated witness outputs"). Mixed case is refused (BIP-173, "Bech32").
"""

from __future__ import annotations

from functools import cache
from typing import Final

from cyberdelta.screening.addresses.errors import Invalid

CHARSET: Final = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
VALUES: Final = {character: value for value, character in enumerate(CHARSET)}
BECH32: Final = 1
BECH32M: Final = 0x2BC830A3
ENCODING_NAMES: Final = {BECH32: "Bech32", BECH32M: "Bech32m"}
GENERATOR: Final = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
# The generator terms for each value of the top five bits, so that one table look-up replaces
# five conditional XORs per character.
TOP_TERMS: Final = tuple(
    (GENERATOR[0] if top & 1 else 0)
    ^ (GENERATOR[1] if top & 2 else 0)
    ^ (GENERATOR[2] if top & 4 else 0)
    ^ (GENERATOR[3] if top & 8 else 0)
    ^ (GENERATOR[4] if top & 16 else 0)
    for top in range(32)
)
MAX_LENGTH: Final = 90


def _two_steps(top: int) -> int:
    check = top << 20
    for _ in range(2):
        check = ((check & 0x1FFFFFF) << 5) ^ TOP_TERMS[check >> 25]
    return check


# Two characters per step: the checksum is linear, so the effect of the top ten bits over two
# steps is one table look-up, which halves the work of the loop (BIP-173 "Checksum" is the
# one-character definition this is equal to).
PAIR_TERMS: Final = tuple(_two_steps(top) for top in range(1024))
DIGITS: Final = bytes(CHARSET.index(chr(i)) if chr(i) in CHARSET else 0xFF for i in range(256))
# Data values 0–31 as the digits of base 32 (0-9a-v), so that ``int(…, 32)`` regroups the bits.
BASE32_DIGITS: Final = bytes.maketrans(bytes(range(32)), b"0123456789abcdefghijklmnopqrstuv")


def polymod(values: bytes | list[int]) -> int:
    check = 1
    pairs = iter(values)
    for first, second in zip(pairs, pairs, strict=False):
        check = ((check & 0xFFFFF) << 10) ^ PAIR_TERMS[check >> 20] ^ (first << 5 | second)
    if len(values) & 1:
        check = ((check & 0x1FFFFFF) << 5) ^ values[-1] ^ TOP_TERMS[check >> 25]
    return check


@cache
def expand_hrp(hrp: str) -> bytes:
    return bytes([ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp])


def decode(text: str, *, max_length: int = MAX_LENGTH) -> tuple[str, list[int], int] | Invalid:
    """(hrp, data without the checksum, BECH32 or BECH32M), or why ``text`` is not Bech32(m)."""
    if not (text.isascii() and text.isprintable()) or " " in text:
        for character in text:
            if not 33 <= ord(character) <= 126:
                return Invalid(None, "character", {"char": character})
    lower = text.lower()
    if lower != text and text.upper() != text:
        return Invalid(None, "mixed-case")
    if len(text) > max_length:
        return Invalid(None, "length")
    position = lower.rfind("1")
    if position < 0:
        return Invalid(None, "separator")
    if position == 0:
        return Invalid(None, "prefix", {"prefix": ""})
    if position + 7 > len(lower):
        return Invalid(None, "length")
    hrp = lower[:position]
    data = lower[position + 1 :].encode("ascii").translate(DIGITS)
    if 0xFF in data:
        bad = next(c for c in lower[position + 1 :] if c not in VALUES)
        return Invalid(None, "character", {"char": bad})
    constant = polymod(expand_hrp(hrp) + data)
    if constant not in ENCODING_NAMES:
        return Invalid(None, "checksum")
    return hrp, list(data[:-6]), constant


def checksum(hrp: str, data: list[int], encoding: int) -> list[int]:
    value = polymod([*expand_hrp(hrp), *data, 0, 0, 0, 0, 0, 0]) ^ encoding
    return [(value >> 5 * (5 - i)) & 31 for i in range(6)]


def encode(hrp: str, data: list[int], encoding: int) -> str:
    return hrp + "1" + "".join(CHARSET[d] for d in [*data, *checksum(hrp, data, encoding)])


def convert_bits(data: list[int], from_bits: int, to_bits: int, *, pad: bool) -> list[int] | None:
    """Regroup bits (BIP-173 ``convertbits``); None when the padding is longer than allowed or not zero."""
    accumulator = 0
    bits = 0
    out: list[int] = []
    top = (1 << to_bits) - 1
    for value in data:
        accumulator = (accumulator << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((accumulator >> bits) & top)
    if pad:
        if bits:
            out.append((accumulator << (to_bits - bits)) & top)
    elif bits >= from_bits or (accumulator << (to_bits - bits)) & top:
        return None
    return out


def five_to_eight(values: bytes) -> bytes | None:
    """``convert_bits(values, 5, 8, pad=False)`` with the regrouping done by ``int(…, 32)``."""
    size, padding = divmod(5 * len(values), 8)
    if padding >= 5:
        return None
    if not values:
        return b""
    number = int(values.translate(BASE32_DIGITS), 32)
    if number & ((1 << padding) - 1):
        return None
    return (number >> padding).to_bytes(size, "big")


def decode_segwit(text: str, hrps: frozenset[str]) -> tuple[str, int, bytes] | Invalid:
    """(hrp, witness version, witness program) of a segregated-witness address (BIP-173, BIP-350)."""
    decoded = decode(text)
    if isinstance(decoded, Invalid):
        return decoded
    hrp, data, encoding = decoded
    if hrp not in hrps:
        return Invalid(None, "prefix", {"prefix": hrp})
    if not data:
        return Invalid(None, "length")
    version = data[0]
    if version > 16:
        return Invalid(None, "witness-version", {"version": version})
    program = five_to_eight(bytes(data[1:]))
    if program is None:
        return Invalid(None, "padding")
    if not 2 <= len(program) <= 40 or (version == 0 and len(program) not in (20, 32)):
        return Invalid(None, "witness-program", {"length": len(program)})
    expected = BECH32 if version == 0 else BECH32M
    if encoding != expected:
        return Invalid(None, "wrong-encoding", {"expected": ENCODING_NAMES[expected], "version": version})
    return hrp, version, bytes(program)


def encode_segwit(hrp: str, version: int, program: bytes) -> str:
    data = [version, *(convert_bits(list(program), 8, 5, pad=True) or [])]
    return encode(hrp, data, BECH32 if version == 0 else BECH32M)
