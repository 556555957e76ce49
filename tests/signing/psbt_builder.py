"""Real-shaped PSBTs built for the tests in the BIP-174 and BIP-370 serializations, spending and paying
keys of the BIP-32 test vector 1 seed (a firm's registered wallet, m/84'/0'/0')."""

from __future__ import annotations

from dataclasses import dataclass, field

from embit import bip32
from embit.script import p2wpkh

from cyberdelta.signing.bitcoin_tx import Tx, TxIn, TxOut, compact_bytes

SEED = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
ROOT = bip32.HDKey.from_seed(SEED)
FINGERPRINT = ROOT.my_fingerprint
ACCOUNT_PATH = [84 + 0x80000000, 0x80000000, 0x80000000]
ACCOUNT = ROOT.derive(ACCOUNT_PATH).to_public()
DESCRIPTOR = f"wpkh([{FINGERPRINT.hex()}/84h/0h/0h]{ACCOUNT.to_base58()}/<0;1>/*)"
# A payee outside the firm: the P2WPKH address of BIP-173's examples.
PAYEE = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
PAYEE_SCRIPT = bytes.fromhex("0014751e76e8199196d454941c45d1b3a323f1433bd6")


def firm_key(branch: int, index: int) -> tuple[bytes, bytes, bytes]:
    """(public key, BIP-32 derivation value, P2WPKH script) of the firm's key at m/84'/0'/0'/branch/index."""
    key = ACCOUNT.derive([branch, index]).key
    path = [*ACCOUNT_PATH, branch, index]
    value = FINGERPRINT + b"".join(step.to_bytes(4, "little") for step in path)
    return key.sec(), value, p2wpkh(key).data


def key_map(records: list[tuple[bytes, bytes]]) -> bytes:
    return b"".join(compact_bytes(len(k)) + k + compact_bytes(len(v)) + v for k, v in records) + b"\x00"


def witness_utxo(amount: int, script: bytes) -> bytes:
    return amount.to_bytes(8, "little") + compact_bytes(len(script)) + script


@dataclass
class Spend:
    prev_txid: bytes
    prev_index: int
    records: list[tuple[bytes, bytes]] = field(default_factory=list)


@dataclass
class Pay:
    amount: int
    script: bytes
    records: list[tuple[bytes, bytes]] = field(default_factory=list)


def psbt_v0(spends: list[Spend], pays: list[Pay]) -> bytes:
    tx = Tx(
        2,
        tuple(TxIn(s.prev_txid, s.prev_index, b"", 0xFFFFFFFD) for s in spends),
        tuple(TxOut(p.amount, p.script) for p in pays),
        0,
        False,
    )
    unsigned = tx.serialize_without_witness()
    return (
        b"psbt\xff"
        + key_map([(b"\x00", unsigned)])
        + b"".join(key_map(s.records) for s in spends)
        + b"".join(key_map(p.records) for p in pays)
    )


def psbt_v2(spends: list[Spend], pays: list[Pay]) -> bytes:
    global_records = [
        (b"\x02", (2).to_bytes(4, "little")),
        (b"\x04", compact_bytes(len(spends))),
        (b"\x05", compact_bytes(len(pays))),
        (b"\xfb", (2).to_bytes(4, "little")),
    ]
    inputs = [
        key_map(
            [
                *s.records,
                (b"\x0e", s.prev_txid),
                (b"\x0f", s.prev_index.to_bytes(4, "little")),
                (b"\x10", (0xFFFFFFFD).to_bytes(4, "little")),
            ]
        )
        for s in spends
    ]
    outputs = [
        key_map([*p.records, (b"\x03", p.amount.to_bytes(8, "little")), (b"\x04", p.script)]) for p in pays
    ]
    return b"psbt\xff" + key_map(global_records) + b"".join(inputs) + b"".join(outputs)


PREV_TXID = bytes.fromhex("c85f81844094f9f0eec1e41f8d63e0a99e9f73dc725d7319871c9c4121d90a0b")[::-1]


def withdrawal(
    *, amount: int = 600_000, change: int = 399_000, spent: int = 1_000_000,
    change_script: bytes | None = None, input_records: list[tuple[bytes, bytes]] | None = None,
) -> tuple[list[Spend], list[Pay]]:  # fmt: skip
    """The firm pays PAYEE from its key /0/3 and takes change at /1/5 (fee = spent − amount − change)."""
    in_pub, in_path, in_script = firm_key(0, 3)
    change_pub, change_path, own_change_script = firm_key(1, 5)
    records = input_records if input_records is not None else [(b"\x01", witness_utxo(spent, in_script))]
    spend = Spend(PREV_TXID, 0, [*records, (b"\x06" + in_pub, in_path)])
    return [spend], [
        Pay(amount, PAYEE_SCRIPT),
        Pay(change, change_script or own_change_script, [(b"\x02" + change_pub, change_path)]),
    ]
