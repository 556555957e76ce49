"""Every chain's normaliser: valid addresses (real ones from the OFAC SDN list where there are
some), the key each is matched by, and each way an address can be wrong."""

from __future__ import annotations

import pytest

from cyberdelta.platform import i18n
from cyberdelta.screening.addresses import (
    AddressError,
    Invalid,
    UnknownChainError,
    base58,
    bech32,
    cashaddr,
    normalise,
    parse,
)
from cyberdelta.screening.addresses.base58 import encode_check
from cyberdelta.screening.addresses.chains import chain_for_currency, parse_any
from cyberdelta.screening.addresses.other_chains import eip55, keccak256

# EIP-55, "Test Cases": all caps, all lower, and normal (mixed-case) checksummed addresses.
EIP55_EXAMPLES = [
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


@pytest.mark.parametrize("address", EIP55_EXAMPLES)
def test_eip55_examples_are_valid_and_keyed_in_lower_case(address: str) -> None:
    found = normalise("ethereum", address)
    assert found.key == address.lower()
    assert found.space == "evm"


@pytest.mark.parametrize("address", EIP55_EXAMPLES[4:])
def test_eip55_spelling_is_computed_from_keccak256(address: str) -> None:
    assert eip55(address[2:].lower()) == address


@pytest.mark.parametrize("address", EIP55_EXAMPLES[4:])
def test_one_letter_with_its_case_flipped_breaks_the_eip55_checksum(address: str) -> None:
    position = next(i for i, c in enumerate(address) if i > 1 and c.isalpha())
    flipped = address[:position] + address[position].swapcase() + address[position + 1 :]
    with pytest.raises(AddressError) as raised:
        normalise("ethereum", flipped)
    assert raised.value.reason == "eip55"


@pytest.mark.parametrize(
    "address",
    [
        "0x52908400098527886E0F7030069857D2E4169EE",
        "52908400098527886E0F7030069857D2E4169EE7",
        "0x52908400098527886E0F7030069857D2E4169EEG",
    ],
)
def test_evm_addresses_of_the_wrong_shape_are_refused(address: str) -> None:
    assert parse("ethereum", address) == Invalid("ethereum", "hex")


def test_every_evm_chain_shares_one_key_space() -> None:
    keys = {normalise(chain, EIP55_EXAMPLES[4]) for chain in ("ethereum", "bnb-smart-chain", "arbitrum")}
    assert {(a.key, a.space) for a in keys} == {(EIP55_EXAMPLES[4].lower(), "evm")}


# Real listed addresses (OFAC SDN "Digital Currency Address - …" features), by currency code.
LISTED = [
    ("XBT", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "bitcoin", "p2pkh"),
    ("XBT", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "bitcoin", "p2wpkh"),
    ("LTC", "LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb", "litecoin", "p2pkh"),
    ("LTC", "M8yFL6SFC6TreATegTyuSYkDfDRbisdpT3", "litecoin", "p2sh"),
    ("LTC", "ltc1qr8ntsedq8tv0svmxqhzvdcdl5k7kntdmnhwep7", "litecoin", "p2wpkh"),
    ("BSV", "12sjrrhoFEsedNRhtgwvvRqjFTh8fZTDX9", "bitcoin-sv", "p2pkh"),
    ("BTG", "GPwg61XoHqQPNmAucFACuQ5H9sGCDv9TpS", "bitcoin-gold", "p2pkh"),
    ("DASH", "XcuGqRfrR85zyDrzVr1gSL5RNjwwpbu2KS", "dash", "p2pkh"),
    ("XVG", "DFFJhnQNZf8rf67tYnesPu7MuGUpYtzv7Z", "verge", "p2pkh"),
    ("ZEC", "t1LHesgnkapziGQCJtrfZWYXhyjfTVo1dvh", "zcash", "p2pkh"),
    (
        "XMR",
        "49HqitRzdnhYjgTEAhgGpCfsjdTeMbUTU6cyR4JV1R7k2Eej9rGT8JpFiYDa4tZM6RZiFrHmMzgSrhHEqpDYKBe5B2ufNsL",
        "monero",
        "standard",
    ),
    (
        "XMR",
        "884Bz8UH63aYsjVdkfWfScRYWZGGNbjFL7pztqvWNSrtYT4reFSwyvkCj9KEGUtheHhhMUj87ciTBFyzoesrMJ4L1FvSoxL",
        "monero",
        "subaddress",
    ),
    ("XRP", "rnXyVQzgxZe7TR1EPzTkGj2jxH4LMJYh66", "ripple", "classic"),
    ("TRX", "TX5GV4DyfxNB3rPkzZJhmqZ1efVmL4rEqG", "tron", "base58"),
    ("SOL", "42RLPACwZPx3vYYmxSueqsogfynBDqXK298EDsNoyoHi", "solana", "ed25519"),
    ("ETH", "0x098B716B8Aaf21512996dC57EB0615e2383E2f96", "ethereum", "eip55"),
    ("USDT", "0x38735f03b30FbC022DdD06ABED01F0Ca823C6a94", "ethereum", "eip55"),
    ("USDT", "TX5GV4DyfxNB3rPkzZJhmqZ1efVmL4rEqG", "tron", "base58"),
    ("USDT", "16iWn2J1McqjToYLHSsAyS6En3QA8YQ91H", "bitcoin", "p2pkh"),
    ("USDC", "0x983a81ca6FB1e441266D2FbcB7D8E530AC2E05A2", "ethereum", "eip55"),
    ("BCH", "qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq", "bitcoin-cash", "p2pkh"),
]


@pytest.mark.parametrize(("code", "address", "chain", "kind"), LISTED)
def test_listed_addresses_are_valid_on_the_chain_their_currency_names(
    code: str, address: str, chain: str, kind: str
) -> None:
    found = parse_any(chain_for_currency(code), address)
    assert not isinstance(found, Invalid), found
    assert (found.chain, found.kind) == (chain, kind)


@pytest.mark.parametrize(("code", "address", "chain", "kind"), LISTED)
def test_an_address_without_a_chain_is_detected(code: str, address: str, chain: str, kind: str) -> None:
    found = parse(None, address)
    assert not isinstance(found, Invalid), found
    expected = {"ethereum": "evm", "bitcoin-sv": "bitcoin"}.get(chain, chain)
    assert found.chain == expected


def _swap_one_character(address: str, alphabet: str) -> str:
    position = len(address) // 2
    replacement = next(c for c in alphabet if c != address[position])
    return address[:position] + replacement + address[position + 1 :]


BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@pytest.mark.parametrize(("code", "address", "chain", "kind"), [row for row in LISTED if row[2] != "solana"])
def test_one_mistyped_character_breaks_the_checksum(code: str, address: str, chain: str, kind: str) -> None:
    alphabet = (
        "qpzry9x8gf2tvdw0s3jn54khce6mua7l" if kind.startswith("p2w") or chain == "bitcoin-cash" else BASE58
    )
    if kind in ("eip55", "hex"):
        alphabet = "0123456789abcdef"
    mistyped = _swap_one_character(address, alphabet)
    found = parse(chain, mistyped)
    assert isinstance(found, Invalid)
    assert found.reason in ("checksum", "eip55")


def test_a_base58_character_outside_the_alphabet_is_named() -> None:
    found = parse("bitcoin", "1BoatSLRHtKNngkdXEeobR76b53LETtpy0")
    assert found == Invalid("bitcoin", "character", {"char": "0"})


def test_an_address_of_another_chain_is_refused_by_its_version_byte() -> None:
    found = parse("litecoin", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT")
    assert isinstance(found, Invalid)
    assert found.reason == "version"


def test_mixed_case_bech32_is_refused_and_upper_case_is_the_same_address() -> None:
    assert parse("bitcoin", "bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4") == Invalid("bitcoin", "mixed-case")
    upper = normalise("bitcoin", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")
    assert upper.key == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"


def test_a_testnet_address_is_valid_and_says_so() -> None:
    found = normalise("bitcoin", "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7")
    assert found.network == "testnet"


def test_a_litecoin_address_is_not_a_bitcoin_segwit_address() -> None:
    found = parse("bitcoin", "ltc1qr8ntsedq8tv0svmxqhzvdcdl5k7kntdmnhwep7")
    assert isinstance(found, Invalid)


# CashAddr specification: the legacy and CashAddr spellings of one hash160.
CASHADDR_PAIRS = [
    ("1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu", "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"),
    ("3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC", "bitcoincash:ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq"),
]


@pytest.mark.parametrize(("legacy", "cash"), CASHADDR_PAIRS)
def test_bitcoin_cash_legacy_prefixed_and_bare_cashaddr_share_one_key(legacy: str, cash: str) -> None:
    keys = {normalise("bitcoin-cash", form).key for form in (legacy, cash, cash.split(":")[1], cash.upper())}
    assert keys == {cash}


def test_cashaddr_checksum_and_prefix_are_checked() -> None:
    bad = parse("bitcoin-cash", "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6c")
    assert isinstance(bad, Invalid)
    assert bad.reason == "checksum"
    wrong_prefix = parse("bitcoin-cash", "bchtest:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a")
    assert isinstance(wrong_prefix, Invalid)
    assert wrong_prefix.reason == "checksum"
    assert parse("bitcoin-cash", "ecash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a") == Invalid(
        "bitcoin-cash", "prefix", {"prefix": "ecash"}
    )
    assert parse("bitcoin-cash", "bitcoincash:qpm2qsznhks23z7629Mms6s4cwef74vcwvy22gdx6a") == Invalid(
        "bitcoin-cash", "mixed-case"
    )


def test_tron_hex_form_is_normalised_to_base58check() -> None:
    found = normalise("tron", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
    payload_hex = "41" + "a614f803b6fd780986a42c78ec9c7f77e6ded13c"
    assert normalise("tron", payload_hex).key == encode_check(bytes.fromhex(payload_hex))
    assert found.key == "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"


def test_a_base58check_string_without_the_tron_prefix_byte_is_refused() -> None:
    found = parse("tron", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT")
    assert found == Invalid("tron", "version", {"version": "00"})


def test_xrp_x_addresses_are_keyed_by_their_classic_account() -> None:
    # XLS-5d: the same account without a tag and with tag 1.
    untagged = normalise("ripple", "X7AcgcsBL6XDcUb289X4mJ8djcdyKaB5hJDWMArnXr61cqZ")
    tagged = normalise("ripple", "X7AcgcsBL6XDcUb289X4mJ8djcdyKaGZMhc9YTE92ehJ2Fu")
    assert untagged.key == tagged.key == "r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59"


def test_xrp_uses_its_own_alphabet() -> None:
    # A Bitcoin address is not an XRP address even though both are Base58Check.
    found = parse("ripple", "rBoatSLRHtKNngkdXEeobR76b53LETtpyT")
    assert isinstance(found, Invalid)


def test_solana_keys_must_decode_to_32_bytes() -> None:
    assert normalise("solana", "11111111111111111111111111111111").key == "11111111111111111111111111111111"
    found = parse("solana", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT")
    assert found == Invalid("solana", "length")
    assert parse("solana", "42RLPACwZPx3vYYmxSueqsogfynBDqXK298EDsNoyoH0") == Invalid(
        "solana", "character", {"char": "0"}
    )


def test_a_monero_hex_string_listed_as_an_address_is_refused() -> None:
    # The SDN list has carried a 64-digit hex string under "Digital Currency Address - XMR".
    found = parse("monero", "5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320")
    assert isinstance(found, Invalid)


def test_monero_checksum_is_keccak256() -> None:
    address = (
        "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"
    )
    assert normalise("monero", address).kind == "standard"
    mistyped = address[:-1] + "B"
    found = parse("monero", mistyped)
    assert isinstance(found, Invalid)
    assert found.reason in ("checksum", "length")


def test_zcash_transparent_version_bytes_are_two() -> None:
    found = parse("zcash", encode_check(b"\x1c\xb9" + bytes(20)))
    assert found == Invalid("zcash", "version", {"version": "1cb9"})


def test_an_unknown_currency_is_kept_for_exact_matching() -> None:
    (chain,) = chain_for_currency("NEO")
    found = parse(chain, "AK2nJJpJr6o664CWJKi1QRXjqeic2zRp8y")
    assert not isinstance(found, Invalid)
    assert (found.chain, found.kind, found.key) == (
        "currency:NEO",
        "unvalidated",
        "AK2nJJpJr6o664CWJKi1QRXjqeic2zRp8y",
    )


def test_an_unknown_chain_is_an_error_naming_the_field() -> None:
    with pytest.raises(UnknownChainError) as raised:
        normalise("dogecoin", "D8vFz4p1L37jdg47HXKtSHA5uYLYxbGgPD")
    assert raised.value.field == "chain"


def test_chain_codes_are_accepted_as_names() -> None:
    assert normalise("XBT", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT").chain == "bitcoin"


def test_garbage_is_not_an_address_of_any_chain() -> None:
    assert parse(None, "hello world") == Invalid(None, "unrecognised")
    assert parse(None, "   ") == Invalid(None, "empty")


def test_errors_read_in_japanese_and_english() -> None:
    with pytest.raises(AddressError) as raised:
        normalise("bitcoin", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5")
    with i18n.language("en"):
        assert raised.value.render() == (
            "'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5' is not a valid bitcoin address: "
            "checksum does not match"
        )
    with i18n.language("ja"):
        assert "チェックサムが一致しません" in raised.value.render()
    assert raised.value.field == "address"
    assert raised.value.status == 422


def test_a_tex_address_is_keyed_by_the_transparent_address_it_pays() -> None:
    # ZIP-320, "Reference implementation": the TEX and t1 forms of one key hash.
    tex = normalise("zcash", "tex1s2rt77ggv6q989lr49rkgzmh5slsksa9khdgte")
    assert (tex.kind, tex.key) == ("tex", "t1VmmGiyjVNeCjxDZzg7vZmd99WyzVby9yC")
    assert normalise("zcash", "t1VmmGiyjVNeCjxDZzg7vZmd99WyzVby9yC").key == tex.key


@pytest.mark.parametrize(
    ("address", "kind", "network"),
    [
        (
            "zs1qqqqqqqqqqqqqqqqqqcguyvaw2vjk4sdyeg0lc970u659lvhqq7t0np6hlup5lusxle75c8v35z",
            "sapling",
            "mainnet",
        ),
        ("t3JZcvsuaXE6ygokL4XUiZSTrQBUoPYFnXJ", "p2sh", "mainnet"),
        ("tm9iMLAuYMzJ6jtFLcA7rzUmfreGuKvr7Ma", "p2pkh", "testnet"),
        ("t26YoyZ1iPgiMEWL4zGUm74eVWfhyDMXzY2", "p2sh", "testnet"),
    ],
)
def test_zcash_address_kinds(address: str, kind: str, network: str) -> None:
    found = normalise("zcash", address)
    assert (found.kind, found.network) == (kind, network)


def test_a_unified_address_may_be_longer_than_90_characters() -> None:
    data = bech32.convert_bits(list(bytes(range(100))), 8, 5, pad=True) or []
    unified = bech32.encode("u", data, bech32.BECH32M)
    assert len(unified) > 90
    assert normalise("zcash", unified).kind == "unified"
    assert parse("zcash", bech32.encode("u", data, bech32.BECH32)) == Invalid("zcash", "checksum")


def test_a_monero_integrated_address_is_keyed_by_its_standard_address() -> None:
    standard = (
        "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"
    )
    keys = (base58.decode_monero(standard) or b"")[1:65]
    body = b"\x13" + keys + bytes.fromhex("1122334455667788")
    integrated = base58.encode_monero(body + keccak256(body)[:4])
    assert len(integrated) == 106
    found = normalise("monero", integrated)
    assert (found.kind, found.key) == ("integrated", standard)


def test_a_token_aware_cashaddr_is_keyed_by_its_plain_form() -> None:
    digest = bytes.fromhex("76a04053bda0a88bda5177b86a15c3b29f559873")
    data = bech32.convert_bits([0x10, *digest], 8, 5, pad=True) or []  # type 2: token-aware P2PKH
    value = cashaddr.polymod([*(ord(c) & 31 for c in "bitcoincash"), 0, *data, 0, 0, 0, 0, 0, 0, 0, 0])
    token_aware = "bitcoincash:" + "".join(
        bech32.CHARSET[d] for d in data + [(value >> 5 * (7 - i)) & 31 for i in range(8)]
    )
    assert token_aware.startswith("bitcoincash:z")
    assert (
        normalise("bitcoin-cash", token_aware).key == "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"
    )


@pytest.mark.parametrize(
    ("chain", "address"),
    [
        ("dash", "XcuGqRfrR85zyDrzVr1gSL5RNjwwpbu2KT"),
        ("verge", "DFFJhnQNZf8rf67tYnesPu7MuGUpYtzv7Y"),
        ("bitcoin-gold", "GPwg61XoHqQPNmAucFACuQ5H9sGCDv9TpT"),
        ("bitcoin-sv", "12sjrrhoFEsedNRhtgwvvRqjFTh8fZTDX8"),
        ("litecoin", "LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfc"),
        ("tron", "TX5GV4DyfxNB3rPkzZJhmqZ1efVmL4rEqH"),
        ("ripple", "rnXyVQzgxZe7TR1EPzTkGj2jxH4LMJYh67"),
        ("zcash", "t1LHesgnkapziGQCJtrfZWYXhyjfTVo1dvi"),
    ],
)
def test_a_changed_last_character_breaks_each_chains_checksum(chain: str, address: str) -> None:
    found = parse(chain, address)
    assert isinstance(found, Invalid)
    assert found.reason == "checksum"


def test_a_testnet_x_address_is_detected_as_xrp() -> None:
    account = bytes(range(20))
    x_address = encode_check(b"\x04\x93" + account + b"\x00" + bytes(8), base58.RIPPLE_ALPHABET)
    found = parse(None, x_address)
    assert not isinstance(found, Invalid)
    assert (found.chain, found.network, found.key) == (
        "ripple",
        "testnet",
        encode_check(b"\x00" + account, base58.RIPPLE_ALPHABET),
    )
