"""STIX objects built from the hub's two forms: a quick report and a lesson learned (issue #7 §5-6).

A quick report of a malicious wallet address gives the ``x-crypto-wallet-address`` observable and an
indicator whose STIX pattern (§9) matches it; a phishing domain gives a ``domain-name`` observable
(§6.4, id from its ``value``) and an indicator. A lesson learned is a STIX ``report`` (§4.16).
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from cyberdelta.intel.timestamps import format_us, now_us
from cyberdelta.intel.tlp import TLP2_MARKING_IDS, Tlp
from cyberdelta.intel.wallet import STIX_SCO_NAMESPACE, WalletAddressError, address_pattern, wallet_address

DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$")
MAX_NOTE = 4000


class FormError(ValueError):
    """A form field that cannot be used; ``field`` names it for the page."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def _marked(stix_object: dict[str, Any], tlp: Tlp) -> dict[str, Any]:
    stix_object["object_marking_refs"] = [TLP2_MARKING_IDS[tlp]]
    return stix_object


def quick_report(kind: str, chain: str, value: str, tlp: Tlp, note: str) -> list[dict[str, Any]]:
    """The observable and indicator for a reported address (``kind="address"``) or domain."""
    if len(note) > MAX_NOTE:
        raise FormError("note", f"at most {MAX_NOTE} characters")
    stamp = format_us(now_us())
    if kind == "address":
        try:
            observable = wallet_address(chain, value, tlp=tlp)
            pattern = address_pattern(chain, value)
        except WalletAddressError as error:
            field, _sep, reason = str(error).partition(": ")
            raise FormError("value" if field == "address" else field, reason) from None
        name = f"Malicious {observable['chain']} address {observable['address']}"
    elif kind == "domain":
        domain = value.strip().lower().rstrip(".")
        if DOMAIN.match(domain) is None:
            raise FormError("value", f"{value!r} is not a domain name")
        name_json = json.dumps({"value": domain}, separators=(",", ":"))
        observable = {
            "type": "domain-name",
            "spec_version": "2.1",
            "id": f"domain-name--{uuid.uuid5(STIX_SCO_NAMESPACE, name_json)}",
            "value": domain,
            "object_marking_refs": [TLP2_MARKING_IDS[tlp]],
        }
        pattern = f"[domain-name:value = '{domain}']"
        name = f"Phishing domain {domain}"
    else:
        raise FormError("kind", "choose a wallet address or a phishing domain")
    indicator = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{uuid.uuid4()}",
        "created": stamp,
        "modified": stamp,
        "name": name,
        "description": note.strip(),
        "indicator_types": ["malicious-activity"],
        "pattern": pattern,
        "pattern_type": "stix",
        "valid_from": stamp,
    }
    if not indicator["description"]:
        del indicator["description"]
    return [observable, _marked(indicator, tlp)]


def lesson(title: str, body: str, tlp: Tlp, author: dict[str, Any]) -> list[dict[str, Any]]:
    """A lesson learned as a STIX report about its author's identity (reports need object_refs)."""
    if not title.strip():
        raise FormError("title", "must not be empty")
    if not body.strip():
        raise FormError("body", "must not be empty")
    if len(body) > 20 * MAX_NOTE:
        raise FormError("body", f"at most {20 * MAX_NOTE} characters")
    stamp = format_us(now_us())
    report = {
        "type": "report",
        "spec_version": "2.1",
        "id": f"report--{uuid.uuid4()}",
        "created": stamp,
        "modified": stamp,
        "name": title.strip(),
        "description": body.strip(),
        "published": stamp,
        "report_types": ["lessons-learned"],
        "object_refs": [author["id"]],
    }
    return [author, _marked(report, tlp)]
