"""How fast the signing guard checks (docs/signing.md, "Speed"), in-process and as one CLI run.

    .venv/bin/python benchmarks/sign_check.py [--seconds S]

In-process: checks per second for a Safe transaction whose MultiSend batch holds 50 calls (ERC-20
transfers and native payments, every one decoded and checked against an allowlist and limits) and for
a PSBT of 100 P2WPKH inputs with change recognised from the firm's descriptor. CLI: the wall time of
one ``safe`` check (the 50-call MultiSend) and of one ``psbt`` check (the 100 inputs) from a cold
start through ``cyberdelta sign-check``, which starts without the platform (goal: under 0.5 s),
beside the start-up of the whole command line for comparison.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import eth_abi.abi
from embit import bip32
from embit.script import p2wpkh

from cyberdelta.signing.bitcoin_tx import Tx, TxIn, TxOut, compact_bytes
from cyberdelta.signing.ethereum import selector
from cyberdelta.signing.policy import load_policy
from cyberdelta.signing.psbt_format import parse_psbt
from cyberdelta.signing.psbt_review import review_psbt
from cyberdelta.signing.safe_input import parse_safe_document
from cyberdelta.signing.safe_review import review_safe
from cyberdelta.signing.safe_versions import parse_version

SAFE = "0x5EA1d9A6dDC3A0329378a327746D71A2019eC332"
MULTISEND_CALL_ONLY = "0x9641d764fc13c8B624c04430C7356C1C7C8102e2"
USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
PAYEE = "0x1FE27A73Cd9f0b3C53b6E936D0b4F9B2f8ca3367"
ZERO = "0x" + "00" * 20


def safe_document(calls: int) -> dict[str, object]:
    transfer = selector("transfer(address,uint256)") + eth_abi.abi.encode(
        ["address", "uint256"], [PAYEE, 1_000_000]
    )
    packed = b""
    for index in range(calls):
        to, value, data = (USDC, 0, transfer) if index % 2 else (PAYEE, 10**15, b"")
        packed += (
            b"\x00" + bytes.fromhex(to[2:]) + value.to_bytes(32, "big") + len(data).to_bytes(32, "big") + data
        )
    data = selector("multiSend(bytes)") + eth_abi.abi.encode(["bytes"], [packed])
    return {
        "safe": SAFE, "to": MULTISEND_CALL_ONLY, "value": "0", "data": "0x" + data.hex(), "operation": 1,
        "safeTxGas": 0, "baseGas": 0, "gasPrice": "0", "gasToken": ZERO, "refundReceiver": ZERO, "nonce": 7,
    }  # fmt: skip


def key_map(records: list[tuple[bytes, bytes]]) -> bytes:
    return b"".join(compact_bytes(len(k)) + k + compact_bytes(len(v)) + v for k, v in records) + b"\x00"


def psbt_and_descriptor(inputs: int) -> tuple[bytes, str]:
    root = bip32.HDKey.from_seed(bytes.fromhex("000102030405060708090a0b0c0d0e0f"))
    path = [84 + 0x80000000, 0x80000000, 0x80000000]
    account = root.derive(path).to_public()
    descriptor = f"wpkh([{root.my_fingerprint.hex()}/84h/0h/0h]{account.to_base58()}/<0;1>/*)"

    def key(branch: int, index: int) -> tuple[bytes, bytes, bytes]:
        public = account.derive([branch, index]).key
        origin = root.my_fingerprint + b"".join(step.to_bytes(4, "little") for step in [*path, branch, index])
        return public.sec(), origin, p2wpkh(public).data

    spends = []
    for index in range(inputs):
        pub, origin, script = key(0, index)
        utxo = (100_000).to_bytes(8, "little") + compact_bytes(len(script)) + script
        spends.append(key_map([(b"\x01", utxo), (b"\x06" + pub, origin)]))
    change_pub, change_origin, change_script = key(1, 0)
    payee = bytes.fromhex("0014751e76e8199196d454941c45d1b3a323f1433bd6")
    tx = Tx(
        2,
        tuple(TxIn(index.to_bytes(32, "little"), 0, b"", 0xFFFFFFFD) for index in range(inputs)),
        (TxOut(inputs * 60_000, payee), TxOut(inputs * 39_000, change_script)),
        0,
        False,
    )
    outputs = key_map([]) + key_map([(b"\x02" + change_pub, change_origin)])
    return b"psbt\xff" + key_map([(b"\x00", tx.serialize_without_witness())]) + b"".join(
        spends
    ) + outputs, descriptor


def rate(work: Callable[[], object], seconds: float) -> float:
    work()
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        work()
        count += 1
    return count / (time.perf_counter() - started)


def cli_seconds(command: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        answer = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
        times.append(time.perf_counter() - started)
        assert answer.returncode in (0, 3, 4), answer.stderr
    return statistics.median(times)


def main() -> None:
    seconds = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 3.0
    document = safe_document(50)
    version = parse_version("1.4.1", "v")
    policy = load_policy({"destinations": [PAYEE], "tokens": [USDC], "limits": {"native": 10**18}})
    review = review_safe(parse_safe_document(document), chain_id=1, version=version, policy=policy)
    assert len(review.decoded.calls) == 50

    def safe_check() -> object:
        return review_safe(parse_safe_document(document), chain_id=1, version=version, policy=policy)

    psbt, descriptor = psbt_and_descriptor(100)
    btc_policy = load_policy({"bitcoin": {"descriptors": [descriptor]}})
    checked = review_psbt(parse_psbt(psbt), policy=btc_policy)
    assert len(checked.inputs) == 100 and checked.outputs[1].change

    def psbt_check() -> object:
        return review_psbt(parse_psbt(psbt), policy=btc_policy)

    print(f"Safe tx, MultiSend of 50 calls: {rate(safe_check, seconds):8.1f} checks/s (in-process)")
    print(f"PSBT, 100 inputs:               {rate(psbt_check, seconds):8.1f} checks/s (in-process)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tx.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        check = ["safe", str(path), "--chain-id", "1", "--safe-version", "1.4.1", "--format", "json"]
        script = str(Path(sys.executable).parent / "cyberdelta")
        whole = cli_seconds([script, "sign-check", *check])
        psbt_path, policy_path = Path(folder) / "tx.psbt", Path(folder) / "policy.json"
        psbt_path.write_bytes(psbt)
        policy_path.write_text(json.dumps({"bitcoin": {"descriptors": [descriptor]}}), encoding="utf-8")
        psbt_args = ["psbt", str(psbt_path), "--policy", str(policy_path), "--format", "json"]
        psbt_whole = cli_seconds([script, "sign-check", *psbt_args])
        full = cli_seconds([script, "db", "--help"])
    print(f"One CLI check, cyberdelta sign-check safe:     {whole:.3f} s (median of 5, start-up included)")
    print(f"One CLI check, cyberdelta sign-check psbt:     {psbt_whole:.3f} s (100 inputs, start-up too)")
    print(f"For comparison, cyberdelta db --help:          {full:.3f} s (the whole command line's start-up)")


if __name__ == "__main__":
    main()
