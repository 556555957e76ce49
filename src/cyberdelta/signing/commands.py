"""``cyberdelta sign-check …``: check a Safe transaction or a Bitcoin PSBT before signing it, offline
and without a database (docs/signing.md). Exit status: 0 pass, 3 warn, 4 block, 2 bad input.

Only Typer is imported when the CLI starts; the hashing, ABI and Bitcoin libraries load when a check
runs, so one check stays quick from a cold start."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from cyberdelta.platform.i18n import gettext as _

sign_check_app = typer.Typer(
    help="Check what a multisig signer is about to sign (Safe, Bitcoin PSBT), offline.", no_args_is_help=True
)


@sign_check_app.callback()
def _group() -> None:
    """Check what a multisig signer is about to sign (Safe, Bitcoin PSBT), offline."""


PolicyOption = Annotated[Path | None, typer.Option("--policy", help="Policy JSON file (docs/signing.md).")]
RequestOption = Annotated[Path | None, typer.Option("--request", help="Approved request JSON file.")]
ZERO = "0x" + "00" * 20
FormatOption = Annotated[str, typer.Option("--format", help="text or json.")]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"{_('Error')}: {message}", err=True)
    return typer.Exit(2)


def _read(path: Path, where: str) -> bytes:
    from cyberdelta.signing.errors import SigningInputError
    from cyberdelta.signing.text import bilingual

    try:
        return sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as error:
        raise SigningInputError(
            where, bilingual("cannot read %(path)s: %(reason)s", path=str(path), reason=error.strerror or "")
        ) from None


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _rules(policy: Path | None, request: Path | None) -> tuple[Any, Any, dict[str, str | None]]:
    """The policy and request, and what identifies the check for a record: their SHA-256 and the
    request's id (docs/signing.md, "The command")."""
    from cyberdelta.signing.policy import load_policy, load_request
    from cyberdelta.signing.safe_input import read_json

    policy_bytes = _read(policy, "--policy") if policy else None
    request_bytes = _read(request, "--request") if request else None
    rules = load_policy(read_json(policy_bytes, "policy $")) if policy_bytes is not None else None
    approved = load_request(read_json(request_bytes, "request $")) if request_bytes is not None else None
    provenance = {
        "policy_sha256": _sha256(policy_bytes) if policy_bytes is not None else None,
        "request_sha256": _sha256(request_bytes) if request_bytes is not None else None,
        "request_id": approved.id if approved is not None else None,
    }
    return rules, approved, provenance


def _emit(result: dict[str, Any], output: str, text: str) -> None:
    if output == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        typer.echo(text)


def _check_format(output: str) -> None:
    if output not in ("text", "json"):
        raise _fail(_("Unknown format %(format)s: use text or json", format=output))


OPTION_OF_FIELD = {
    "$.safe": "--safe",
    "$.to": "--to",
    "$.value": "--value",
    "$.data": "--data",
    "$.operation": "--operation",
    "$.safeTxGas": "--safe-tx-gas",
    "$.baseGas": "--base-gas",
    "$.gasPrice": "--gas-price",
    "$.gasToken": "--gas-token",
    "$.refundReceiver": "--refund-receiver",
    "$.nonce": "--nonce",
}


def _parse_options(document: dict[str, Any]) -> Any:
    """The fields given as options, a bad one reported by its option's name."""
    from cyberdelta.signing.errors import SigningInputError
    from cyberdelta.signing.safe_input import parse_safe_document

    try:
        return parse_safe_document(document)
    except SigningInputError as error:
        where = error.field or "$"
        raise SigningInputError(OPTION_OF_FIELD.get(where, where), error.text) from None


@sign_check_app.command("safe")
def safe(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="Transaction Service JSON or EIP-712 typed data ('-' for standard input); "
            "omit to give the fields as options."
        ),
    ] = None,
    chain_id: Annotated[
        int | None, typer.Option("--chain-id", help="EIP-155 chain id (1 for Ethereum).")
    ] = None,
    safe_version: Annotated[
        str | None, typer.Option("--safe-version", help="Safe contract version, e.g. 1.3.0.")
    ] = None,
    policy: PolicyOption = None,
    request: RequestOption = None,
    output: FormatOption = "text",
    safe_address: Annotated[
        str | None, typer.Option("--safe", help="The Safe's address (fields as options).")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Destination of the Safe transaction.")] = None,
    value: Annotated[str, typer.Option("--value", help="Native value in wei.")] = "0",
    data: Annotated[str, typer.Option("--data", help="Call data, 0x hex.")] = "0x",
    operation: Annotated[int, typer.Option("--operation", help="0 call, 1 delegatecall.")] = 0,
    safe_tx_gas: Annotated[str, typer.Option("--safe-tx-gas")] = "0",
    base_gas: Annotated[str, typer.Option("--base-gas")] = "0",
    gas_price: Annotated[str, typer.Option("--gas-price")] = "0",
    gas_token: Annotated[str, typer.Option("--gas-token")] = ZERO,
    refund_receiver: Annotated[str, typer.Option("--refund-receiver")] = ZERO,
    nonce: Annotated[str | None, typer.Option("--nonce", help="The Safe nonce of the transaction.")] = None,
) -> None:
    """Check a Safe transaction: EIP-712 hashes, decoded calls, policy and approved request."""
    _check_format(output)
    from cyberdelta.platform.errors import DomainError
    from cyberdelta.signing.errors import SigningInputError
    from cyberdelta.signing.findings import EXIT_STATUS
    from cyberdelta.signing.report import safe_text
    from cyberdelta.signing.safe_input import parse_safe_document, read_json
    from cyberdelta.signing.safe_review import review_safe
    from cyberdelta.signing.safe_versions import parse_version
    from cyberdelta.signing.text import bilingual

    try:
        given = [safe_address, to, nonce] + [
            None if option == default else option
            for option, default in (
                (value, "0"), (data, "0x"), (operation, 0), (safe_tx_gas, "0"), (base_gas, "0"),
                (gas_price, "0"), (gas_token, ZERO), (refund_receiver, ZERO),
            )
        ]  # fmt: skip
        if file is not None and any(option is not None for option in given):
            raise SigningInputError(
                "FILE", bilingual("give the transaction either as FILE or as options, not both")
            )
        if file is not None:
            raw = _read(file, "FILE")
            document = read_json(raw)
        else:
            document = {
                "safe": safe_address, "to": to, "value": value, "data": data, "operation": operation,
                "safeTxGas": safe_tx_gas, "baseGas": base_gas, "gasPrice": gas_price, "gasToken": gas_token,
                "refundReceiver": refund_receiver, "nonce": nonce,
            }  # fmt: skip
            document = {key: item for key, item in document.items() if item is not None}
            raw = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
        parsed = _parse_options(document) if file is None else parse_safe_document(document)
        version = parse_version(safe_version, "--safe-version") if safe_version else None
        rules, approved, provenance = _rules(policy, request)
        review = review_safe(parsed, chain_id=chain_id, version=version, policy=rules, request=approved)
    except DomainError as error:
        raise _fail(error.render()) from None
    result = review.as_json() | {"input_sha256": _sha256(raw), **provenance}
    _emit(result, output, safe_text(result))
    raise typer.Exit(EXIT_STATUS[review.verdict])


@sign_check_app.command("psbt")
def psbt(
    source: Annotated[
        str,
        typer.Argument(
            help="PSBT file (binary, base64 or hex), '-' for standard input, or the base64 text itself."
        ),
    ],
    network: Annotated[
        str, typer.Option("--network", help="mainnet, testnet, signet or regtest.")
    ] = "mainnet",
    policy: PolicyOption = None,
    request: RequestOption = None,
    output: FormatOption = "text",
) -> None:
    """Check a Bitcoin PSBT (BIP-174 v0, BIP-370 v2): inputs, outputs, fee, change, policy and request."""
    _check_format(output)
    from cyberdelta.platform.errors import DomainError
    from cyberdelta.signing.findings import EXIT_STATUS
    from cyberdelta.signing.psbt_format import MAGIC, decode_text, parse_psbt
    from cyberdelta.signing.psbt_review import review_psbt
    from cyberdelta.signing.report import psbt_text

    try:
        path = Path(source)
        if source == "-" or (len(source) < 4096 and path.is_file()):
            raw = _read(path, "FILE")
            data = raw if raw.startswith(MAGIC) else decode_text(raw.decode("ascii", errors="replace"))
        else:
            data = decode_text(source)
        rules, approved, provenance = _rules(policy, request)
        review = review_psbt(parse_psbt(data), network=network, policy=rules, request=approved)
    except DomainError as error:
        raise _fail(error.render()) from None
    result = review.as_json() | {"input_sha256": _sha256(data), **provenance}
    _emit(result, output, psbt_text(result))
    raise typer.Exit(EXIT_STATUS[review.verdict])
