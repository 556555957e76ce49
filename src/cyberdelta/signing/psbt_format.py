"""PSBT parsing by the letter of BIP-174 (version 0) and BIP-370 (version 2): every key's key data and
value are checked against the field tables, fields a version requires or excludes are enforced, and a
PSBT that breaks a rule is refused with the map and field at fault (the BIPs' invalid test vectors)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass, field

from cyberdelta.signing.bitcoin_tx import MAX_MONEY, Reader, TruncatedError, Tx, TxIn, TxOut, parse_tx
from cyberdelta.signing.errors import SigningInputError
from cyberdelta.signing.text import bilingual as _

MAGIC = b"psbt\xff"
LOCKTIME_THRESHOLD = 500_000_000

# keytype → (name, allowed key data lengths or None for "any"); BIP-174 and BIP-370 field tables.
GLOBAL_FIELDS: dict[int, tuple[str, tuple[int, ...] | None]] = {
    0x00: ("PSBT_GLOBAL_UNSIGNED_TX", (0,)),
    0x01: ("PSBT_GLOBAL_XPUB", (78,)),
    0x02: ("PSBT_GLOBAL_TX_VERSION", (0,)),
    0x03: ("PSBT_GLOBAL_FALLBACK_LOCKTIME", (0,)),
    0x04: ("PSBT_GLOBAL_INPUT_COUNT", (0,)),
    0x05: ("PSBT_GLOBAL_OUTPUT_COUNT", (0,)),
    0x06: ("PSBT_GLOBAL_TX_MODIFIABLE", (0,)),
    0xFB: ("PSBT_GLOBAL_VERSION", (0,)),
}
INPUT_FIELDS: dict[int, tuple[str, tuple[int, ...] | None]] = {
    0x00: ("PSBT_IN_NON_WITNESS_UTXO", (0,)),
    0x01: ("PSBT_IN_WITNESS_UTXO", (0,)),
    0x02: ("PSBT_IN_PARTIAL_SIG", (33, 65)),
    0x03: ("PSBT_IN_SIGHASH_TYPE", (0,)),
    0x04: ("PSBT_IN_REDEEM_SCRIPT", (0,)),
    0x05: ("PSBT_IN_WITNESS_SCRIPT", (0,)),
    0x06: ("PSBT_IN_BIP32_DERIVATION", (33, 65)),
    0x07: ("PSBT_IN_FINAL_SCRIPTSIG", (0,)),
    0x08: ("PSBT_IN_FINAL_SCRIPTWITNESS", (0,)),
    0x0A: ("PSBT_IN_RIPEMD160", (20,)),
    0x0B: ("PSBT_IN_SHA256", (32,)),
    0x0C: ("PSBT_IN_HASH160", (20,)),
    0x0D: ("PSBT_IN_HASH256", (32,)),
    0x0E: ("PSBT_IN_PREVIOUS_TXID", (0,)),
    0x0F: ("PSBT_IN_OUTPUT_INDEX", (0,)),
    0x10: ("PSBT_IN_SEQUENCE", (0,)),
    0x11: ("PSBT_IN_REQUIRED_TIME_LOCKTIME", (0,)),
    0x12: ("PSBT_IN_REQUIRED_HEIGHT_LOCKTIME", (0,)),
    0x13: ("PSBT_IN_TAP_KEY_SIG", (0,)),
    0x14: ("PSBT_IN_TAP_SCRIPT_SIG", (64,)),
    0x15: ("PSBT_IN_TAP_LEAF_SCRIPT", None),
    0x16: ("PSBT_IN_TAP_BIP32_DERIVATION", (32,)),
    0x17: ("PSBT_IN_TAP_INTERNAL_KEY", (0,)),
    0x18: ("PSBT_IN_TAP_MERKLE_ROOT", (0,)),
}
OUTPUT_FIELDS: dict[int, tuple[str, tuple[int, ...] | None]] = {
    0x00: ("PSBT_OUT_REDEEM_SCRIPT", (0,)),
    0x01: ("PSBT_OUT_WITNESS_SCRIPT", (0,)),
    0x02: ("PSBT_OUT_BIP32_DERIVATION", (33, 65)),
    0x03: ("PSBT_OUT_AMOUNT", (0,)),
    0x04: ("PSBT_OUT_SCRIPT", (0,)),
    0x05: ("PSBT_OUT_TAP_INTERNAL_KEY", (0,)),
    0x06: ("PSBT_OUT_TAP_TREE", (0,)),
    0x07: ("PSBT_OUT_TAP_BIP32_DERIVATION", (32,)),
}


def _preimage_hashers() -> dict[int, tuple[Callable[[bytes], bytes], str]]:
    from embit import hashes

    return {
        0x0A: (hashes.ripemd160, "RIPEMD160"),
        0x0B: (hashes.sha256, "SHA256"),
        0x0C: (hashes.hash160, "HASH160"),
        0x0D: (hashes.double_sha256, "HASH256"),
    }


V2_ONLY_GLOBAL = (0x02, 0x03, 0x04, 0x05, 0x06)
V2_ONLY_INPUT = (0x0E, 0x0F, 0x10, 0x11, 0x12)
V2_ONLY_OUTPUT = (0x03, 0x04)


@dataclass
class KeyMap:
    """One map: key type → {key data → value}."""

    where: str
    records: dict[int, dict[bytes, bytes]] = field(default_factory=dict)

    def get(self, keytype: int) -> bytes | None:
        values = self.records.get(keytype)
        return next(iter(values.values())) if values else None

    def all(self, keytype: int) -> dict[bytes, bytes]:
        return self.records.get(keytype, {})


@dataclass
class Psbt:
    version: int
    tx: Tx  # the unsigned transaction (v0) or the one the v2 fields describe
    global_map: KeyMap
    inputs: list[KeyMap]
    outputs: list[KeyMap]


def decode_text(text: str) -> bytes:
    """A PSBT given as base64 (BIP-174 "Encoding") or hex."""
    stripped = "".join(text.split())
    if stripped.lower().startswith(MAGIC.hex()):
        try:
            return bytes.fromhex(stripped)
        except ValueError:
            raise SigningInputError("PSBT", _("the PSBT is not valid hex")) from None
    try:
        return base64.b64decode(stripped, validate=True)
    except (binascii.Error, ValueError):
        raise SigningInputError("PSBT", _("the PSBT is neither base64 nor hex")) from None


def _fail(where: str, reason: str) -> SigningInputError:
    return SigningInputError(where, _("invalid PSBT: %(reason)s", reason=reason))


def _read_map(reader: Reader, where: str, fields: dict[int, tuple[str, tuple[int, ...] | None]]) -> KeyMap:
    found = KeyMap(where)
    while True:
        key = reader.sized()
        if not key:
            return found
        key_reader = Reader(key)
        keytype = key_reader.compact()
        keydata = key[key_reader.offset :]
        value = reader.sized()
        name, lengths = fields.get(keytype, (f"key type {keytype:#x}", None))
        if lengths is not None and len(keydata) not in lengths:
            raise _fail(where, f"{name} has key data of {len(keydata)} bytes")
        bucket = found.records.setdefault(keytype, {})
        if keydata in bucket:
            raise _fail(where, f"duplicate key {name}")
        bucket[keydata] = value


def _pubkey(data: bytes, where: str, name: str) -> None:
    from embit import ec

    try:
        ec.PublicKey.parse(data)
    except Exception:
        raise _fail(where, f"{name} holds an invalid public key") from None


def _xonly(data: bytes, where: str, name: str) -> None:
    _pubkey(b"\x02" + data, where, name)


def _derivation(value: bytes, where: str, name: str, depth: int | None = None) -> None:
    if len(value) < 4 or len(value) % 4 or (depth is not None and (len(value) - 4) // 4 != depth):
        raise _fail(where, f"{name} has a malformed derivation path")


def _check_input(entry: KeyMap, version: int) -> None:
    where = entry.where
    for pub in entry.all(0x02):
        _pubkey(pub, where, "PSBT_IN_PARTIAL_SIG")
    for pub, value in entry.all(0x06).items():
        _pubkey(pub, where, "PSBT_IN_BIP32_DERIVATION")
        _derivation(value, where, "PSBT_IN_BIP32_DERIVATION")
    if (utxo := entry.get(0x00)) is not None:
        try:
            parse_tx(utxo)
        except ValueError as error:
            raise _fail(where, f"PSBT_IN_NON_WITNESS_UTXO is not a transaction ({error})") from None
    if (utxo := entry.get(0x01)) is not None:
        reader = Reader(utxo)
        try:
            amount = int.from_bytes(reader.take(8), "little")
            reader.sized()
        except ValueError:
            raise _fail(where, "PSBT_IN_WITNESS_UTXO is not a transaction output") from None
        if not reader.done:
            raise _fail(where, "PSBT_IN_WITNESS_UTXO is not a transaction output")
        if amount > MAX_MONEY:
            raise _fail(where, "PSBT_IN_WITNESS_UTXO is worth more than 21 million bitcoin")
    sizes = {0x03: 4, 0x0E: 32, 0x0F: 4, 0x10: 4, 0x11: 4, 0x12: 4, 0x17: 32, 0x18: 32}
    for keytype, size in sizes.items():
        if (got := entry.get(keytype)) is not None and len(got) != size:
            raise _fail(where, f"{INPUT_FIELDS[keytype][0]} must be {size} bytes")
    if (got := entry.get(0x11)) is not None and int.from_bytes(got, "little") < LOCKTIME_THRESHOLD:
        raise _fail(where, "PSBT_IN_REQUIRED_TIME_LOCKTIME is below 500000000")
    if (got := entry.get(0x12)) is not None and not 0 < int.from_bytes(got, "little") < LOCKTIME_THRESHOLD:
        raise _fail(where, "PSBT_IN_REQUIRED_HEIGHT_LOCKTIME is not a block height")
    for preimage_type, (hasher, name) in _preimage_hashers().items():
        for digest, preimage in entry.all(preimage_type).items():
            if hasher(preimage) != digest:
                raise _fail(where, f"PSBT_IN_{name} preimage does not match")
    if (got := entry.get(0x13)) is not None and len(got) not in (64, 65):
        raise _fail(where, "PSBT_IN_TAP_KEY_SIG must be 64 or 65 bytes")
    for keydata, value in entry.all(0x14).items():
        _xonly(keydata[:32], where, "PSBT_IN_TAP_SCRIPT_SIG")
        if len(value) not in (64, 65):
            raise _fail(where, "PSBT_IN_TAP_SCRIPT_SIG must be 64 or 65 bytes")
    for control in entry.all(0x15):
        if len(control) < 33 or (len(control) - 33) % 32:
            raise _fail(where, "PSBT_IN_TAP_LEAF_SCRIPT has a malformed control block")
    for keydata, value in entry.all(0x16).items():
        _xonly(keydata, where, "PSBT_IN_TAP_BIP32_DERIVATION")
        _tap_derivation(value, where, "PSBT_IN_TAP_BIP32_DERIVATION")
    if (got := entry.get(0x17)) is not None:
        _xonly(got, where, "PSBT_IN_TAP_INTERNAL_KEY")
    _version_rules(entry, version, V2_ONLY_INPUT, (0x0E, 0x0F), INPUT_FIELDS)


def _tap_derivation(value: bytes, where: str, name: str) -> None:
    reader = Reader(value)
    try:
        count = reader.compact()
        reader.take(32 * count)
    except ValueError:
        raise _fail(where, f"{name} has malformed leaf hashes") from None
    _derivation(value[reader.offset :], where, name)


def _check_output(entry: KeyMap, version: int) -> None:
    where = entry.where
    for pub, value in entry.all(0x02).items():
        _pubkey(pub, where, "PSBT_OUT_BIP32_DERIVATION")
        _derivation(value, where, "PSBT_OUT_BIP32_DERIVATION")
    if (got := entry.get(0x03)) is not None and len(got) != 8:
        raise _fail(where, "PSBT_OUT_AMOUNT must be 8 bytes")
    if got is not None and int.from_bytes(got, "little") > MAX_MONEY:
        raise _fail(where, "PSBT_OUT_AMOUNT is more than 21 million bitcoin")
    if (got := entry.get(0x05)) is not None:
        if len(got) != 32:
            raise _fail(where, "PSBT_OUT_TAP_INTERNAL_KEY must be 32 bytes")
        _xonly(got, where, "PSBT_OUT_TAP_INTERNAL_KEY")
    for keydata, value in entry.all(0x07).items():
        _xonly(keydata, where, "PSBT_OUT_TAP_BIP32_DERIVATION")
        _tap_derivation(value, where, "PSBT_OUT_TAP_BIP32_DERIVATION")
    _version_rules(entry, version, V2_ONLY_OUTPUT, (0x03, 0x04), OUTPUT_FIELDS)


def _version_rules(
    entry: KeyMap,
    version: int,
    v2_only: tuple[int, ...],
    v2_required: tuple[int, ...],
    names: dict[int, tuple[str, tuple[int, ...] | None]],
) -> None:
    for keytype in v2_only if version == 0 else ():
        if keytype in entry.records:
            raise _fail(entry.where, f"{names[keytype][0]} is not allowed in a version 0 PSBT")
    for keytype in v2_required if version == 2 else ():
        if keytype not in entry.records:
            raise _fail(entry.where, f"a version 2 PSBT requires {names[keytype][0]}")


def _global_tx(global_map: KeyMap, version: int) -> tuple[Tx | None, int, int]:
    if version == 0:
        raw = global_map.get(0x00)
        if raw is None:
            raise _fail("global", "a version 0 PSBT requires PSBT_GLOBAL_UNSIGNED_TX")
        _version_rules(global_map, 0, V2_ONLY_GLOBAL, (), GLOBAL_FIELDS)
        try:
            tx = parse_tx(raw, allow_witness=False)
        except ValueError as error:
            try:
                witness_form = parse_tx(raw).has_witness
            except ValueError:
                witness_form = False
            if witness_form:
                raise _fail(
                    "global", "PSBT_GLOBAL_UNSIGNED_TX must not be in witness serialization"
                ) from None
            raise _fail("global", f"PSBT_GLOBAL_UNSIGNED_TX is not a transaction ({error})") from None
        if any(item.script_sig for item in tx.inputs):
            raise _fail("global", "PSBT_GLOBAL_UNSIGNED_TX has a non-empty scriptSig")
        return tx, len(tx.inputs), len(tx.outputs)
    if 0x00 in global_map.records:
        raise _fail("global", "PSBT_GLOBAL_UNSIGNED_TX is not allowed in a version 2 PSBT")
    _version_rules(global_map, 2, (), (0x02, 0x04, 0x05), GLOBAL_FIELDS)
    counts = []
    for keytype in (0x04, 0x05):
        reader = Reader(global_map.get(keytype) or b"")
        try:
            counts.append(reader.compact())
        except ValueError:
            raise _fail("global", f"{GLOBAL_FIELDS[keytype][0]} is not a compact size") from None
        if not reader.done:
            raise _fail("global", f"{GLOBAL_FIELDS[keytype][0]} is not a compact size")
    for keytype, size in ((0x02, 4), (0x03, 4), (0x06, 1)):
        if (value := global_map.get(keytype)) is not None and len(value) != size:
            raise _fail("global", f"{GLOBAL_FIELDS[keytype][0]} must be {size} bytes")
    return None, counts[0], counts[1]


def _v2_tx(global_map: KeyMap, inputs: list[KeyMap], outputs: list[KeyMap]) -> Tx:
    """The transaction a version 2 PSBT describes, with the lock time of BIP-370 "Determining Lock Time"."""
    times = [int.from_bytes(v, "little") for i in inputs if (v := i.get(0x11)) is not None]
    heights = [int.from_bytes(v, "little") for i in inputs if (v := i.get(0x12)) is not None]
    if heights and (not times or len(heights) == len(inputs)):
        locktime = max(heights)
    elif times:
        locktime = max(times)
    else:
        locktime = int.from_bytes(global_map.get(0x03) or bytes(4), "little")
    return Tx(
        version=int.from_bytes(global_map.get(0x02) or bytes(4), "little", signed=True),
        inputs=tuple(
            TxIn(
                (entry.get(0x0E) or bytes(32)),
                int.from_bytes(entry.get(0x0F) or bytes(4), "little"),
                b"",
                int.from_bytes(entry.get(0x10) or b"\xff\xff\xff\xff", "little"),
            )
            for entry in inputs
        ),
        outputs=tuple(
            TxOut(int.from_bytes(entry.get(0x03) or bytes(8), "little"), entry.get(0x04) or b"")
            for entry in outputs
        ),
        locktime=locktime,
        has_witness=False,
    )


def parse_psbt(data: bytes) -> Psbt:
    if not data.startswith(MAGIC):
        raise _fail("PSBT", "it does not start with the magic bytes psbt 0xff")
    reader = Reader(data)
    reader.take(len(MAGIC))
    try:
        global_map = _read_map(reader, "global", GLOBAL_FIELDS)
        raw_version = global_map.get(0xFB)
        if raw_version is not None and len(raw_version) != 4:
            raise _fail("global", "PSBT_GLOBAL_VERSION must be 4 bytes")
        version = int.from_bytes(raw_version, "little") if raw_version is not None else 0
        if version not in (0, 2):
            raise _fail("global", f"PSBT version {version} is not supported (0 and 2 are)")
        for xpub, value in global_map.all(0x01).items():
            _derivation(value, "global", "PSBT_GLOBAL_XPUB", depth=xpub[4])
        tx, input_count, output_count = _global_tx(global_map, version)
        inputs = [_read_map(reader, f"input[{index}]", INPUT_FIELDS) for index in range(input_count)]
        outputs = [_read_map(reader, f"output[{index}]", OUTPUT_FIELDS) for index in range(output_count)]
    except TruncatedError:
        raise _fail("PSBT", "it ends before its last map") from None
    except ValueError as error:
        raise _fail("PSBT", str(error)) from None
    if not reader.done:
        raise _fail("PSBT", "bytes follow the last output map")
    for entry in inputs:
        _check_input(entry, version)
    for entry in outputs:
        _check_output(entry, version)
    if tx is None:
        tx = _v2_tx(global_map, inputs, outputs)
    return Psbt(version, tx, global_map, inputs, outputs)
