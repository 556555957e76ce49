"""The C fast path of batch screening gives exactly the Python normalisers' results
(docs/screening.md, "Speed"): on every BIP-173/BIP-350 vector, EIP-55's examples, the addresses the
SDN list carries for each chain, one mistyped character of each, garbage, and generated addresses
of every shape the fast path handles, with and without hits. Its Keccak-256 and double SHA-256
equal the Python libraries' on every length it takes.

The extension is built by the editable install (pyproject.toml); without it these tests fail, as a
missing build is a failure of the install, not a reason to skip.
"""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberdelta.platform import i18n
from cyberdelta.platform.settings import Language
from cyberdelta.screening import index as screening_index
from cyberdelta.screening.addresses import _fastpath, base58, bech32
from cyberdelta.screening.addresses.chains import detect
from cyberdelta.screening.addresses.model import Address
from cyberdelta.screening.addresses.other_chains import eip55, keccak256
from cyberdelta.screening.index import Hit, ScreeningIndex
from tests.screening.test_addresses import EIP55_EXAMPLES, LISTED
from tests.screening.test_bech32_vectors import (
    INVALID_BECH32,
    INVALID_BECH32M,
    INVALID_SEGWIT,
    VALID_BECH32,
    VALID_BECH32M,
    VALID_SEGWIT,
)

HIT = Hit("lines", 1, "7", "Listed party", "CYBER2", "")


def _flip(text: str, position: int) -> str:
    character = text[position]
    return text[:position] + (character.swapcase() if character.isalpha() else "z") + text[position + 1 :]


def _vectors() -> list[str]:
    texts = [*VALID_BECH32, *VALID_BECH32M, *(t for t, _ in INVALID_BECH32), *(t for t, _ in INVALID_BECH32M)]
    texts += [address for address, _ in VALID_SEGWIT] + [address for address, _ in INVALID_SEGWIT]
    texts += EIP55_EXAMPLES + [address for _code, address, _chain, _kind in LISTED]
    mistyped = [text[:-1] + ("z" if text[-1] != "z" else "y") for text in texts if text]
    flipped = [_flip(text, 5) for text in EIP55_EXAMPLES]
    garbage = ["", " ", "0x", "0X" + "ab" * 20, "0x" + "g" * 40, "1", "T" * 34, "bc1", "BC1Q", "tb1", "bcrt1"]
    garbage += [
        " 1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
        "1BoatSLRHtKNngkdXEeobR76b53LETtpyT\n",
        "0x" + "é" * 40,
    ]
    garbage += ["1" * 35, "3" * 20, "11111111111111111111111111111111", "bc1" + "q" * 87]
    return texts + mistyped + flipped + garbage


def _index(listed: list[str]) -> ScreeningIndex:
    """An index listing those of ``listed`` that are valid addresses."""
    found = [detect(text.strip()) for text in listed]
    return ScreeningIndex([], [(a.space, a.key, HIT) for a in found if isinstance(a, Address)])


def _same(index: ScreeningIndex, texts: list[str]) -> None:
    fast = index.screen_many(texts)
    slow = index.screen_many(texts, accelerated=False)
    assert [tuple(result) for result in fast] == [tuple(result) for result in slow]
    assert all(type(result) is screening_index.Result for result in fast)


def test_the_extension_is_built_and_used() -> None:
    assert screening_index.ACCELERATED


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_vector_screens_the_same_through_c_and_python(language: Language) -> None:
    texts = _vectors()
    listed = [EIP55_EXAMPLES[4], "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", VALID_SEGWIT[0][0]]
    with i18n.language(language):  # invalid results carry the message in the language in force
        _same(_index(listed), texts)
        _same(_index(listed), texts * 3)  # repeated inputs


def test_the_fast_path_decides_the_common_shapes_itself() -> None:
    shapes = [EIP55_EXAMPLES[4], EIP55_EXAMPLES[2], "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"]
    shapes += ["TX5GV4DyfxNB3rPkzZJhmqZ1efVmL4rEqG", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"]
    shapes += [_flip(EIP55_EXAMPLES[4], 5), "1BoatSLRHtKNngkdXEeobR76b53LETtpyz"]
    results, pending = _fastpath.screen(shapes, ({}, {}, {}), screening_index.Result, ("c", "e"))
    assert pending == []
    assert [result.error for result in results[-2:]] == ["e", "c"]
    left, pending = _fastpath.screen(
        ["LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb", ""], ({}, {}, {}), tuple, ("c", "e")
    )
    assert (left, pending) == ([None, None], [0, 1])  # Litecoin and the empty string: Python's


rng = random.Random(173)  # noqa: S311 (reproducible test inputs, not secrets)


def _generated(count: int) -> list[str]:
    out: list[str] = []
    for _ in range(count):
        digest = rng.randbytes(20)
        out += [
            "0x" + digest.hex(),
            eip55(digest.hex()),
            "0x" + digest.hex().upper(),
            base58.encode_check(rng.choice([b"\x00", b"\x05", b"\x6f", b"\xc4", b"\x30"]) + digest),
            base58.encode_check(b"\x41" + digest),
            base58.encode_check(b"\x42" + digest),
            bech32.encode_segwit(rng.choice(["bc", "tb", "bcrt"]), 0, digest),
            bech32.encode_segwit("bc", 0, rng.randbytes(32)).upper(),
            bech32.encode_segwit("bc", 1, rng.randbytes(32)),
            bech32.encode_segwit("bc", rng.randint(2, 16), rng.randbytes(rng.randint(2, 40))),
        ]
    return out


def test_generated_addresses_and_their_mistypings_screen_the_same() -> None:
    texts = _generated(300)
    typos = []
    for text in texts:
        position = rng.randrange(len(text))
        typos.append(text[:position] + rng.choice("0aAzZ1qQ") + text[position + 1 :])
    index = _index(texts[::7])
    assert len(index) > 300
    _same(index, texts + typos)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789abcdefABCDEFxXTbBcCtTqQpPzZ13 ", max_size=64))
def test_any_text_screens_the_same(text: str) -> None:
    _same(_index([]), [text, "0x" + text, "bc1" + text, "1" + text])


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=135))
def test_keccak256_is_ethereums(data: bytes) -> None:
    assert _fastpath.keccak256(data) == keccak256(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=55))
def test_double_sha256_is_bitcoins(data: bytes) -> None:
    assert _fastpath.double_sha256(data) == hashlib.sha256(hashlib.sha256(data).digest()).digest()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=base58.BITCOIN_ALPHABET.decode(), max_size=40), st.binary(min_size=21, max_size=21))
def test_any_base58_text_screens_the_same(text: str, payload: bytes) -> None:
    near = base58.encode_check(payload)  # a checksummed string of any version byte
    _same(_index([near]), ["1" + text, "3" + text, "T" + text[:33], near, near[:-1], near + "1"])
