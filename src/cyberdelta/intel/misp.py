"""MISP event JSON (MISP core format, Event, Attribute and Object) as STIX 2.1 objects.

One event becomes a STIX ``report`` plus one ``indicator`` per attribute that MISP marks
``to_ids`` and whose type maps to a STIX pattern (STIX 2.1 §9): single values (``ip-dst``,
``domain``, ``sha256``, …), the composite types that MISP writes as two values joined by ``|``
(``filename|sha256``, ``ip-dst|port``, ``domain|ip``, ``hostname|port``, ``regkey|value``, …) and
cryptocurrency addresses (``btc``, ``xmr``, ``eth``, ``trx`` and the ``coin-address`` object), which
become ``x-crypto-wallet-address`` patterns. ``tlp:*`` tags become TLP 2.0 markings. Every attribute
that does not become an indicator is listed with its place in the event and the reason
(:class:`Skipped`), never dropped silently. Ids derive from MISP uuids (STIX 2.1 §2.9), so a
re-import gives the same ids.
"""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cyberdelta.intel.tlp import TLP2_MARKING_IDS, Tlp
from cyberdelta.intel.wallet import SCO_TYPE, WalletAddressError, normalise
from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext as _

# STIX 2.1 §2.9: our namespace for ids derived from MISP uuids, so re-imports give the same ids.
MISP_NAMESPACE = uuid.UUID("5f0f3b8e-2a6c-5d47-8b1e-9c3a7d2e4f60")
SINGLE_PATTERNS: Mapping[str, str] = {
    "domain": "[domain-name:value = '{}']",
    "hostname": "[domain-name:value = '{}']",
    "url": "[url:value = '{}']",
    "link": "[url:value = '{}']",
    "email-src": "[email-addr:value = '{}']",
    "email-dst": "[email-addr:value = '{}']",
    "filename": "[file:name = '{}']",
    "mutex": "[mutex:name = '{}']",
}
# STIX 2.1 §10.6 hash-algorithm-ov names of the MISP hash types.
HASHES: Mapping[str, str] = {
    "md5": "MD5",
    "sha1": "'SHA-1'",
    "sha256": "'SHA-256'",
    "sha512": "'SHA-512'",
    "sha3-256": "'SHA3-256'",
    "sha3-512": "'SHA3-512'",
    "ssdeep": "SSDEEP",
    "tlsh": "TLSH",
}
CHAINS: Mapping[str, str] = {"btc": "bitcoin", "xmr": "monero", "eth": "ethereum", "trx": "tron"}
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


class UnmappedAttributeError(ValueError):
    """Why one MISP attribute cannot be a STIX pattern (the message names the part that is wrong)."""


@dataclass(frozen=True)
class Skipped:
    """A MISP attribute that did not become an indicator: where it is, what it is and why."""

    where: str  # e.g. ``Event.Attribute[3]`` or ``Event.Object[0].Attribute[1]``
    type: str
    value: str
    reason: str


def _literal(value: str) -> str:
    """A STIX pattern string literal (§9.4: backslash and quote escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _ip(value: str) -> str:
    """``ipv4-addr`` or ``ipv6-addr`` for an address (or CIDR block) MISP carries."""
    try:
        network = ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        raise UnmappedAttributeError(_("value: %(value)s is not an IP address", value=value)) from None
    return "ipv6-addr" if network.version == 6 else "ipv4-addr"


def _port(value: str) -> int:
    text = value.strip()
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise UnmappedAttributeError(_("value: port %(value)s is not a number from 0 to 65535", value=value))
    return int(text)


def _hash(kind: str, value: str) -> str:
    name = HASHES.get(kind)
    if name is None:
        raise UnmappedAttributeError(_("type: %(kind)s is not a STIX 2.1 hash algorithm", kind=kind))
    return f"file:hashes.{name} = {_literal(value.strip())}"


def _composite(kind: str, value: str) -> str:
    """A composite attribute (``left|right`` type, ``left|right`` value) as one observation."""
    left_kind, _bar, right_kind = kind.partition("|")
    parts = value.split("|")
    if len(parts) != 2 or not all(part.strip() for part in parts):
        raise UnmappedAttributeError(_("value: %(kind)s needs two values separated by |", kind=kind))
    left, right = (part.strip() for part in parts)
    if left_kind == "filename":
        return f"[file:name = {_literal(left)} AND {_hash(right_kind, right)}]"
    if left_kind in ("ip-dst", "ip-src") and right_kind == "port":
        side = "dst" if left_kind == "ip-dst" else "src"
        return (
            f"[network-traffic:{side}_ref.type = '{_ip(left)}' AND network-traffic:{side}_ref.value = "
            f"{_literal(left)} AND network-traffic:{side}_port = {_port(right)}]"
        )
    if left_kind in ("domain", "hostname") and right_kind == "ip":
        _ip(right)
        resolved = f"domain-name:resolves_to_refs[*].value = {_literal(right)}"
        return f"[domain-name:value = {_literal(left)} AND {resolved}]"
    if left_kind in ("domain", "hostname") and right_kind == "port":
        return f"[domain-name:value = {_literal(left)} AND network-traffic:dst_port = {_port(right)}]"
    if kind == "regkey|value":
        data = f"windows-registry-key:values[*].data = {_literal(right)}"
        return f"[windows-registry-key:key = {_literal(left)} AND {data}]"
    raise UnmappedAttributeError(_("type: %(kind)s has no STIX pattern mapping", kind=kind))


def pattern(kind: str, value: str) -> str:
    """The STIX pattern of one MISP attribute, or :class:`UnmappedAttributeError` saying why there is none."""
    if "|" in kind:
        return _composite(kind, value)
    if kind in ("ip-src", "ip-dst"):
        return f"[{_ip(value)}:value = {_literal(value.strip())}]"
    if kind in SINGLE_PATTERNS:
        return SINGLE_PATTERNS[kind].format(_literal(value)[1:-1])
    if kind in HASHES:
        return f"[{_hash(kind, value)}]"
    if kind in CHAINS:
        try:
            chain, address = normalise(CHAINS[kind], value)
        except WalletAddressError as error:
            raise UnmappedAttributeError(f"value: {error}") from None
        return f"[{SCO_TYPE}:chain = '{chain}' AND {SCO_TYPE}:address = '{address}']"
    raise UnmappedAttributeError(_("type: %(kind)s has no STIX pattern mapping", kind=kind))


def _timestamp(value: object) -> str:
    """MISP timestamps are Unix seconds as strings; dates are YYYY-MM-DD."""
    if isinstance(value, str) and value.isdigit():
        moment = datetime.fromtimestamp(int(value), UTC)
    elif isinstance(value, str) and len(value) == 10:
        moment = datetime.fromisoformat(value).replace(tzinfo=UTC)
    else:
        moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _attributes(event: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """Every attribute of the event and of its objects, with its place in the event."""
    found: list[tuple[str, Mapping[str, Any]]] = [
        (f"Event.Attribute[{index}]", item)
        for index, item in enumerate(event.get("Attribute", []))
        if isinstance(item, dict)
    ]
    for number, misp_object in enumerate(event.get("Object", [])):
        if not isinstance(misp_object, dict):
            continue
        inner = [
            (f"Event.Object[{number}].Attribute[{index}]", item)
            for index, item in enumerate(misp_object.get("Attribute", []))
            if isinstance(item, dict)
        ]
        if misp_object.get("name") == "coin-address":
            symbol = next(
                (
                    str(item.get("value", "")).lower()
                    for _w, item in inner
                    if item.get("object_relation") == "symbol"
                ),
                "btc",
            )
            for where, item in inner:
                if item.get("object_relation") == "address":
                    found.append((where, {**item, "type": symbol, "to_ids": True}))
        else:
            found.extend(inner)
    return found


def misp_event(event: Mapping[str, Any]) -> tuple[list[object], list[Skipped]]:
    """One MISP event as a STIX report with its indicators, and the attributes left out (and why)."""
    event_uuid = event.get("uuid")
    if not isinstance(event_uuid, str):
        raise ImportFormatError(_("Event.uuid: missing"))
    tags = [str(tag.get("name", "")).lower() for tag in event.get("Tag", []) if isinstance(tag, dict)]
    levels = [TLP_TAGS[tag] for tag in tags if tag in TLP_TAGS]
    markings = [TLP2_MARKING_IDS[levels[-1]]] if levels else []
    created = _timestamp(event.get("date"))
    modified = max(created, _timestamp(event.get("timestamp")))
    indicators: list[dict[str, Any]] = []
    skipped: list[Skipped] = []
    for where, attribute in _attributes(event):
        kind, value = str(attribute.get("type", "")), str(attribute.get("value", ""))
        if not attribute.get("to_ids", False):
            skipped.append(Skipped(where, kind, value, _("to_ids: not marked for detection in MISP")))
            continue
        try:
            found = pattern(kind, value)
        except UnmappedAttributeError as error:
            skipped.append(Skipped(where, kind, value, str(error)))
            continue
        seed = str(attribute.get("uuid") or f"{event_uuid}:{kind}:{value}")
        indicator: dict[str, Any] = {
            "type": "indicator",
            "spec_version": "2.1",
            "id": f"indicator--{uuid.uuid5(MISP_NAMESPACE, seed)}",
            "created": created,
            "modified": modified,
            "name": f"{kind}: {value}",
            "description": str(attribute.get("comment") or attribute.get("category") or ""),
            "pattern": found,
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
    return [*indicators, report], skipped
