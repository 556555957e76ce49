"""Normalisers of the chains whose addresses are not Bitcoin's: EVM (EIP-55), Tron, XRP, Solana,
Monero, Zcash shielded and unified addresses, Bitcoin Cash CashAddr, and currencies that can only
be checked for shape."""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Final

from eth_hash.backends.pycryptodome import keccak256 as _keccak256

from cyberdelta.screening.addresses import base58, bech32, cashaddr
from cyberdelta.screening.addresses.bitcoin_family import (
    MAIN,
    TEST,
    ZCASH_TRANSPARENT,
    Base58Chain,
    decode_check,
)
from cyberdelta.screening.addresses.errors import Invalid
from cyberdelta.screening.addresses.model import Address

HEX_DIGITS: Final = frozenset(string.hexdigits)
NOT_HEX: Final = str.maketrans("", "", string.hexdigits)  # deletes hex digits: what is left is not hex
EVM_SPACE: Final = "evm"


def keccak256(data: bytes) -> bytes:
    """Keccak-256 as Ethereum uses it (the original padding, not FIPS 202 SHA3-256), through
    eth-hash's pycryptodome backend."""
    return _keccak256(data)


def eip55(lower_hex: str) -> str:
    """The EIP-55 spelling of 40 lower-case hex digits: a letter is upper case where the nibble
    of Keccak-256(the lower-case hex as ASCII) at its position is 8 or more."""
    digest = keccak256(lower_hex.encode("ascii")).hex()
    return "0x" + "".join(
        character.upper() if character > "9" and digest[i] >= "8" else character
        for i, character in enumerate(lower_hex)
    )


@dataclass(frozen=True)
class EvmChain:
    """An EVM chain: ``0x`` and 40 hex digits; mixed case must carry a valid EIP-55 checksum."""

    chain: str

    def __call__(self, text: str) -> Address | Invalid:
        if len(text) != 42 or text[:2] != "0x" or text[2:].translate(NOT_HEX):
            return Invalid(self.chain, "hex") if text else Invalid(self.chain, "empty")
        lower = text.lower()
        if text == lower or text[2:].isupper() or text[2:].isdigit():
            return Address(self.chain, lower, EVM_SPACE, "hex")
        if eip55(lower[2:]) != text:
            return Invalid(self.chain, "eip55")
        return Address(self.chain, lower, EVM_SPACE, "eip55")


def tron(text: str) -> Address | Invalid:
    """Tron: Base58Check of 0x41 ‖ the 20-byte account (T…, 34 characters), or the same 21 bytes
    in hex (41…), which is normalised to the Base58Check spelling."""
    if len(text) == 42 and text[:2] == "41" and HEX_DIGITS.issuperset(text):
        return Address("tron", base58.encode_check(bytes.fromhex(text)), "tron", "hex")
    if not text:
        return Invalid("tron", "empty")
    payload = decode_check("tron", text, 21)
    if isinstance(payload, Invalid):
        return payload
    if payload[0] != 0x41:
        return Invalid("tron", "version", {"version": f"{payload[0]:02x}"})
    return Address("tron", text, "tron", "base58")


# XRP X-addresses (XLS-5d): 2 prefix bytes, the account, a flag byte and an 8-byte tag.
XRP_X_PREFIXES: Final = {b"\x05\x44": MAIN, b"\x04\x93": TEST}


def ripple(text: str) -> Address | Invalid:
    """XRP Ledger: a classic address is 0x00 ‖ the 20-byte account ID in Base58Check with
    Ripple's alphabet (r…); an X-address (X… or T…, XLS-5d) is normalised to its account's
    classic address, so a tagged deposit to a listed account is a hit."""
    if not text:
        return Invalid("ripple", "empty")
    if text[0] in "XT" and len(text) == 47:
        payload = decode_check("ripple", text, 31, base58.RIPPLE_DIGITS)
        if isinstance(payload, Invalid):
            return payload
        network = XRP_X_PREFIXES.get(payload[:2])
        if network is None or payload[22] not in (0, 1):
            return Invalid("ripple", "version", {"version": payload[:2].hex()})
        classic = base58.encode_check(b"\x00" + payload[2:22], base58.RIPPLE_ALPHABET)
        return Address("ripple", classic, "ripple", "x-address", network)
    payload = decode_check("ripple", text, 21, base58.RIPPLE_DIGITS)
    if isinstance(payload, Invalid):
        return payload
    if payload[0] != 0:
        return Invalid("ripple", "version", {"version": f"{payload[0]:02x}"})
    return Address("ripple", text, "ripple", "classic")


def solana(text: str) -> Address | Invalid:
    """Solana: the 32-byte ed25519 public key in Base58 (32 to 44 characters). There is no
    checksum, so a mistyped character that stays in the alphabet gives another valid key."""
    if not text:
        return Invalid("solana", "empty")
    data = base58.decode(text)
    if data is None:
        return Invalid("solana", "character", {"char": base58.bad_character(text, base58.BITCOIN_DIGITS)})
    if len(data) != 32 or not 32 <= len(text) <= 44:
        return Invalid("solana", "length")
    return Address("solana", text, "solana", "ed25519")


# Monero network tags (cryptonote_config.h): standard, integrated, subaddress per network.
MONERO_TAGS: Final = {
    18: ("standard", MAIN),
    19: ("integrated", MAIN),
    42: ("subaddress", MAIN),
    53: ("standard", TEST),
    54: ("integrated", TEST),
    63: ("subaddress", TEST),
    24: ("standard", "stagenet"),
    25: ("integrated", "stagenet"),
    36: ("subaddress", "stagenet"),
}
MONERO_STANDARD_TAG: Final = {MAIN: 18, TEST: 53, "stagenet": 24}


def monero(text: str) -> Address | Invalid:
    """Monero: tag ‖ public spend key ‖ public view key [‖ payment ID] ‖ the first four bytes of
    Keccak-256, in Monero's block Base58 (95 characters; 106 for an integrated address, which is
    normalised to its standard address: the payment ID does not change who receives)."""
    if not text:
        return Invalid("monero", "empty")
    data = base58.decode_monero(text)
    if data is None:
        char = base58.bad_character(text, base58.BITCOIN_DIGITS)
        return Invalid("monero", "character", {"char": char}) if char else Invalid("monero", "length")
    if len(data) not in (69, 77):
        return Invalid("monero", "length")
    if keccak256(data[:-4])[:4] != data[-4:]:
        return Invalid("monero", "checksum")
    found = MONERO_TAGS.get(data[0])
    if found is None:
        return Invalid("monero", "version", {"version": data[0]})
    kind, network = found
    if (kind == "integrated") != (len(data) == 77):
        return Invalid("monero", "length")
    if kind == "integrated":
        standard = bytes([MONERO_STANDARD_TAG[network]]) + data[1:65]
        key = base58.encode_monero(standard + keccak256(standard)[:4])
        return Address("monero", key, "monero", kind, network)
    return Address("monero", text, "monero", kind, network)


ZCASH_SPROUT: Final = {b"\x16\x9a": MAIN, b"\x16\xb6": TEST}
ZCASH_SAPLING_HRPS: Final = {"zs": MAIN, "ztestsapling": TEST}
ZCASH_UNIFIED_HRPS: Final = {"u": MAIN, "utest": TEST}
ZCASH_TEX_HRPS: Final = {"tex": MAIN, "textest": TEST}


def zcash(text: str) -> Address | Invalid:
    """Zcash (protocol specification §5.6): transparent t1…/t3… (Base58Check), Sprout zc…
    (Base58Check), Sapling zs1… (Bech32, 43 bytes), unified u1… (Bech32m without the 90-character
    limit, ZIP-316; its F4Jumble is not undone, so the key is the whole address) and TEX tex1…
    (Bech32m, 20 bytes, ZIP-320), which is keyed by the t1… address of the same key hash that it
    pays. Shielded and unified addresses are matched in lower case."""
    if not text:
        return Invalid("zcash", "empty")
    lower = text[:14].lower()
    if lower.startswith(("zs1", "ztestsapling1", "u1", "utest1", "tex1", "textest1")):
        decoded = bech32.decode(text, max_length=4096 if lower.startswith("u") else bech32.MAX_LENGTH)
        if isinstance(decoded, Invalid):
            return Invalid("zcash", decoded.reason, decoded.params)
        hrp, data, encoding = decoded
        program = bech32.convert_bits(data, 5, 8, pad=False)
        if program is None:
            return Invalid("zcash", "padding")
        for hrps, kind, wanted, sizes in (
            (ZCASH_SAPLING_HRPS, "sapling", bech32.BECH32, (43,)),
            (ZCASH_UNIFIED_HRPS, "unified", bech32.BECH32M, None),
            (ZCASH_TEX_HRPS, "tex", bech32.BECH32M, (20,)),
        ):
            if hrp in hrps:
                if encoding != wanted:
                    return Invalid("zcash", "checksum")
                if sizes is not None and len(program) not in sizes:
                    return Invalid("zcash", "length")
                if sizes is None and len(program) < 48:
                    return Invalid("zcash", "length")
                if kind == "tex":  # ZIP-320: pays the P2PKH address of the same key hash
                    version = b"\x1c\xb8" if hrps[hrp] == MAIN else b"\x1d\x25"
                    key = base58.encode_check(version + bytes(program))
                    return Address("zcash", key, "zcash", kind, hrps[hrp])
                return Address("zcash", text.lower(), "zcash", kind, hrps[hrp])
        return Invalid("zcash", "prefix", {"prefix": hrp})
    if text.startswith("zc"):
        payload = decode_check("zcash", text, 66)
        if isinstance(payload, Invalid):
            return payload
        network = ZCASH_SPROUT.get(payload[:2])
        if network is None:
            return Invalid("zcash", "version", {"version": payload[:2].hex()})
        return Address("zcash", text, "zcash", "sprout", network)
    return ZCASH_TRANSPARENT(text)


@dataclass(frozen=True)
class BitcoinCash:
    """Bitcoin Cash: CashAddr with or without its ``bitcoincash:`` prefix, or a legacy Base58Check
    address; every form is normalised to the prefixed lower-case CashAddr of the hash (token-aware
    forms included), so the legacy and CashAddr spellings of a listed address both hit."""

    legacy_chain: Base58Chain

    def __call__(self, text: str) -> Address | Invalid:
        if not text:
            return Invalid("bitcoin-cash", "empty")
        if ":" in text or (text[:1].lower() in "qpzr" and len(text) >= 42):
            decoded = cashaddr.decode(text, "bitcoincash", CASHADDR_PREFIXES)
            if isinstance(decoded, Invalid):
                return Invalid("bitcoin-cash", decoded.reason, decoded.params)
            prefix, kind, digest = decoded
            network = CASHADDR_PREFIXES_NETWORK[prefix]
            return Address(
                "bitcoin-cash", cashaddr.encode(prefix, kind, digest), "bitcoin-cash", kind, network
            )
        legacy = self.legacy_chain.legacy(text)
        if isinstance(legacy, Invalid):
            return Invalid("bitcoin-cash", legacy.reason, legacy.params)
        digest = (base58.decode(text) or b"")[1:21]
        prefix = "bitcoincash" if legacy.network == MAIN else "bchtest"
        key = cashaddr.encode(prefix, legacy.kind, digest)
        return Address("bitcoin-cash", key, "bitcoin-cash", legacy.kind, legacy.network)


CASHADDR_PREFIXES_NETWORK: Final = {"bitcoincash": MAIN, "bchtest": TEST, "bchreg": "regtest"}
CASHADDR_PREFIXES: Final = frozenset(CASHADDR_PREFIXES_NETWORK)

PRINTABLE: Final = frozenset(string.ascii_letters + string.digits + string.punctuation)


@dataclass(frozen=True)
class Unvalidated:
    """A currency whose address format is not checked here (e.g. a new code on the OFAC list):
    printable ASCII without spaces, at most 256 characters (OFAC FAQ 563), matched exactly."""

    chain: str

    def __call__(self, text: str) -> Address | Invalid:
        if not text:
            return Invalid(self.chain, "empty")
        if len(text) > 256:
            return Invalid(self.chain, "length")
        for character in text:
            if character not in PRINTABLE:
                return Invalid(self.chain, "character", {"char": character})
        return Address(self.chain, text, self.chain, "unvalidated")
