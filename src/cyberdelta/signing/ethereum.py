"""Ethereum values as a signer reads them: Keccak-256, EIP-55 checksummed addresses, hex byte strings
and bounded unsigned integers, each parsed with the JSON path or option at fault."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from cyberdelta.signing.errors import SigningInputError
from cyberdelta.signing.text import bilingual as _

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})*")


def keccak(data: bytes) -> bytes:
    """Keccak-256 as the EVM computes it (not the NIST SHA3-256)."""
    from eth_hash.auto import keccak as _keccak

    return _keccak(data)


@cache
def selector(signature: str) -> bytes:
    """The 4-byte function selector of a canonical signature such as ``transfer(address,uint256)``."""
    return keccak(signature.encode())[:4]


def checksum(address_bytes: bytes) -> str:
    """The EIP-55 mixed-case form of a 20-byte address."""
    lower = address_bytes.hex()
    digest = keccak(lower.encode()).hex()
    return "0x" + "".join(c.upper() if int(digest[i], 16) >= 8 else c for i, c in enumerate(lower))


def parse_address(value: Any, where: str) -> str:
    """A 20-byte address, checksummed. A mixed-case address whose EIP-55 checksum is wrong is refused:
    it is a mistyped or altered address."""
    if not isinstance(value, str) or not _ADDRESS.fullmatch(value):
        raise SigningInputError(where, _("%(value)s is not an address (0x and 40 hex digits)", value=value))
    normalised = checksum(bytes.fromhex(value[2:]))
    body = value[2:]
    if body != body.lower() and body != body.upper() and value != normalised:
        raise SigningInputError(
            where,
            _(
                "%(value)s fails its EIP-55 checksum (expected %(expected)s)",
                value=value,
                expected=normalised,
            ),
        )
    return normalised


def same_address(left: str, right: str) -> bool:
    return left.lower() == right.lower()


def parse_hex(value: Any, where: str) -> bytes:
    """A ``0x``-prefixed hex byte string; ``null``, ``""`` and ``0x`` are the empty string."""
    if value is None or value == "":
        return b""
    if not isinstance(value, str) or not value.startswith(("0x", "0X")) or not _HEX.fullmatch(value[2:]):
        shown = value if not isinstance(value, str) or len(value) <= 40 else value[:40] + "…"
        raise SigningInputError(
            where, _("%(value)s is not hex data (0x and an even number of hex digits)", value=shown)
        )
    return bytes.fromhex(value[2:])


def parse_uint(value: Any, where: str, bits: int = 256) -> int:
    """An unsigned integer of at most ``bits`` bits, given as a JSON number, a decimal string or a
    ``0x`` hex string; fractions, negatives and overflows are refused."""
    number: int
    if isinstance(value, bool):
        raise SigningInputError(where, _("%(value)s is not an unsigned integer", value=value))
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"[0-9]+", value):
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"0[xX][0-9a-fA-F]+", value):
        number = int(value, 16)
    else:
        raise SigningInputError(where, _("%(value)s is not an unsigned integer", value=value))
    if number < 0:
        raise SigningInputError(where, _("%(value)s is negative", value=value))
    if number >= 1 << bits:
        raise SigningInputError(where, _("%(value)s does not fit in %(bits)s bits", value=value, bits=bits))
    return number
