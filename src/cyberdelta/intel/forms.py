"""STIX objects built from the hub's two forms: a quick report and a lesson learned (docs/intel.md).

A quick report of a malicious wallet address gives the ``x-crypto-wallet-address`` observable and an
indicator whose STIX pattern (§9) matches it; a phishing domain gives a ``domain-name`` observable
(§6.4, id from its ``value``) and an indicator. When the reporter saw it themselves ("in a withdrawal
request"), a ``sighting`` (§5.2) of that indicator names the reporter's identity in
``where_sighted_refs``. A lesson learned is a STIX ``report`` (§4.16).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from cyberdelta.intel.timestamps import format_us, now_us
from cyberdelta.intel.tlp import TLP2_MARKING_IDS, Tlp
from cyberdelta.intel.wallet import STIX_SCO_NAMESPACE, WalletAddressError, address_pattern, wallet_address
from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext as _

DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$")
MAX_NOTE = 4000
MAX_COUNT = 999_999_999  # STIX 2.1 §5.2: count is at most 999,999,999
# Where the reporter saw the indicator; the English text becomes the sighting's description.
SEEN_IN: Mapping[str, str] = {
    "withdrawal-request": "Seen in a withdrawal request",
    "deposit": "Seen as the source of a deposit",
    "phishing-mail": "Seen in a phishing e-mail",
    "website": "Seen on a website or social media",
    "screening": "Found by address screening",
    "signing-block": "Blocked by the signing guard",
}


class FormError(DomainError, ValueError):
    """A form field that cannot be used; ``field`` names it for the page."""

    status = 422

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class UnknownCollectionError(FormError):
    """A collection that does not exist or that the caller may not publish to: one answer for both
    (404), so that the answer does not tell which (docs/intel.md, "No oracles")."""

    status = 404


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


def _first_seen(text: str, today: date) -> date:
    if not text.strip():
        return today
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise FormError("first_seen", _("%(value)s is not a date (YYYY-MM-DD)", value=repr(text))) from None
    if day > today:
        raise FormError("first_seen", _("must not be in the future"))
    return day


def _count(text: str) -> int:
    try:
        number = int(text.strip() or "1")
    except ValueError:
        raise FormError("count", _("%(value)s is not a whole number", value=repr(text))) from None
    if not 1 <= number <= MAX_COUNT:
        raise FormError("count", _("must be between 1 and %(max)s", max=MAX_COUNT))
    return number


def sighting(
    indicator: Mapping[str, Any],
    seen_in: str,
    first_seen: str,
    count: str,
    where: Mapping[str, Any],
    tlp: Tlp,
) -> dict[str, Any]:
    """STIX 2.1 §5.2 sighting of ``indicator`` seen ``count`` times since ``first_seen`` at ``where``.

    ``where`` is the identity of the reporter (the ISAC's when published anonymously); it goes into
    ``where_sighted_refs`` and ``created_by_ref``. ``last_seen`` is now, so ``first_seen <=
    last_seen`` always holds. An empty ``seen_in`` (a known indicator reported again without saying
    where) makes a sighting without ``x_cyberdelta_seen_in``.
    """
    if seen_in and seen_in not in SEEN_IN:
        raise FormError("seen_in", _("choose where you saw it"))
    now = now_us()
    today = datetime.fromtimestamp(now / 1_000_000, UTC).date()
    first = _first_seen(first_seen, today)
    stamp = format_us(now)
    found: dict[str, Any] = {
        "type": "sighting",
        "spec_version": "2.1",
        "id": f"sighting--{uuid.uuid4()}",
        "created_by_ref": where["id"],
        "created": stamp,
        "modified": stamp,
        "description": f"{SEEN_IN.get(seen_in, 'Sighted')}: {indicator.get('name', indicator['id'])}",
        "first_seen": f"{first.isoformat()}T00:00:00.000Z",
        "last_seen": stamp,
        "count": _count(count),
        "sighting_of_ref": indicator["id"],
        "where_sighted_refs": [where["id"]],
    }
    if seen_in:
        found["x_cyberdelta_seen_in"] = seen_in
    return _marked(found, tlp)
