"""One check of a Bitcoin PSBT (docs/signing.md, "Bitcoin PSBT"): inputs with the amounts they spend,
outputs with their addresses, the fee and an estimated fee rate, change recognised from the BIP-32
derivations against the firm's registered descriptors, then the policy and request checks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cyberdelta.signing import psbt_checks
from cyberdelta.signing.bitcoin_tx import MAX_MONEY, Reader, TxOut, compact_bytes, parse_tx
from cyberdelta.signing.errors import SigningInputError
from cyberdelta.signing.findings import Finding, Severity, Verdict, verdict
from cyberdelta.signing.policy import Policy, Request
from cyberdelta.signing.psbt_format import KeyMap, Psbt
from cyberdelta.signing.text import bilingual as _

NETWORKS = {"mainnet": "main", "testnet": "test", "signet": "signet", "regtest": "regtest"}


@dataclass(frozen=True)
class InputView:
    index: int
    prevout: str  # txid:vout
    amount: int | None
    script: bytes | None
    address: str | None
    sighash: int | None
    vbytes: Decimal  # estimated size once signed
    script_problem: str | None  # a script the PSBT gives that the spent output does not commit to


@dataclass(frozen=True)
class OutputView:
    index: int
    amount: int
    script: bytes
    address: str | None
    change: bool
    change_problem: str | None  # a registered key's derivation whose script does not match


@dataclass(frozen=True)
class PsbtReview:
    psbt: Psbt
    network: str
    inputs: list[InputView]
    outputs: list[OutputView]
    fee: int | None
    vsize: int
    findings: list[Finding]

    @property
    def verdict(self) -> Verdict:
        return verdict(self.findings)

    @property
    def fee_rate(self) -> Decimal | None:
        return (
            None if self.fee is None else (Decimal(self.fee) / Decimal(self.vsize)).quantize(Decimal("0.01"))
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": "psbt",
            "psbt_version": self.psbt.version,
            "network": self.network,
            "txid": self.psbt.tx.txid,
            "fee": self.fee,
            "vsize_estimate": self.vsize,
            "fee_rate_sat_vb": str(self.fee_rate) if self.fee_rate is not None else None,
            "decoded": {
                "inputs": [
                    {
                        "index": i.index,
                        "prevout": i.prevout,
                        "amount": i.amount,
                        "address": i.address,
                        "sighash": i.sighash,
                    }
                    for i in self.inputs
                ],
                "outputs": [
                    {
                        "index": o.index,
                        "amount": o.amount,
                        "address": o.address,
                        "script": o.script.hex(),
                        "change": o.change,
                    }
                    for o in self.outputs
                ],
            },
            "verdict": self.verdict,
            "findings": [finding.as_json() for finding in self.findings],
        }


def address_of(script: bytes, network: str) -> str | None:
    from embit.networks import NETWORKS as EMBIT_NETWORKS
    from embit.script import Script

    try:
        return str(Script(script).address(EMBIT_NETWORKS[NETWORKS[network]]))
    except (ValueError, KeyError):
        return None


def _spent_output(entry: KeyMap, prev_index: int, prev_txid: bytes, findings: list[Finding]) -> TxOut | None:
    """The output an input spends: from the previous transaction, checked against the input's outpoint
    (and against the witness UTXO when both are given), else from the witness UTXO."""
    witness = None
    if (raw := entry.get(0x01)) is not None:
        reader = Reader(raw)  # checked to be one serialized output by the parser
        witness = TxOut(int.from_bytes(reader.take(8), "little"), reader.sized())
    if (raw := entry.get(0x00)) is not None:
        previous = parse_tx(raw)
        if (
            bytes.fromhex(previous.txid)[::-1] != prev_txid
            or prev_index >= len(previous.outputs)
            or (witness is not None and previous.outputs[prev_index] != witness)
        ):
            findings.append(
                Finding(
                    "INPUT_UTXO_MISMATCH",
                    Severity.BLOCK,
                    _(
                        "The previous transaction given for this input is not the one it spends: its amount "
                        "cannot be trusted."
                    ),
                    entry.where,
                )
            )
            return None
        return previous.outputs[prev_index]
    return witness


def _is_witness_program(script: bytes) -> bool:
    """BIP-141: a version byte (OP_0, OP_1…OP_16) and one push of 2 to 40 bytes."""
    return (
        4 <= len(script) <= 42
        and (script[0] == 0 or 0x51 <= script[0] <= 0x60)
        and script[1] == len(script) - 2
    )


def script_problem(entry: KeyMap, spent: TxOut | None) -> str | None:
    """The BIP-174 Signer's checks: a witness UTXO only for a segwit output, a redeemScript that hashes
    to the P2SH output, a witnessScript that hashes to the P2WSH program. Returns the broken rule's key
    (``psbt_checks.SCRIPT_PROBLEMS``)."""
    from embit import hashes

    witness_utxo = entry.get(0x01)
    if witness_utxo is not None:
        script: bytes | None = Reader(witness_utxo[8:]).sized()
    else:
        script = spent.script if spent else None
    if script is None:
        return None
    redeem, witness_script = entry.get(0x04), entry.get(0x05)
    program = script
    if len(script) == 23 and script[:2] == b"\xa9\x14" and script[-1] == 0x87:
        if redeem is not None:
            if hashes.hash160(redeem) != script[2:22]:
                return "redeem_script_hash"
            program = redeem
    elif redeem is not None:
        return "redeem_script_not_p2sh"
    if witness_utxo is not None and not _is_witness_program(program):
        return "witness_utxo_not_segwit"
    if witness_script is not None:
        if not (len(program) == 34 and program[:2] == b"\x00\x20"):
            return "witness_script_not_p2wsh"
        if hashes.sha256(witness_script) != program[2:]:
            return "witness_script_hash"
    return None


def _multisig_m(script: bytes) -> int | None:
    """m of a bare ``OP_m <keys> OP_n OP_CHECKMULTISIG`` script."""
    if len(script) >= 3 and script[-1] == 0xAE and 0x51 <= script[0] <= 0x60:
        return script[0] - 0x50
    return None


def _input_weight(entry: KeyMap, script: bytes | None) -> int:
    """Weight of the signed input (BIP-141), from its final fields or estimated from the script type."""
    final_sig, final_witness = entry.get(0x07), entry.get(0x08)
    if final_sig is not None or final_witness is not None:
        sig = final_sig or b""
        return (41 + len(compact_bytes(len(sig))) - 1 + len(sig)) * 4 + len(final_witness or b"")
    redeem, witness_script = entry.get(0x04), entry.get(0x05)
    kind = script[:2] if script else b""
    if script and len(script) == 25 and script[:3] == b"\x76\xa9\x14":  # p2pkh
        return (41 + 107) * 4
    if script and len(script) == 22 and kind == b"\x00\x14":  # p2wpkh
        return 41 * 4 + 108
    if script and len(script) == 34 and kind == b"\x51\x20":  # p2tr key path
        return 41 * 4 + 66
    signatures = _multisig_m(witness_script or redeem or b"") or 1
    if witness_script is not None:
        witness = 1 + 1 + 73 * signatures + len(compact_bytes(len(witness_script))) + len(witness_script)
        script_sig = 35 if script and len(script) == 23 else 0  # p2sh-p2wsh pushes the 34-byte program
        return (41 + script_sig) * 4 + witness
    if redeem is not None and redeem[:2] == b"\x00\x14":  # p2sh-p2wpkh
        return (41 + 23) * 4 + 108
    if redeem is not None:
        return (41 + 1 + 73 * signatures + 3 + len(redeem)) * 4
    return (41 + 107) * 4


def _is_change(entry: KeyMap, script: bytes, descriptors: list[Any]) -> tuple[bool, str | None]:
    """Change when a descriptor holding one of the output's BIP-32 derivations derives exactly the
    output's script; a derivation claimed by a registered key whose descriptors all derive another
    script is the sign of substituted change."""
    from embit.psbt import DerivationPath

    derivations = list(entry.all(0x02).values())
    for value in entry.all(0x07).values():
        count = value[0] if value and value[0] < 0xFD else 0
        derivations.append(value[1 + 32 * count :])
    claimed = False
    for raw in derivations:
        path = DerivationPath(
            raw[:4], [int.from_bytes(raw[i : i + 4], "little") for i in range(4, len(raw), 4)]
        )
        for descriptor in descriptors:
            for key in descriptor.keys:
                found = key.check_derivation(path) if getattr(key, "is_extended", False) else None
                if found is None:
                    continue
                claimed = True
                index, branch = found
                if descriptor.derive(index, branch_index=branch).script_pubkey().data == script:
                    return True, None
    return False, "substituted" if claimed else None


SINGLE_KEY_FORMS = ("wpkh({key})", "sh(wpkh({key}))", "pkh({key})", "tr({key})")


def load_descriptors(policy: Policy) -> list[Any]:
    """The policy's descriptors, and for each registered account xpub the single-key descriptors of its
    receive and change branches (BIP-44/49/84/86 forms): change must still derive to the exact script."""
    from embit.descriptor import Descriptor

    sources = [
        (f"policy $.bitcoin.descriptors[{i}]", text) for i, text in enumerate(policy.bitcoin.descriptors)
    ]
    for index, xpub in enumerate(policy.bitcoin.xpubs):
        sources += [
            (f"policy $.bitcoin.xpubs[{index}]", form.format(key=f"{xpub.strip()}/<0;1>/*"))
            for form in SINGLE_KEY_FORMS
        ]
    loaded = []
    for where, text in sources:
        try:
            loaded.append(Descriptor.from_string(text.split("#")[0]))
        except Exception as error:
            raise SigningInputError(
                where, _("not an output descriptor: %(reason)s", reason=str(error))
            ) from None
    return loaded


def review_psbt(
    psbt: Psbt, *, network: str = "mainnet", policy: Policy | None = None, request: Request | None = None
) -> PsbtReview:
    if network not in NETWORKS:
        raise SigningInputError(
            "--network", _("%(value)s is not mainnet, testnet, signet or regtest", value=network)
        )
    rules = policy or Policy()
    descriptors = load_descriptors(rules)
    findings: list[Finding] = []
    inputs: list[InputView] = []
    weight = (4 + 4 + len(compact_bytes(len(psbt.inputs))) + len(compact_bytes(len(psbt.outputs)))) * 4
    segwit = False
    for index, (entry, txin) in enumerate(zip(psbt.inputs, psbt.tx.inputs, strict=True)):
        spent = _spent_output(entry, txin.prev_index, txin.prev_txid, findings)
        script = spent.script if spent else None
        sighash = int.from_bytes(raw, "little") if (raw := entry.get(0x03)) is not None else None
        input_weight = _input_weight(entry, script)
        segwit = segwit or input_weight % 4 != 0 or entry.get(0x01) is not None or entry.get(0x08) is not None
        weight += input_weight
        inputs.append(
            InputView(
                index,
                f"{txin.prev_txid[::-1].hex()}:{txin.prev_index}",
                spent.value if spent else None,
                script,
                address_of(script, network) if script else None,
                sighash,
                Decimal(input_weight) / 4,
                script_problem(entry, spent),
            )
        )
    outputs: list[OutputView] = []
    for index, (entry, txout) in enumerate(zip(psbt.outputs, psbt.tx.outputs, strict=True)):
        weight += (8 + len(compact_bytes(len(txout.script))) + len(txout.script)) * 4
        change, problem = _is_change(entry, txout.script, descriptors)
        outputs.append(
            OutputView(index, txout.value, txout.script, address_of(txout.script, network), change, problem)
        )
    vsize = math.ceil((weight + (2 if segwit else 0)) / 4)
    if sum(item.amount or 0 for item in inputs) > MAX_MONEY:
        raise SigningInputError("PSBT", _("the inputs add up to more than 21 million bitcoin"))
    if sum(out.amount for out in outputs) > MAX_MONEY:
        raise SigningInputError("PSBT", _("the outputs add up to more than 21 million bitcoin"))
    fee = None
    if all(item.amount is not None for item in inputs):
        fee = sum(item.amount or 0 for item in inputs) - sum(out.amount for out in outputs)
    review = PsbtReview(psbt, network, inputs, outputs, fee, vsize, findings)
    findings += psbt_checks.check_inputs(review)
    findings += psbt_checks.check_fee(review, rules)
    findings += psbt_checks.check_outputs(review, rules)
    findings += psbt_checks.check_request(review, request)
    return review
