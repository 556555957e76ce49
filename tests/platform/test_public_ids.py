"""Public ids (docs/architecture.md, "Public ids"): a keyed permutation of one AES block
(NIST SP 800-38A), so that URLs carry no row count and no guessable neighbour (OWASP ASVS 5.0 V8)."""

from __future__ import annotations

import base64
import itertools
import re

import pytest

from cyberdelta.platform.public_ids import MAX_ID, TOKEN_LENGTH, PublicIds, kind_tag, public_ids_for

SECRET = b"s" * 48
URL_SAFE = re.compile(r"[A-Za-z0-9_-]{22}")


@pytest.fixture
def codec() -> PublicIds:
    return PublicIds(SECRET)


@pytest.mark.parametrize("row_id", [0, 1, 2, 41, 2_147_483_647, 2**53 + 1, MAX_ID])
def test_a_public_id_is_22_url_safe_characters_and_decodes_to_its_row(codec: PublicIds, row_id: int) -> None:
    token = codec.encode("assessment", row_id)
    assert URL_SAFE.fullmatch(token) and len(token) == TOKEN_LENGTH
    assert codec.decode("assessment", token) == row_id


def test_the_same_row_always_has_the_same_public_id_under_one_secret() -> None:
    assert PublicIds(SECRET).encode("evidence", 7) == PublicIds(SECRET).encode("evidence", 7)
    assert public_ids_for("s" * 48).encode("evidence", 7) == PublicIds(SECRET).encode("evidence", 7)


def test_a_public_id_of_one_kind_names_nothing_of_another(codec: PublicIds) -> None:
    token = codec.encode("assessment", 5)
    assert codec.decode("evidence", token) is None
    assert codec.decode("cycle", token) is None
    assert codec.encode("evidence", 5) != token
    assert kind_tag("assessment") != kind_tag("evidence")


def test_a_tampered_public_id_decodes_to_nothing(codec: PublicIds) -> None:
    token = codec.encode("assessment", 5)
    block = bytearray(base64.urlsafe_b64decode(token + "=="))
    for position in range(16):
        for bit in (0x01, 0x80):
            changed = bytearray(block)
            changed[position] ^= bit
            forged = base64.urlsafe_b64encode(bytes(changed)).rstrip(b"=").decode()
            assert codec.decode("assessment", forged) is None, (position, bit)


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "5",
        "987654",
        "2147483647",
        "A" * 21,
        "A" * 23,
        "A" * 22,  # well formed, but decrypts to a block with the wrong tag
        "+" * 22,  # base64, not base64url
        "%%%%%%%%%%%%%%%%%%%%%%",
        "ああああああああああああああああああああああ",
        "AAAAAAAAAAAAAAAAAAAAA=",
    ],
)
def test_garbage_decodes_to_nothing(codec: PublicIds, garbage: str) -> None:
    assert codec.decode("assessment", garbage) is None


def test_only_the_canonical_spelling_decodes(codec: PublicIds) -> None:
    """The last of the 22 characters carries 2 unused bits: a second spelling of one block is refused."""
    token = codec.encode("assessment", 5)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    index = alphabet.index(token[-1])
    variants = [token[:-1] + alphabet[(index & ~3) | low] for low in range(4)]
    assert [codec.decode("assessment", v) for v in variants].count(5) == 1


def test_different_secrets_give_different_public_ids() -> None:
    one, other = PublicIds(SECRET), PublicIds(b"t" * 48)
    assert one.encode("assessment", 5) != other.encode("assessment", 5)
    assert other.decode("assessment", one.encode("assessment", 5)) is None


def test_public_ids_of_consecutive_rows_look_unrelated(codec: PublicIds) -> None:
    """No shared prefix, no order: about half of the 128 bits differ between neighbours."""
    tokens = [codec.encode("assessment", row_id) for row_id in range(1, 201)]
    assert len(set(tokens)) == len(tokens)
    assert tokens != sorted(tokens)
    blocks = [int.from_bytes(base64.urlsafe_b64decode(t + "=="), "big") for t in tokens]
    distances = [bin(a ^ b).count("1") for a, b in itertools.pairwise(blocks)]
    assert min(distances) > 32 and 56 < sum(distances) / len(distances) < 72
    prefixes = {t[:4] for t in tokens}
    assert len(prefixes) > 190


def test_a_row_id_outside_64_bits_has_no_public_id(codec: PublicIds) -> None:
    with pytest.raises(ValueError, match="64-bit"):
        codec.encode("assessment", -1)
    with pytest.raises(ValueError, match="64-bit"):
        codec.encode("assessment", MAX_ID + 1)
