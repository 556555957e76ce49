"""The test vectors of BIP-173 and BIP-350 ("Test vectors"), verbatim, against our codec."""

from __future__ import annotations

import pytest

from cyberdelta.screening.addresses import bech32
from cyberdelta.screening.addresses.errors import Invalid

# BIP-173, "Test vectors": valid Bech32 strings.
VALID_BECH32 = [
    "A12UEL5L",
    "a12uel5l",
    "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
    "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
    "?1ezyfcl",
]
# BIP-350, "Test vectors for Bech32m": valid Bech32m strings.
VALID_BECH32M = [
    "A1LQFN3A",
    "a1lqfn3a",
    "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
    "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
    "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
    "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
    "?1v759aa",
]
# BIP-173: not valid Bech32, with the reason each gives.
INVALID_BECH32 = [
    ("\x20" + "1nwldj5", "character"),  # HRP character out of range
    ("\x7f" + "1axkwrx", "character"),  # HRP character out of range
    ("\x80" + "1eym55h", "character"),  # HRP character out of range
    ("an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx", "length"),
    ("pzry9x0s0muk", "separator"),  # No separator character
    ("1pzry9x0s0muk", "prefix"),  # Empty HRP
    ("x1b4n0q5v", "character"),  # Invalid data character
    ("li1dgmt3", "length"),  # Too short checksum
    ("de1lg7wt" + "\xff", "character"),  # Invalid character in checksum
    ("A1G7SGD8", "checksum"),  # checksum calculated with uppercase form of HRP
    ("10a06t8", "prefix"),  # empty HRP
    ("1qzzfhee", "prefix"),  # empty HRP
]
# BIP-350: not valid Bech32m, with the reason each gives.
INVALID_BECH32M = [
    ("\x20" + "1xj0phk", "character"),
    ("\x7f" + "1g6xzxy", "character"),
    ("\x80" + "1vctc34", "character"),
    ("an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4", "length"),
    ("qyrz8wqd2c9m", "separator"),
    ("1qyrz8wqd2c9m", "prefix"),
    ("y1b0jsk6g", "character"),
    ("lt1igcx5c0", "character"),
    ("in1muywd", "length"),
    ("mm1crxm3i", "character"),
    ("au1s5cgom", "character"),
    ("M1VUXWEZ", "checksum"),
    ("16plkw9", "prefix"),
    ("1p2gdwpf", "prefix"),
]

# BIP-350, "Test vectors for v0-v16 native segregated witness addresses": valid, with scriptPubKey.
VALID_SEGWIT = [
    ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"),
    (
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
        "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262",
    ),
    (
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
        "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6",
    ),
    ("BC1SW50QGDZ25J", "6002751e"),
    ("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323"),
    (
        "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
        "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
    ),
    (
        "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
        "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
    ),
    (
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
    ),
]
# BIP-350: invalid segwit addresses, with the reason each gives.
INVALID_SEGWIT = [
    ("tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut", "prefix"),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", "wrong-encoding"),
    ("tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf", "wrong-encoding"),
    ("BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL", "wrong-encoding"),
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "wrong-encoding"),
    ("tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47", "wrong-encoding"),
    ("bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4", "character"),
    ("BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", "witness-version"),
    ("bc1pw5dgrnzv", "witness-program"),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav", "witness-program"),
    ("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "witness-program"),
    ("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq", "mixed-case"),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf", "padding"),
    ("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j", "padding"),
    ("bc1gmk9yu", "length"),
]
# BIP-173's own invalid segwit addresses that BIP-350 did not change.
INVALID_SEGWIT_BIP173 = [
    ("tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty", "prefix"),
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "checksum"),
    ("BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2", "witness-version"),
    ("bc1rw5uspcuh", "witness-program"),
    ("bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90", "witness-program"),
    ("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "witness-program"),
    ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7", "mixed-case"),
    ("bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du", "padding"),
    ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv", "padding"),
    ("bc1gmk9yu", "length"),
]
# BIP-173's v1+ addresses written in Bech32: BIP-350 makes them invalid.
BECH32_FOR_V1_AND_UP = [
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
    "BC1SW50QA3JX3S",
    "bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj",
]
SEGWIT_HRPS = frozenset({"bc", "tb"})


@pytest.mark.parametrize("text", VALID_BECH32)
def test_valid_bech32_strings_decode_as_bech32(text: str) -> None:
    decoded = bech32.decode(text)
    assert not isinstance(decoded, Invalid)
    assert decoded[2] == bech32.BECH32


@pytest.mark.parametrize("text", VALID_BECH32M)
def test_valid_bech32m_strings_decode_as_bech32m(text: str) -> None:
    decoded = bech32.decode(text)
    assert not isinstance(decoded, Invalid)
    assert decoded[2] == bech32.BECH32M


@pytest.mark.parametrize(("text", "reason"), INVALID_BECH32 + INVALID_BECH32M)
def test_invalid_strings_are_refused_with_their_reason(text: str, reason: str) -> None:
    decoded = bech32.decode(text)
    assert isinstance(decoded, Invalid)
    assert decoded.reason == reason


@pytest.mark.parametrize(("address", "script"), VALID_SEGWIT)
def test_valid_segwit_addresses_give_their_script_pubkey(address: str, script: str) -> None:
    decoded = bech32.decode_segwit(address, SEGWIT_HRPS)
    assert not isinstance(decoded, Invalid), decoded
    _hrp, version, program = decoded
    op = 0 if version == 0 else 0x50 + version
    assert bytes([op, len(program)]).hex() + program.hex() == script
    assert bech32.encode_segwit(address[:2].lower(), version, program) == address.lower()


@pytest.mark.parametrize(("address", "reason"), INVALID_SEGWIT + INVALID_SEGWIT_BIP173)
def test_invalid_segwit_addresses_are_refused_with_their_reason(address: str, reason: str) -> None:
    decoded = bech32.decode_segwit(address, SEGWIT_HRPS)
    assert isinstance(decoded, Invalid)
    assert decoded.reason == reason


@pytest.mark.parametrize("address", BECH32_FOR_V1_AND_UP)
def test_bip173_bech32_addresses_of_witness_v1_and_up_are_refused_since_bip350(address: str) -> None:
    decoded = bech32.decode_segwit(address, SEGWIT_HRPS)
    assert isinstance(decoded, Invalid)
    assert decoded.reason == "wrong-encoding"
