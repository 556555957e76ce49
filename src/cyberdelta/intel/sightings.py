"""Reporting an observed wallet address or domain to the hub: a sighting of the indicator the hub
already holds, not a duplicate (docs/intel.md, "Sightings").

STIX 2.1 §5.2: a ``sighting`` says that its ``where_sighted_refs`` saw what ``sighting_of_ref``
names, ``count`` times between ``first_seen`` and ``last_seen``. STIX 2.1 §3.6 and the hub's
ownership rule (:mod:`~cyberdelta.intel.ownership`) leave another organisation's indicator to its
owner: a member adds its view as its own object. So a report of an address or domain that an
indicator the reporter may read already names (:mod:`~cyberdelta.intel.known_indicators`)
becomes a sighting of that indicator, owned by the reporter and under the TLP it chooses; the
sighting is never less restricted than the indicator it names (it carries the indicator's name).
Otherwise the report publishes the observable and a new indicator, with a sighting when the
reporter says where it saw it (screening hits and signing blocks always do).

Only indicators the reporter may read are looked for: whether an invisible one exists changes
nothing in the answer (docs/intel.md, "No oracles"). Each report is one publication
(``intel.publish``) and one ``intel.sighting_reported`` entry naming the indicator, the sighting,
whether the indicator was known and where the report came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from cyberdelta.intel.caller import Caller
from cyberdelta.intel.forms import DOMAIN, FormError, quick_report, sighting
from cyberdelta.intel.indicator_patterns import domains_in, wallets_in
from cyberdelta.intel.known_indicators import KnownIndicator, current_indicators, readable_collections
from cyberdelta.intel.models import IntelCollection, IntelStatus
from cyberdelta.intel.publishing import identity, isac, publish
from cyberdelta.intel.tlp import ORDER, Tlp
from cyberdelta.intel.validation import problem
from cyberdelta.intel.wallet import WalletAddressError, normalise
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.tenancy.models import Organisation

ORIGINS = ("hub-form", "hub-api", "screening", "signing")


@dataclass(frozen=True)
class Observation:
    """What a reporter saw: a wallet address on a chain (``kind="address"``) or a domain."""

    kind: str
    value: str
    tlp: Tlp
    chain: str = ""
    note: str = ""
    seen_in: str = ""
    first_seen: str = ""
    count: str = "1"


@dataclass(frozen=True)
class SightingReport:
    indicator_id: str
    sighting_id: str | None
    known: bool  # the hub already held an indicator the reporter may read
    tlp: Tlp  # of the sighting (or of the new indicator, when no sighting was made)
    status: IntelStatus


def _names(indicator: KnownIndicator, kind: str, chain: str, value: str) -> bool:
    if kind == "domain":
        return value in domains_in(indicator.pattern)
    for wallet in wallets_in(indicator.pattern):
        if wallet.chain is not None and wallet.chain != chain:
            continue
        try:
            if normalise(chain, wallet.address) == (chain, value):
                return True
        except WalletAddressError:
            continue
    return False


def _canonical(observation: Observation) -> tuple[str, str]:
    """(chain, value) as the hub stores them; a value that does not fit is a FormError."""
    if observation.kind == "address":
        try:
            return normalise(observation.chain, observation.value)
        except WalletAddressError as error:
            field, _sep, reason = str(error).partition(": ")
            raise FormError("value" if field == "address" else field, reason) from None
    if observation.kind == "domain":
        domain = observation.value.strip().lower().rstrip(".")
        if DOMAIN.match(domain) is None:
            raise FormError("value", f"{observation.value!r} is not a domain name")
        return "", domain
    raise FormError("kind", "choose a wallet address or a phishing domain")


def known_indicator(session: Session, caller: Caller, observation: Observation) -> KnownIndicator | None:
    """The newest current indicator ``caller`` may read that names what was observed, if any."""
    chain, value = _canonical(observation)
    collections = readable_collections(session, caller)
    for found in current_indicators(session, caller.reader, collections, value):
        if _names(found, observation.kind, chain, value):
            return found
    return None


def _author(session: Session, caller: Caller, *, anonymous: bool) -> Organisation:
    author = isac(session) if anonymous else session.get(Organisation, caller.organisation_id or 0)
    if author is None:
        raise FormError("anonymous", _("no ISAC is registered to publish for you"))
    return author


def _stricter(chosen: Tlp, other: str) -> Tlp:
    level = Tlp(other) if other in {item.value for item in Tlp} else Tlp.RED
    return max(chosen, level, key=ORDER.index)


def report(
    session: Session,
    caller: Caller,
    collection: IntelCollection,
    observation: Observation,
    *,
    actor: Actor,
    anonymous: bool = False,
    origin: str = "hub-form",
) -> SightingReport:
    """Publish ``observation`` to ``collection`` for ``caller``: a sighting of the indicator the
    hub already holds for it, else a new indicator (with a sighting when ``seen_in`` is given).
    All objects are checked before anything is written; nothing is stored when one is refused."""
    if origin not in ORIGINS:
        raise ValueError(f"origin: one of {ORIGINS}")
    known = known_indicator(session, caller, observation)
    objects: list[dict[str, Any]]
    if known is not None:
        level = _stricter(observation.tlp, known.tlp)
        where = identity(_author(session, caller, anonymous=anonymous))
        seen = sighting(
            known.content, observation.seen_in, observation.first_seen, observation.count, where, level
        )
        objects = [where, seen]
        indicator_id = known.stix_id
    else:
        level = observation.tlp
        objects = quick_report(
            observation.kind, observation.chain, observation.value, level, observation.note
        )
        indicator_id = objects[1]["id"]
        seen = None
        if observation.seen_in:
            where = identity(_author(session, caller, anonymous=anonymous))
            seen = sighting(
                objects[1], observation.seen_in, observation.first_seen, observation.count, where, level
            )
            objects += [where, seen]
    if anonymous:
        _author(session, caller, anonymous=True)
    _check(objects)
    status = publish(
        session,
        caller,
        collection,
        objects,
        actor=actor,
        anonymous=anonymous,
    )
    sighting_id = seen["id"] if seen is not None else None
    audit(
        session,
        actor,
        "intel.sighting_reported",
        object_type="intel_status",
        object_id=status.id,
        details={
            "collection": collection.id,
            "indicator": indicator_id,
            "sighting": sighting_id,
            "known": known is not None,
            "tlp": level.value,
            "origin": origin,
            "seen_in": observation.seen_in,
            "kind": observation.kind,
        },
    )
    return SightingReport(indicator_id, sighting_id, known is not None, level, status)


def _check(objects: Sequence[dict[str, Any]]) -> None:
    for stix_object in objects:
        found = problem(stix_object)
        if found is not None:
            raise FormError("value", found)
