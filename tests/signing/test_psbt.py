"""Bitcoin PSBTs: the BIP-174 and BIP-370 test vectors, and real-shaped withdrawals checked against the
firm's descriptors, allowlist, limits, fee ceilings and approved request (docs/signing.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cyberdelta.signing.bitcoin_tx import Tx, TxIn, TxOut
from cyberdelta.signing.errors import SigningInputError
from cyberdelta.signing.policy import load_policy, load_request
from cyberdelta.signing.psbt_format import decode_text, parse_psbt
from cyberdelta.signing.psbt_review import PsbtReview, review_psbt
from tests.signing.psbt_builder import (
    DESCRIPTOR,
    PAYEE,
    PAYEE_SCRIPT,
    Spend,
    firm_key,
    psbt_v0,
    psbt_v2,
    withdrawal,
    witness_utxo,
)

VECTORS = Path(__file__).parent / "vectors"


def vectors(kind: str) -> list[tuple[str, str]]:
    found = []
    for name in ("bip174", "bip370"):
        document = json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))
        found += [(f"{name}: {case['case']}", case["hex"]) for case in document[kind]]
    return found


@pytest.mark.parametrize(("case", "hex_data"), vectors("valid"), ids=[case for case, _ in vectors("valid")])
def test_the_bips_valid_vectors_parse(case: str, hex_data: str) -> None:
    psbt = parse_psbt(bytes.fromhex(hex_data))
    assert psbt.version == (2 if case.startswith("bip370") else 0)
    assert len(psbt.inputs) == len(psbt.tx.inputs) and len(psbt.outputs) == len(psbt.tx.outputs)
    review_psbt(psbt, network="testnet")  # and every one can be reviewed


@pytest.mark.parametrize(
    ("case", "hex_data"), vectors("invalid"), ids=[case for case, _ in vectors("invalid")]
)
def test_the_bips_invalid_vectors_are_refused(case: str, hex_data: str) -> None:
    with pytest.raises(SigningInputError):
        parse_psbt(bytes.fromhex(hex_data))


REQUIRED_V2 = vectors("valid")[-4][1]  # BIP-370 "1 input, 2 output PSBTv2, required fields only."


@pytest.mark.parametrize(
    ("record", "missing"),
    [
        ("01040101", "PSBT_GLOBAL_INPUT_COUNT"),
        ("01020402000000", "PSBT_GLOBAL_TX_VERSION"),
        ("010f0400000000", "PSBT_IN_OUTPUT_INDEX"),
        ("0103080008af2f00000000", "PSBT_OUT_AMOUNT"),
    ],
)
def test_a_version_2_psbt_missing_a_required_field_is_refused(record: str, missing: str) -> None:
    """The BIP-370 "required fields only" vector with one of its required records removed."""
    assert REQUIRED_V2.count(record) == 1
    broken = bytes.fromhex(REQUIRED_V2.replace(record, "", 1))
    with pytest.raises(SigningInputError) as raised:
        parse_psbt(broken)
    assert missing in raised.value.text.en or "ends before" in raised.value.text.en


def test_the_bip370_updated_vector_shows_its_amounts_and_fee() -> None:
    review = review_psbt(parse_psbt(bytes.fromhex(vectors("valid")[-3][1])), network="testnet")
    data = review.as_json()
    assert [o["amount"] for o in data["decoded"]["outputs"]] == [800_000_000, 199_998_859]
    assert data["decoded"]["inputs"][0]["amount"] == 999_999_000
    assert (data["fee"], data["vsize_estimate"], data["fee_rate_sat_vb"]) == (141, 141, "1.00")
    assert data["decoded"]["outputs"][0]["address"] == "tb1qcsc0vnz82mdrzrdargy92uh09xvjvfevkxmwpr"


def test_base64_and_hex_text_are_both_read() -> None:
    data = bytes.fromhex(REQUIRED_V2)
    import base64

    assert decode_text(base64.b64encode(data).decode()) == data
    assert decode_text(REQUIRED_V2.upper()) == data
    with pytest.raises(SigningInputError):
        decode_text("not a psbt!")


def check(
    psbt: bytes, policy: dict[str, Any] | None = None, request: dict[str, Any] | None = None
) -> PsbtReview:
    return review_psbt(
        parse_psbt(psbt),
        network="mainnet",
        policy=load_policy(policy) if policy is not None else None,
        request=load_request(request) if request is not None else None,
    )


def codes(review: PsbtReview) -> set[str]:
    return {finding.code for finding in review.findings}


FIRM = {"bitcoin": {"descriptors": [DESCRIPTOR]}}


@pytest.mark.parametrize("build", [psbt_v0, psbt_v2], ids=["v0", "v2"])
def test_a_withdrawal_with_change_to_the_firms_descriptor(build: Any) -> None:
    review = check(build(*withdrawal()), FIRM | {"destinations": [PAYEE]})
    data = review.as_json()
    assert [(o["address"], o["amount"], o["change"]) for o in data["decoded"]["outputs"]] == [
        (PAYEE, 600_000, False),
        (data["decoded"]["outputs"][1]["address"], 399_000, True),
    ]
    assert data["fee"] == 1000 and data["vsize_estimate"] == 141 and data["fee_rate_sat_vb"] == "7.09"
    assert "CHANGE_RECOGNISED" in codes(review) and review.verdict == "pass"


def test_both_versions_describe_the_same_transaction() -> None:
    v0, v2 = (check(build(*withdrawal()), FIRM) for build in (psbt_v0, psbt_v2))
    assert v0.psbt.tx.txid == v2.psbt.tx.txid and v0.fee == v2.fee


def test_without_the_descriptor_the_change_is_counted_as_sent() -> None:
    review = check(psbt_v0(*withdrawal()), {"limits": {"BTC": 700_000}})
    assert not any(o.change for o in review.outputs)
    assert "LIMIT_EXCEEDED" in codes(review)


def test_change_that_claims_a_firm_key_but_pays_another_script_is_blocked() -> None:
    attacker = bytes.fromhex("0014") + bytes(range(20))
    review = check(psbt_v0(*withdrawal(change_script=attacker)), FIRM)
    assert "CHANGE_SCRIPT_MISMATCH" in codes(review) and review.verdict == "block"


def test_allowlist_and_limits() -> None:
    assert "DESTINATION_NOT_ALLOWED" in codes(
        check(psbt_v0(*withdrawal()), FIRM | {"destinations": ["bc1qother"]})
    )
    assert "LIMIT_EXCEEDED" in codes(check(psbt_v0(*withdrawal()), FIRM | {"limits": {"BTC": 599_999}}))
    assert "LIMIT_EXCEEDED" not in codes(check(psbt_v0(*withdrawal()), FIRM | {"limits": {"btc": "600000"}}))


def test_fee_ceilings() -> None:
    assert "FEE_RATE_ABOVE_LIMIT" in codes(
        check(
            psbt_v0(*withdrawal()),
            FIRM | {"bitcoin": {"descriptors": [DESCRIPTOR], "max_fee_rate_sat_vb": 5}},
        )
    )
    assert "FEE_ABOVE_LIMIT" in codes(
        check(psbt_v0(*withdrawal()), {"bitcoin": {"descriptors": [DESCRIPTOR], "max_fee_sat": 999}})
    )
    greedy = check(psbt_v0(*withdrawal(change=100_000)))  # 300,000 sat fee
    assert "FEE_RATE_HIGH" in codes(greedy) and greedy.verdict == "warn"


def test_the_approved_withdrawal_must_match_exactly() -> None:
    request = {"id": "WD-BTC-9", "asset": "BTC", "amount": 600_000, "destination": PAYEE}
    assert "REQUEST_MATCHED" in codes(check(psbt_v0(*withdrawal()), FIRM, request))
    assert "REQUEST_MISMATCH" in codes(
        check(psbt_v0(*withdrawal(amount=600_001, change=398_999)), FIRM, request)
    )
    assert "REQUEST_MISMATCH" in codes(
        check(psbt_v0(*withdrawal()), None, request)
    )  # change unrecognised: two payees


def test_an_input_without_its_spent_output_is_blocked() -> None:
    review = check(psbt_v0(*withdrawal(input_records=[])), FIRM)
    assert "INPUT_AMOUNT_UNKNOWN" in codes(review) and review.fee is None


def test_a_previous_transaction_that_is_not_the_one_spent_is_blocked() -> None:
    _pub, _path, script = firm_key(0, 3)
    # A real transaction (BIP-174's first vector's previous transaction) whose txid is not PREV_TXID.
    other = bytes.fromhex(vectors("valid")[0][1])
    previous = parse_psbt(other).inputs[0].get(0x00)
    assert previous is not None
    review = check(
        psbt_v0(*withdrawal(input_records=[(b"\x00", previous), (b"\x01", witness_utxo(1_000_000, script))])),
        FIRM,
    )
    assert "INPUT_UTXO_MISMATCH" in codes(review) and review.verdict == "block"


def test_a_signature_hash_type_other_than_all_warns() -> None:
    _pub, _path, script = firm_key(0, 3)
    records = [(b"\x01", witness_utxo(1_000_000, script)), (b"\x03", (0x82).to_bytes(4, "little"))]
    review = check(psbt_v0(*withdrawal(input_records=records)), FIRM)
    assert "SIGHASH_NOT_ALL" in codes(review)


def test_a_bad_descriptor_or_network_is_bad_input() -> None:
    with pytest.raises(SigningInputError) as raised:
        check(psbt_v0(*withdrawal()), {"bitcoin": {"descriptors": ["wpkh(nonsense)"]}})
    assert raised.value.field == "policy $.bitcoin.descriptors[0]"
    with pytest.raises(SigningInputError):
        review_psbt(parse_psbt(psbt_v0(*withdrawal())), network="litecoin")


def test_the_payee_script_is_the_bip173_example_address() -> None:
    review = check(psbt_v0(*withdrawal()))
    assert review.outputs[0].script == PAYEE_SCRIPT and review.outputs[0].address == PAYEE


SIGNER_CHECKS = json.loads((VECTORS / "bip174.json").read_text(encoding="utf-8"))["fails_signer_checks"]


@pytest.mark.parametrize("vector", SIGNER_CHECKS, ids=[vector["case"] for vector in SIGNER_CHECKS])
def test_the_bip174_vectors_that_fail_signer_checks_are_blocked(vector: dict[str, str]) -> None:
    """They parse (they are well-formed) but BIP-174's Signer must refuse them, and so does the check."""
    review = review_psbt(parse_psbt(bytes.fromhex(vector["hex"])), network="testnet")
    assert "INPUT_SCRIPT_MISMATCH" in codes(review) and review.verdict == "block"


def test_a_witness_utxo_that_differs_from_the_previous_transaction_is_blocked() -> None:
    """Both UTXO forms may be given (BIP-174); if they disagree, one of them lies about the amount."""
    pub, path, script = firm_key(0, 3)
    previous = Tx(2, (TxIn(bytes(32), 0, b"", 0xFFFFFFFF),), (TxOut(1_000_000, script),), 0, False)
    raw = previous.serialize_without_witness()
    outpoint = bytes.fromhex(previous.txid)[::-1]

    def spend(witness_amount: int) -> bytes:
        records = [(b"\x00", raw), (b"\x01", witness_utxo(witness_amount, script)), (b"\x06" + pub, path)]
        _spends, pays = withdrawal()
        return psbt_v0([Spend(outpoint, 0, records)], pays)

    assert check(spend(1_000_000), FIRM).verdict == "pass"
    lying = check(spend(100_000_000), FIRM)
    assert "INPUT_UTXO_MISMATCH" in codes(lying) and lying.verdict == "block"


def test_an_output_on_the_screening_list_is_blocked() -> None:
    review = check(psbt_v0(*withdrawal()), FIRM | {"screened_addresses": [PAYEE.upper()]})
    assert "DESTINATION_SCREENED" in codes(review) and review.verdict == "block"


def test_base58_destinations_compare_exactly() -> None:
    legacy = bytes.fromhex("76a914") + bytes(20) + bytes.fromhex("88ac")
    spends, pays = withdrawal()
    pays[0].script = legacy
    address = check(psbt_v0(spends, pays)).outputs[0].address
    assert address is not None and address.startswith("1")
    assert check(psbt_v0(spends, pays), FIRM | {"destinations": [address]}).verdict == "pass"
    assert "DESTINATION_NOT_ALLOWED" in codes(
        check(psbt_v0(spends, pays), FIRM | {"destinations": [address.lower()]})
    )


def test_an_account_xpub_recognises_change_as_its_descriptor_does() -> None:
    from tests.signing.psbt_builder import ACCOUNT, FINGERPRINT

    xpub = f"[{FINGERPRINT.hex()}/84h/0h/0h]{ACCOUNT.to_base58()}"
    review = check(psbt_v0(*withdrawal()), {"bitcoin": {"xpubs": [xpub]}})
    assert [o.change for o in review.outputs] == [False, True]
    attacker = bytes.fromhex("0014") + bytes(range(20))
    assert "CHANGE_SCRIPT_MISMATCH" in codes(
        check(psbt_v0(*withdrawal(change_script=attacker)), {"bitcoin": {"xpubs": [xpub]}})
    )
    with pytest.raises(SigningInputError) as raised:
        check(psbt_v0(*withdrawal()), {"bitcoin": {"xpubs": ["xpub-nonsense"]}})
    assert raised.value.field == "policy $.bitcoin.xpubs[0]"


def test_an_account_xpub_recognises_nested_segwit_change() -> None:
    """The same account key also covers sh(wpkh()) change: every single-key form is tried."""
    from embit.script import p2sh, p2wpkh

    from tests.signing.psbt_builder import ACCOUNT, FINGERPRINT

    nested = p2sh(p2wpkh(ACCOUNT.derive([1, 5]).key)).data
    xpub = f"[{FINGERPRINT.hex()}/84h/0h/0h]{ACCOUNT.to_base58()}"
    review = check(psbt_v0(*withdrawal(change_script=nested)), {"bitcoin": {"xpubs": [xpub]}})
    assert [o.change for o in review.outputs] == [False, True] and review.verdict == "pass"


def test_change_to_a_two_of_three_cold_wallet_descriptor() -> None:
    """A multisig vault: wsh(sortedmulti(2, three cosigners)); the change carries all three derivations."""
    from embit import bip32
    from embit.descriptor import Descriptor

    from tests.signing.psbt_builder import Pay

    roots = [bip32.HDKey.from_seed(bytes([seed]) * 32) for seed in (1, 2, 3)]
    account = [48 + 0x80000000, 0x80000000, 0x80000000, 2 + 0x80000000]
    keys = [(root.my_fingerprint, root.derive(account).to_public()) for root in roots]
    origins = ",".join(f"[{fp.hex()}/48h/0h/0h/2h]{xpub.to_base58()}/<0;1>/*" for fp, xpub in keys)
    vault = f"wsh(sortedmulti(2,{origins}))"
    change_script = Descriptor.from_string(vault).derive(7, branch_index=1).script_pubkey().data
    records = [
        (
            b"\x02" + xpub.derive([1, 7]).key.sec(),
            fp + b"".join(s.to_bytes(4, "little") for s in [*account, 1, 7]),
        )
        for fp, xpub in keys
    ]
    spends, pays = withdrawal()
    pays[1] = Pay(399_000, change_script, records)
    review = check(psbt_v0(spends, pays), {"bitcoin": {"descriptors": [vault]}, "destinations": [PAYEE]})
    assert [o.change for o in review.outputs] == [False, True] and review.verdict == "pass"
    other_vault = Descriptor.from_string(vault).derive(8, branch_index=1).script_pubkey().data
    pays[1] = Pay(399_000, other_vault, records)  # the derivations say index 7, the script is index 8's
    assert "CHANGE_SCRIPT_MISMATCH" in codes(
        check(psbt_v0(spends, pays), {"bitcoin": {"descriptors": [vault]}})
    )


def test_amounts_beyond_the_money_supply_are_bad_input() -> None:
    """Each output at most 21 million bitcoin, and so the inputs and outputs added up."""
    _pub, _path, script = firm_key(0, 3)
    huge = 15_000_000 * 100_000_000
    spends, pays = withdrawal(
        input_records=[(b"\x01", witness_utxo(huge, script))], amount=huge, change=huge - 1000
    )
    with pytest.raises(SigningInputError) as raised:
        check(psbt_v0(spends, pays))
    assert "21 million" in raised.value.text.en
    spends, pays = withdrawal(input_records=[(b"\x01", witness_utxo(22_000_000 * 100_000_000, script))])
    with pytest.raises(SigningInputError):
        parse_psbt(psbt_v2(spends, pays))


def test_a_base64_file_and_standard_input_are_read_by_the_command(tmp_path: Path) -> None:
    import base64

    from typer.testing import CliRunner

    from cyberdelta.platform import i18n
    from cyberdelta.signing.commands import sign_check_app

    text = base64.b64encode(psbt_v0(*withdrawal())).decode()
    (tmp_path / "tx.psbt.txt").write_text(text[:40] + "\n" + text[40:] + "\n", encoding="ascii")
    with i18n.language("en"):
        from_file = CliRunner().invoke(
            sign_check_app, ["psbt", str(tmp_path / "tx.psbt.txt"), "--format", "json"]
        )
        from_stdin = CliRunner().invoke(sign_check_app, ["psbt", "-", "--format", "json"], input=text)
    assert from_file.exit_code == from_stdin.exit_code == 0, from_file.output
    assert json.loads(from_file.output)["txid"] == json.loads(from_stdin.output)["txid"]


def _bip370_v0_base() -> tuple[str, int, int]:
    """BIP-370's version 0 base PSBT (its "PSBTv0 but with PSBT_GLOBAL_TX_VERSION" vector without that
    record) and where its global and first input maps end."""
    with_tx_version = next(
        hex_data for case, hex_data in vectors("invalid") if "PSBT_GLOBAL_TX_VERSION" in case
    )
    global_end = with_tx_version.index("01020402000000")
    base = with_tx_version.replace("01020402000000", "", 1)
    input_end = base.index("fc340a27") + len("fc340a27")
    return base, global_end, input_end


OUTPUT_0_END = "f69d873e540000800100008000000080000000002a000000"


@pytest.mark.parametrize(
    "record",
    ["0103080008af2f00000000", "0104160014c430f64c4756da310dbd1a085572ef299926272c"],
    ids=["PSBT_OUT_AMOUNT", "PSBT_OUT_SCRIPT"],
)
def test_bip370_version_0_outputs_with_a_version_2_field_are_refused(record: str) -> None:
    base, _global_end, _input_end = _bip370_v0_base()
    at = base.index(OUTPUT_0_END) + len(OUTPUT_0_END)
    with pytest.raises(SigningInputError) as raised:
        parse_psbt(bytes.fromhex(base[:at] + record + base[at:]))
    assert "version 0" in raised.value.text.en


@pytest.mark.parametrize(
    ("where", "record"),
    [
        ("global", "01030402000000"),  # PSBT_GLOBAL_FALLBACK_LOCKTIME
        ("global", "01040102"),  # PSBT_GLOBAL_INPUT_COUNT
        ("global", "01050102"),  # PSBT_GLOBAL_OUTPUT_COUNT
        ("global", "01060100"),  # PSBT_GLOBAL_TX_MODIFIABLE
        (
            "input",
            "010e200b0ad921419c1c8719735d72dc739f9ea9e0638d1fe4c1eef0f9944084815fc8",
        ),  # PSBT_IN_PREVIOUS_TXID
        ("input", "010f0400000000"),  # PSBT_IN_OUTPUT_INDEX
        ("input", "011004ffffffff"),  # PSBT_IN_SEQUENCE
        ("input", "0111048c8dc462"),  # PSBT_IN_REQUIRED_TIME_LOCKTIME
        ("input", "011204e8030000"),  # PSBT_IN_REQUIRED_HEIGHT_LOCKTIME
    ],
)
def test_bip370_version_0_psbts_with_a_version_2_field_are_refused(where: str, record: str) -> None:
    """BIP-370's "PSBTv0 but with …" vectors, rebuilt from its base: the same record inserted."""
    base, global_end, input_end = _bip370_v0_base()
    at = global_end if where == "global" else input_end
    with pytest.raises(SigningInputError) as raised:
        parse_psbt(bytes.fromhex(base[:at] + record + base[at:]))
    assert "version 0" in raised.value.text.en


def test_the_rebuilt_vectors_equal_the_bips_own() -> None:
    base, _global_end, input_end = _bip370_v0_base()
    published = next(hex_data for case, hex_data in vectors("invalid") if "PSBT_IN_SEQUENCE" in case)
    assert base[:input_end] + "011004ffffffff" + base[input_end:] == published
    assert parse_psbt(bytes.fromhex(base)).version == 0  # the base itself is a valid version 0 PSBT


def test_a_version_2_psbt_with_an_unsigned_transaction_is_refused() -> None:
    """BIP-370: PSBT_GLOBAL_UNSIGNED_TX is excluded from version 2."""
    base, _global_end, _input_end = _bip370_v0_base()
    unsigned = parse_psbt(bytes.fromhex(base)).global_map.get(0x00)
    assert unsigned is not None
    record = "0100" + bytes([len(unsigned)]).hex() + unsigned.hex()
    at = REQUIRED_V2.index("01fb0402000000") + len("01fb0402000000")
    with pytest.raises(SigningInputError) as raised:
        parse_psbt(bytes.fromhex(REQUIRED_V2[:at] + record + REQUIRED_V2[at:]))
    assert "PSBT_GLOBAL_UNSIGNED_TX" in raised.value.text.en
