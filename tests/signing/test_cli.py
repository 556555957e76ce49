"""``cyberdelta sign-check``: run as real processes, with no database, as on an air-gapped signing
machine (docs/signing.md, "The command"). Exit status 0 pass, 3 warn, 4 block, 2 bad input."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cyberdelta.platform import i18n
from cyberdelta.signing.commands import sign_check_app
from tests.signing.psbt_builder import DESCRIPTOR, PAYEE, psbt_v0, psbt_v2, withdrawal
from tests.signing.safe_fixtures import BYBIT, BYBIT_HASH, PUBLISHED


def run(
    tmp_path: Path, *args: str, lang: str = "en", light: bool = False, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CYBERDELTA_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    env.pop("CYBERDELTA_DATABASE_URL", None)
    # ``light``: through the console script, as on a signing machine (cyberdelta.launcher).
    script = str(Path(sys.executable).parent / "cyberdelta")
    command = [script if light else sys.executable, *([] if light else ["-m", "cyberdelta"])]
    command += ["--lang", lang, "sign-check"]
    return subprocess.run(
        [*command, *args], env=env, capture_output=True, text=True, check=False, timeout=120, input=stdin
    )


def write(tmp_path: Path, name: str, document: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_the_bybit_transaction_blocks_with_exit_4_and_no_database(tmp_path: Path) -> None:
    answer = run(
        tmp_path,
        "safe",
        write(tmp_path, "bybit.json", BYBIT),
        "--chain-id",
        "1",
        "--safe-version",
        "1.1.1",
        "--format",
        "json",
    )
    assert answer.returncode == 4, answer.stderr
    result = json.loads(answer.stdout)
    assert result["safe_tx_hash"] == BYBIT_HASH and result["verdict"] == "block"
    assert {"domain_hash", "message_hash", "safe_tx_hash", "decoded", "verdict", "findings"} <= result.keys()
    finding = next(f for f in result["findings"] if f["code"] == "SAFE_DELEGATECALL_UNTRUSTED")
    assert finding["severity"] == "block" and "delegatecall" in finding["message_ja"]
    assert not (tmp_path / "data").exists()  # no database was opened or created


def test_a_warning_exits_3_and_prints_in_japanese(tmp_path: Path) -> None:
    case = PUBLISHED[2]  # the README's MultiSendCallOnly batch with an undecoded call
    answer = run(
        tmp_path,
        "safe",
        write(tmp_path, "batch.json", case.document),
        "--chain-id",
        "1",
        "--safe-version",
        "1.4.1",
        lang="ja",
    )
    assert answer.returncode == 3, answer.stderr
    assert case.safe_tx_hash in answer.stdout
    assert "判定: WARN" in answer.stdout and "ドメインハッシュ" in answer.stdout


def test_a_clean_transfer_within_policy_exits_0(tmp_path: Path) -> None:
    case = PUBLISHED[3]
    policy = write(
        tmp_path, "policy.json", {"destinations": [case.document["to"]], "limits": {"native": 10**18}}
    )
    request = write(
        tmp_path,
        "request.json",
        {"id": "WD-1", "asset": "native", "amount": "100000000000000000", "destination": case.document["to"]},
    )
    answer = run(tmp_path, "safe", write(tmp_path, "tx.json", case.document), "--chain-id", "11155111",
                 "--safe-version", "1.3.0", "--policy", policy, "--request", request, light=True)  # fmt: skip
    assert answer.returncode == 0, answer.stdout + answer.stderr
    assert "Verdict: PASS" in answer.stdout and case.safe_tx_hash in answer.stdout
    options = ["--chain-id", "11155111", "--safe-version", "1.3.0", "--policy", policy, "--request", request]
    recorded = run(tmp_path, "safe", str(tmp_path / "tx.json"), *options, "--format", "json", light=True)
    result = json.loads(recorded.stdout)
    assert result["input_sha256"] == hashlib.sha256((tmp_path / "tx.json").read_bytes()).hexdigest()
    assert result["policy_sha256"] == hashlib.sha256(Path(policy).read_bytes()).hexdigest()
    assert result["request_id"] == "WD-1" and result["request_sha256"] is not None


def test_fields_given_as_options(tmp_path: Path) -> None:
    case = PUBLISHED[1]
    document = case.document
    fields = [
        "--safe",
        document["safe"],
        "--to",
        document["to"],
        "--data",
        document["data"],
        "--nonce",
        "234",
    ]
    options = ["--chain-id", "42161", "--safe-version", "1.3.0", "--format", "json"]
    answer = run(tmp_path, "safe", *fields, *options, light=True)
    assert answer.returncode == 4, answer.stderr  # addOwnerWithThreshold without an approved request
    assert json.loads(answer.stdout)["safe_tx_hash"] == case.safe_tx_hash


def test_typed_data_from_standard_input(tmp_path: Path) -> None:
    from tests.signing.safe_fixtures import LEGACY_TYPED_DATA

    answer = run(tmp_path, "safe", "-", "--format", "json", light=True, stdin=json.dumps(LEGACY_TYPED_DATA))
    assert json.loads(answer.stdout)["safe_tx_hash"].endswith("137e831f")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["safe", "{broken"], "malformed JSON"),
        (["safe", "BYBIT", "--chain-id", "1", "--safe-version", "9.9.9"], "--safe-version"),
        (["safe", "BYBIT", "--chain-id", "1"], "--safe-version"),
        (
            ["safe", "BYBIT", "--chain-id", "1", "--safe-version", "1.1.1", "--policy", "BADPOLICY"],
            "policy $.limits.native",
        ),
        (["safe", "BYBIT", "--safe-version", "1.1.1", "--format", "xml"], "xml"),
        (["psbt", "cHNidP8BAgQCAAAAAQQBAQEFAQIB"], "ends before"),
        (["psbt", "hello"], "base64"),
        (
            ["safe", "--safe", BYBIT["safe"], "--to", "0x12", "--nonce", "1", "--safe-version", "1.1.1"],
            "--to",
        ),
        (["safe", "--to", BYBIT["to"], "--nonce", "1", "--safe-version", "1.1.1"], "--safe"),
        (["safe", "missing.json", "--safe-version", "1.1.1"], "FILE"),
        (["safe", "BYBIT", "--to", BYBIT["to"], "--safe-version", "1.1.1"], "not both"),
        (["safe", "BYBIT", "--chain-id", "-5", "--safe-version", "1.1.1"], "--chain-id"),
    ],
)
def test_bad_input_exits_2_and_says_where(tmp_path: Path, args: list[str], message: str) -> None:
    bybit = write(tmp_path, "bybit.json", BYBIT)
    broken = tmp_path / "broken.json"
    broken.write_text("{broken", encoding="utf-8")
    bad_policy = write(tmp_path, "policy.json", {"limits": {"native": 0.5}})
    swapped = [
        bybit if a == "BYBIT" else str(broken) if a == "{broken" else bad_policy if a == "BADPOLICY" else a
        for a in args
    ]
    with i18n.language("en"):
        result = CliRunner().invoke(sign_check_app, swapped)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_a_psbt_file_and_base64_text(tmp_path: Path) -> None:
    psbt = psbt_v2(*withdrawal())
    (tmp_path / "tx.psbt").write_bytes(psbt)
    policy = write(
        tmp_path, "policy.json", {"destinations": [PAYEE], "bitcoin": {"descriptors": [DESCRIPTOR]}}
    )
    answer = run(tmp_path, "psbt", str(tmp_path / "tx.psbt"), "--policy", policy, "--format", "json")
    assert answer.returncode == 0, answer.stderr
    result = json.loads(answer.stdout)
    assert {"txid", "fee", "decoded", "verdict", "findings"} <= result.keys() and result["fee"] == 1000
    text = run(tmp_path, "psbt", base64.b64encode(psbt_v0(*withdrawal())).decode(), light=True, lang="ja")
    assert text.returncode == 0 and "手数料: 1000 sat" in text.stdout


def test_a_psbt_paying_outside_the_allowlist_blocks(tmp_path: Path) -> None:
    policy = write(tmp_path, "policy.json", {"destinations": ["bc1qsomeoneelse"]})
    result = CliRunner().invoke(
        sign_check_app, ["psbt", base64.b64encode(psbt_v0(*withdrawal())).decode(), "--policy", policy]
    )
    assert result.exit_code == 4 and "DESTINATION_NOT_ALLOWED" in result.output


def test_the_whole_cli_lists_the_command() -> None:
    answer = subprocess.run(
        [sys.executable, "-m", "cyberdelta", "sign-check", "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert answer.returncode == 0 and "safe" in answer.stdout and "psbt" in answer.stdout
