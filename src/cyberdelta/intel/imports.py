"""Reading intelligence exported by other tools into STIX 2.1 objects.

* STIX 2.1 bundles (§8), as exported by OpenCTI (``x_opencti_*`` custom properties are kept) and as
  published by MITRE for ATT&CK Enterprise (``enterprise-attack.json``: attack patterns, intrusion
  sets such as the Lazarus Group, malware, ``x-mitre-*`` objects), are taken object by object.
* MISP event JSON (``{"Event": {...}}``, MISP core format §2) becomes a STIX ``report`` plus one
  ``indicator`` per attribute that MISP marks ``to_ids`` and whose type maps to a STIX pattern;
  ``tlp:*`` tags become TLP 2.0 markings; cryptocurrency addresses (``btc``, ``xmr`` and the
  ``coin-address`` object) become ``x-crypto-wallet-address`` patterns.

Every object produced here still goes through :mod:`~cyberdelta.intel.validation` when stored.
"""

from __future__ import annotations

import codecs
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from cyberdelta.intel.tlp import TLP2_MARKING_IDS, Tlp
from cyberdelta.intel.wallet import SCO_TYPE, WalletAddressError, normalise
from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext as _

# STIX 2.1 §2.9: our namespace for ids derived from MISP uuids, so re-imports give the same ids.
MISP_NAMESPACE = uuid.UUID("5f0f3b8e-2a6c-5d47-8b1e-9c3a7d2e4f60")
MISP_PATTERNS: Mapping[str, str] = {
    "ip-src": "[ipv4-addr:value = '{}']",
    "ip-dst": "[ipv4-addr:value = '{}']",
    "domain": "[domain-name:value = '{}']",
    "hostname": "[domain-name:value = '{}']",
    "url": "[url:value = '{}']",
    "email-src": "[email-addr:value = '{}']",
    "md5": "[file:hashes.MD5 = '{}']",
    "sha1": "[file:hashes.'SHA-1' = '{}']",
    "sha256": "[file:hashes.'SHA-256' = '{}']",
}
MISP_CHAINS: Mapping[str, str] = {"btc": "bitcoin", "xmr": "monero", "eth": "ethereum", "trx": "tron"}
TLP_TAGS: Mapping[str, Tlp] = {
    "tlp:clear": Tlp.CLEAR,
    "tlp:white": Tlp.CLEAR,
    "tlp:green": Tlp.GREEN,
    "tlp:amber": Tlp.AMBER,
    "tlp:amber+strict": Tlp.AMBER_STRICT,
    "tlp:red": Tlp.RED,
}


class ImportFormatError(DomainError, ValueError):
    """A file that is neither a STIX bundle nor a MISP event; the message says which field is wrong."""

    status = 422


def read_objects(data: bytes) -> list[object]:
    """The STIX objects in a STIX bundle, a TAXII envelope or a MISP event export."""
    return read_document(data)[1]


def _bundle_format(objects: list[object]) -> str:
    """Which tool a STIX bundle comes from, judged by its custom properties (for the import page)."""
    for item in objects:
        if not isinstance(item, dict):
            continue
        if any(key.startswith("x_mitre_") for key in item) or str(item.get("type", "")).startswith(
            "x-mitre-"
        ):
            return "attack"
        if any(key.startswith("x_opencti_") for key in item):
            return "opencti"
    return "stix"


def read_document(data: bytes) -> tuple[str, list[object]]:
    """The format (``stix``, ``opencti``, ``attack`` or ``misp``) and the STIX objects of a file."""
    try:
        # RFC 8259 §8.1: a leading UTF-8 byte order mark may be ignored (the catalog import does).
        document = orjson.loads(data.removeprefix(codecs.BOM_UTF8))
    except orjson.JSONDecodeError as error:
        raise ImportFormatError(_("file: not valid JSON (%(reason)s)", reason=str(error))) from None
    if isinstance(document, dict) and isinstance(document.get("objects"), list):
        objects: list[object] = document["objects"]
        return _bundle_format(objects), objects
    if isinstance(document, dict) and isinstance(document.get("Event"), dict):
        return "misp", misp_event(document["Event"])
    raise ImportFormatError(
        _("file: expected a STIX bundle (type, objects) or a MISP event (Event) at the top level")
    )


def _timestamp(value: object) -> str:
    """MISP timestamps are Unix seconds as strings; dates are YYYY-MM-DD."""
    if isinstance(value, str) and value.isdigit():
        moment = datetime.fromtimestamp(int(value), UTC)
    elif isinstance(value, str) and len(value) == 10:
        moment = datetime.fromisoformat(value).replace(tzinfo=UTC)
    else:
        moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _pattern(kind: str, value: str) -> str | None:
    if kind in MISP_PATTERNS:
        escaped = value.replace("\\", "\\\\").replace("'", "\\'")
        return MISP_PATTERNS[kind].format(escaped)
    if kind in MISP_CHAINS:
        try:
            chain, address = normalise(MISP_CHAINS[kind], value)
        except WalletAddressError:
            return None
        return f"[{SCO_TYPE}:chain = '{chain}' AND {SCO_TYPE}:address = '{address}']"
    return None


def _attributes(event: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = [item for item in event.get("Attribute", []) if isinstance(item, dict)]
    for misp_object in event.get("Object", []):
        if not isinstance(misp_object, dict):
            continue
        inner = [item for item in misp_object.get("Attribute", []) if isinstance(item, dict)]
        if misp_object.get("name") == "coin-address":
            symbol = next(
                (
                    str(item.get("value", "")).lower()
                    for item in inner
                    if item.get("object_relation") == "symbol"
                ),
                "btc",
            )
            for item in inner:
                if item.get("object_relation") == "address":
                    found.append({**item, "type": symbol, "to_ids": True})
        else:
            found.extend(inner)
    return found


def misp_event(event: Mapping[str, Any]) -> list[object]:
    """One MISP event as a STIX report with its indicators (MISP core format, Event and Attribute)."""
    event_uuid = event.get("uuid")
    if not isinstance(event_uuid, str):
        raise ImportFormatError(_("Event.uuid: missing"))
    tags = [str(tag.get("name", "")).lower() for tag in event.get("Tag", []) if isinstance(tag, dict)]
    levels = [TLP_TAGS[tag] for tag in tags if tag in TLP_TAGS]
    markings = [TLP2_MARKING_IDS[levels[-1]]] if levels else []
    created = _timestamp(event.get("date"))
    modified = _timestamp(event.get("timestamp"))
    modified = max(created, modified)
    indicators: list[dict[str, Any]] = []
    for attribute in _attributes(event):
        if not attribute.get("to_ids", False):
            continue
        pattern = _pattern(str(attribute.get("type", "")), str(attribute.get("value", "")))
        if pattern is None:
            continue
        seed = str(attribute.get("uuid") or f"{event_uuid}:{attribute.get('type')}:{attribute.get('value')}")
        indicator: dict[str, Any] = {
            "type": "indicator",
            "spec_version": "2.1",
            "id": f"indicator--{uuid.uuid5(MISP_NAMESPACE, seed)}",
            "created": created,
            "modified": modified,
            "name": f"{attribute.get('type')}: {attribute.get('value')}",
            "description": str(attribute.get("comment") or attribute.get("category") or ""),
            "pattern": pattern,
            "pattern_type": "stix",
            "valid_from": created,
        }
        if markings:
            indicator["object_marking_refs"] = markings
        indicators.append(indicator)
    report: dict[str, Any] = {
        "type": "report",
        "spec_version": "2.1",
        "id": f"report--{uuid.uuid5(MISP_NAMESPACE, event_uuid)}",
        "created": created,
        "modified": modified,
        "name": str(event.get("info") or "MISP event"),
        "published": modified,
        "report_types": ["threat-report"],
        "object_refs": [item["id"] for item in indicators]
        or [f"report--{uuid.uuid5(MISP_NAMESPACE, event_uuid)}"],
        "external_references": [{"source_name": "misp", "external_id": event_uuid}],
    }
    if markings:
        report["object_marking_refs"] = markings
    return [*indicators, report]
