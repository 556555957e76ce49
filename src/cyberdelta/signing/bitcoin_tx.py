"""Bitcoin transactions in network serialization (BIP-144 for the witness form), read strictly:
compact sizes must be minimal and nothing may follow the transaction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


class TruncatedError(ValueError):
    pass


class Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def take(self, count: int) -> bytes:
        if self.offset + count > len(self.data):
            raise TruncatedError(
                f"{count} bytes needed at offset {self.offset}, {len(self.data) - self.offset} left"
            )
        chunk = self.data[self.offset : self.offset + count]
        self.offset += count
        return chunk

    def compact(self) -> int:
        """A compact size unsigned integer, minimally encoded (BIP-174 "keytype")."""
        first = self.take(1)[0]
        if first < 0xFD:
            return first
        size = {0xFD: 2, 0xFE: 4, 0xFF: 8}[first]
        value = int.from_bytes(self.take(size), "little")
        if value < {2: 0xFD, 4: 0x10000, 8: 0x100000000}[size]:
            raise ValueError("a compact size is not minimally encoded")
        return value

    def sized(self) -> bytes:
        return self.take(self.compact())

    def u32(self) -> int:
        return int.from_bytes(self.take(4), "little")

    @property
    def done(self) -> bool:
        return self.offset == len(self.data)


def compact_bytes(value: int) -> bytes:
    if value < 0xFD:
        return bytes([value])
    if value <= 0xFFFF:
        return b"\xfd" + value.to_bytes(2, "little")
    if value <= 0xFFFFFFFF:
        return b"\xfe" + value.to_bytes(4, "little")
    return b"\xff" + value.to_bytes(8, "little")


def sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


@dataclass(frozen=True)
class TxIn:
    prev_txid: bytes  # as serialized (little-endian); shown reversed
    prev_index: int
    script_sig: bytes
    sequence: int


@dataclass(frozen=True)
class TxOut:
    value: int
    script: bytes


@dataclass(frozen=True)
class Tx:
    version: int
    inputs: tuple[TxIn, ...]
    outputs: tuple[TxOut, ...]
    locktime: int
    has_witness: bool

    def serialize_without_witness(self) -> bytes:
        parts = [self.version.to_bytes(4, "little", signed=True), compact_bytes(len(self.inputs))]
        for item in self.inputs:
            parts += [
                item.prev_txid,
                item.prev_index.to_bytes(4, "little"),
                compact_bytes(len(item.script_sig)),
            ]
            parts += [item.script_sig, item.sequence.to_bytes(4, "little")]
        parts.append(compact_bytes(len(self.outputs)))
        for out in self.outputs:
            parts += [out.value.to_bytes(8, "little"), compact_bytes(len(out.script)), out.script]
        parts.append(self.locktime.to_bytes(4, "little"))
        return b"".join(parts)

    @property
    def txid(self) -> str:
        return sha256d(self.serialize_without_witness())[::-1].hex()


MAX_MONEY = 21_000_000 * 100_000_000


def parse_tx(data: bytes, *, allow_witness: bool = True) -> Tx:
    """``allow_witness=False`` reads the legacy form only, where zero inputs is a count, not the BIP-144
    marker (a PSBT's unsigned transaction, BIP-174)."""
    reader = Reader(data)
    version = int.from_bytes(reader.take(4), "little", signed=True)
    count = reader.compact()
    has_witness = False
    if count == 0 and allow_witness:
        flag = reader.take(1)[0]
        if flag != 1:
            raise ValueError("unknown transaction serialization flag")
        has_witness = True
        count = reader.compact()
    inputs = tuple(TxIn(reader.take(32), reader.u32(), reader.sized(), reader.u32()) for _ in range(count))
    outputs = []
    for _ in range(reader.compact()):
        value = int.from_bytes(reader.take(8), "little")
        if value > MAX_MONEY:
            raise ValueError("an output is worth more than 21 million bitcoin")
        outputs.append(TxOut(value, reader.sized()))
    if has_witness:
        for _ in inputs:
            for _item in range(reader.compact()):
                reader.sized()
    locktime = reader.u32()
    if not reader.done:
        raise ValueError("bytes follow the transaction")
    return Tx(version, inputs, tuple(outputs), locktime, has_witness)
