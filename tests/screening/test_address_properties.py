"""Properties the standards promise, checked on generated addresses: every encoding round-trips;
Bech32 detects any one substituted character (BIP-173, "Checksum design": every error of up to four
substitutions); flipping the case of any one letter of an EIP-55 address is detected (the checksum
fixes each letter's case from the hash of the lower-case address, EIP-55 "Specification")."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cyberdelta.screening.addresses import Invalid, base58, bech32, cashaddr, normalise, parse
from cyberdelta.screening.addresses.other_chains import eip55

hash160 = st.binary(min_size=20, max_size=20)
hash256 = st.binary(min_size=32, max_size=32)


@given(hash160, st.sampled_from([b"\x00", b"\x05"]))
def test_base58check_bitcoin_addresses_round_trip(digest: bytes, version: bytes) -> None:
    address = base58.encode_check(version + digest)
    found = normalise("bitcoin", address)
    assert found.key == address
    assert found.kind == ("p2pkh" if version == b"\x00" else "p2sh")


@given(st.one_of(hash160, hash256), st.data())
def test_bech32_detects_any_one_substituted_character(program: bytes, data: st.DataObject) -> None:
    address = bech32.encode_segwit("bc", 0, program)
    assert normalise("bitcoin", address).key == address
    position = data.draw(st.integers(min_value=3, max_value=len(address) - 1))
    replacement = data.draw(st.sampled_from([c for c in bech32.CHARSET if c != address[position]]))
    mistyped = address[:position] + replacement + address[position + 1 :]
    assert isinstance(parse("bitcoin", mistyped), Invalid)


@given(hash256)
def test_taproot_addresses_are_bech32m(program: bytes) -> None:
    address = bech32.encode_segwit("bc", 1, program)
    assert normalise("bitcoin", address).kind == "p2tr"
    wrong = bech32.encode(
        "bc", [1, *(bech32.convert_bits(list(program), 8, 5, pad=True) or [])], bech32.BECH32
    )
    assert parse("bitcoin", wrong) == Invalid(
        "bitcoin", "wrong-encoding", {"expected": "Bech32m", "version": 1}
    )


@given(hash160, st.data())
def test_flipping_the_case_of_any_letter_of_an_eip55_address_is_detected(
    digest: bytes, data: st.DataObject
) -> None:
    address = eip55(digest.hex())
    assert normalise("ethereum", address).key == "0x" + digest.hex()
    letters = [i for i, c in enumerate(address) if i > 1 and c.isalpha()]
    if not letters or address[2:].islower() or address[2:].isupper():
        return  # no letter, or a spelling that carries no checksum
    position = data.draw(st.sampled_from(letters))
    flipped = address[:position] + address[position].swapcase() + address[position + 1 :]
    if flipped[2:].islower() or flipped[2:].isupper():
        return  # the flip made it all one case: a valid spelling without a checksum
    assert parse("ethereum", flipped) == Invalid("ethereum", "eip55")


@given(hash160, st.sampled_from(["p2pkh", "p2sh"]))
def test_cashaddr_and_legacy_spellings_of_one_hash_share_a_key(digest: bytes, kind: str) -> None:
    cash = cashaddr.encode("bitcoincash", kind, digest)
    legacy = base58.encode_check((b"\x00" if kind == "p2pkh" else b"\x05") + digest)
    assert normalise("bitcoin-cash", cash).key == normalise("bitcoin-cash", legacy).key == cash
    assert normalise("bitcoin-cash", cash.split(":")[1]).key == cash


@given(st.binary(min_size=1, max_size=80))
def test_monero_block_base58_round_trips(data: bytes) -> None:
    assert base58.decode_monero(base58.encode_monero(data)) == data


@given(st.binary(max_size=40))
def test_base58_round_trips_with_either_alphabet(data: bytes) -> None:
    for alphabet, digits in (
        (base58.BITCOIN_ALPHABET, base58.BITCOIN_DIGITS),
        (base58.RIPPLE_ALPHABET, base58.RIPPLE_DIGITS),
    ):
        assert base58.decode(base58.encode(data, alphabet), digits) == data
