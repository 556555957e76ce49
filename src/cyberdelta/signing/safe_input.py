"""A Safe transaction as the signer has it (docs/signing.md, "Inputs"): the JSON the Safe Transaction
Service API returns for a multisig transaction (one object, or a page of ``results`` holding one), the
EIP-712 typed data a wallet is asked to sign (``eth_signTypedData_v4``), or the same fields given as
options. Every field is checked and a bad one is reported with its JSON path."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cyberdelta.signing.errors import SigningInputError
from cyberdelta.signing.ethereum import ZERO_ADDRESS, parse_address, parse_hex, parse_uint
from cyberdelta.signing.safe_hash import SafeTx
from cyberdelta.signing.safe_versions import (
    DOMAIN_WITH_CHAIN_ID,
    DOMAIN_WITHOUT_CHAIN_ID,
    Layout,
    SafeVersion,
    parse_version,
    safe_tx_type,
)
from cyberdelta.signing.text import bilingual as _


@dataclass(frozen=True)
class SafeInput:
    """A parsed transaction and what the document said about where it is signed."""

    tx: SafeTx
    chain_id: int | None
    version: SafeVersion | None
    layout: Layout | None  # from typed data, which fixes the layout itself
    claimed_safe_tx_hash: bytes | None  # the Transaction Service's ``safeTxHash``, to be re-checked
    claimed_method: str | None  # the Transaction Service's ``dataDecoded.method``, to be re-checked
    source: str  # "transaction-service" or "typed-data"


def read_json(data: bytes, where: str = "$") -> Any:
    try:
        return json.loads(data)
    except UnicodeDecodeError:
        raise SigningInputError(where, _("the file is not UTF-8 text")) from None
    except json.JSONDecodeError as error:
        raise SigningInputError(
            where,
            _(
                "malformed JSON at line %(line)s, column %(column)s: %(reason)s",
                line=error.lineno,
                column=error.colno,
                reason=error.msg,
            ),
        ) from None


def _field(document: Mapping[str, Any], name: str, path: str, *, default: Any = ...) -> Any:
    if name in document:
        return document[name]
    if default is ...:
        raise SigningInputError(f"{path}.{name}", _("the field is missing"))
    return default


def _operation(value: Any, where: str) -> int:
    operation = parse_uint(value, where, bits=8)
    if operation not in (0, 1):
        raise SigningInputError(
            where, _("operation must be 0 (call) or 1 (delegatecall), not %(value)s", value=value)
        )
    return operation


def _transaction(fields: Mapping[str, Any], safe: Any, safe_where: str, path: str, gas_field: str) -> SafeTx:
    return SafeTx(
        safe=parse_address(safe, safe_where),
        to=parse_address(_field(fields, "to", path), f"{path}.to"),
        value=parse_uint(_field(fields, "value", path, default=0), f"{path}.value"),
        data=parse_hex(_field(fields, "data", path, default=None), f"{path}.data"),
        operation=_operation(_field(fields, "operation", path, default=0), f"{path}.operation"),
        safe_tx_gas=parse_uint(_field(fields, "safeTxGas", path, default=0), f"{path}.safeTxGas"),
        base_gas=parse_uint(_field(fields, gas_field, path, default=0), f"{path}.{gas_field}"),
        gas_price=parse_uint(_field(fields, "gasPrice", path, default=0), f"{path}.gasPrice"),
        gas_token=parse_address(
            _field(fields, "gasToken", path, default=ZERO_ADDRESS) or ZERO_ADDRESS, f"{path}.gasToken"
        ),
        refund_receiver=parse_address(
            _field(fields, "refundReceiver", path, default=ZERO_ADDRESS) or ZERO_ADDRESS,
            f"{path}.refundReceiver",
        ),
        nonce=parse_uint(_field(fields, "nonce", path), f"{path}.nonce"),
    )


def _type_string(types: Any, name: str) -> str:
    entries = types.get(name) if isinstance(types, dict) else None
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise SigningInputError(f"$.types.{name}", _("the type is missing or not a list of fields"))
    return f"{name}(" + ",".join(f"{entry.get('type')} {entry.get('name')}" for entry in entries) + ")"


def _from_typed_data(document: Mapping[str, Any]) -> SafeInput:
    if document.get("primaryType") != "SafeTx":
        raise SigningInputError("$.primaryType", _("only Safe transactions (primaryType SafeTx) are checked"))
    types = document.get("types")
    domain_type = _type_string(types, "EIP712Domain")
    if domain_type not in (DOMAIN_WITH_CHAIN_ID, DOMAIN_WITHOUT_CHAIN_ID):
        raise SigningInputError("$.types.EIP712Domain", _("%(type)s is not a Safe domain", type=domain_type))
    message_type = _type_string(types, "SafeTx")
    layouts = {safe_tx_type("baseGas"): "baseGas", safe_tx_type("dataGas"): "dataGas"}
    if message_type not in layouts:
        raise SigningInputError(
            "$.types.SafeTx", _("%(type)s is not the Safe transaction type", type=message_type)
        )
    gas_field = layouts[message_type]
    layout = Layout(
        domain_has_chain_id=domain_type == DOMAIN_WITH_CHAIN_ID,
        gas_field="baseGas" if gas_field == "baseGas" else "dataGas",
    )
    domain = document.get("domain")
    message = document.get("message")
    if not isinstance(domain, dict):
        raise SigningInputError("$.domain", _("the domain is missing"))
    if not isinstance(message, dict):
        raise SigningInputError("$.message", _("the message is missing"))
    for name in (
        "to",
        "value",
        "data",
        "operation",
        "safeTxGas",
        gas_field,
        "gasPrice",
        "gasToken",
        "refundReceiver",
        "nonce",
    ):
        if name not in message:
            raise SigningInputError(f"$.message.{name}", _("the field is missing"))
    chain_id = None
    if layout.domain_has_chain_id:
        chain_id = parse_uint(_field(domain, "chainId", "$.domain"), "$.domain.chainId")
    tx = _transaction(
        message,
        _field(domain, "verifyingContract", "$.domain"),
        "$.domain.verifyingContract",
        "$.message",
        gas_field,
    )
    return SafeInput(tx, chain_id, None, layout, None, None, "typed-data")


def _from_service(document: Mapping[str, Any], path: str) -> SafeInput:
    version = parse_version(document["version"], f"{path}.version") if document.get("version") else None
    gas_field = "dataGas" if "dataGas" in document and "baseGas" not in document else "baseGas"
    tx = _transaction(document, _field(document, "safe", path), f"{path}.safe", path, gas_field)
    chain_id = (
        parse_uint(document["chainId"], f"{path}.chainId") if document.get("chainId") is not None else None
    )
    claimed = document.get("safeTxHash")
    claimed_hash = parse_hex(claimed, f"{path}.safeTxHash") if claimed else None
    if claimed_hash is not None and len(claimed_hash) != 32:
        raise SigningInputError(f"{path}.safeTxHash", _("a hash has 32 bytes"))
    decoded = document.get("dataDecoded")
    method = decoded.get("method") if isinstance(decoded, dict) else None
    claimed_method = method if isinstance(method, str) else None
    return SafeInput(tx, chain_id, version, None, claimed_hash, claimed_method, "transaction-service")


def parse_safe_document(document: Any) -> SafeInput:
    """A Transaction Service transaction, a page of them holding exactly one, or EIP-712 typed data."""
    if not isinstance(document, dict):
        raise SigningInputError("$", _("expected a JSON object"))
    if {"types", "domain", "message"} <= document.keys():
        return _from_typed_data(document)
    if "results" in document and "safe" not in document:
        results = document["results"]
        if not isinstance(results, list) or len(results) != 1:
            raise SigningInputError("$.results", _("the page must hold exactly one transaction to check"))
        if not isinstance(results[0], dict):
            raise SigningInputError("$.results[0]", _("expected a JSON object"))
        return _from_service(results[0], "$.results[0]")
    return _from_service(document, "$")
