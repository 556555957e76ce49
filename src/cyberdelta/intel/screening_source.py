"""The hub's wallet-address indicators as a screening list (docs/screening.md, "Hub indicators").

Contributed to screening's ``screening.list_sources`` extension point by the intel manifest
(:mod:`cyberdelta.screening.sources.live`): when an organisation screens, the hub is read for that
organisation, so each sees exactly the indicators TLP 2.0 lets it see (CLEAR and GREEN; AMBER for
community members; AMBER+STRICT for the publisher and whoever it names; RED for the named
recipients) in the collections it may read. Each address a current indicator names by equality
is normalised with screening's own normalisers, so an EIP-55 spelling in a pattern hits its
lower-case form and a pattern's invalid address is never a silent match of something else.
A hit names the indicator's STIX id, its TLP, its version (``modified``) and when it was read.

Parsing every wallet indicator's JSON for each decision would cost more than the decision itself,
so what an organisation may see is kept, per database, organisation (and its kind) and readable
collections, while the hub's content for those collections is unchanged: a fingerprint (the
newest ``date_added`` in them and the last audited deletion, two index lookups) is compared on
every read, and the kept entries expire at the earliest ``valid_until`` among them. A new
version (a revocation, a new marking), a deletion, a new grant or a changed organisation kind
therefore takes effect on the next decision. The list's ``read_at`` is when that check was made;
a hit's ``read_at`` is when its indicator was read from the hub.
"""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cyberdelta.intel.indicator_patterns import wallets_in
from cyberdelta.intel.known_indicators import current_indicators, readable_collections, reader_of
from cyberdelta.intel.models import IntelObject
from cyberdelta.intel.timestamps import TimestampError, now_us, parse_us
from cyberdelta.intel.tlp import Reader
from cyberdelta.intel.wallet import SCO_TYPE
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.screening.addresses import Invalid, UnknownChainError, parse
from cyberdelta.screening.sources.live import LiveHit, LiveList

SOURCE = "hub-indicators"
NEVER = 2**63 - 1

CacheKey = tuple[str, int, str | None, tuple[str, ...]]
Fingerprint = tuple[int, int]
_cache: dict[CacheKey, tuple[Fingerprint, int, LiveList]] = {}
_lock = threading.Lock()


def _fingerprint(session: Session, collections: list[str]) -> Fingerprint:
    """Changes whenever an object is stored in the collections (``date_added`` only grows, per
    collection: :func:`cyberdelta.intel.store.lock_collection`) or any object is deleted (each
    TAXII delete is audited as ``intel.object_deleted`` in its own transaction). Both are index
    lookups, whatever the size of the hub; a count of the rows was a scan."""
    newest = (
        session.scalar(
            select(func.max(IntelObject.date_added_us)).where(IntelObject.collection_id.in_(collections))
        )
        if collections
        else None
    )
    deleted = session.scalar(
        select(func.max(AuditEntry.id)).where(AuditEntry.action == "intel.object_deleted")
    )
    return (int(newest or 0), int(deleted or 0))


class HubIndicators:
    """The live source ``hub-indicators``."""

    source = SOURCE

    def read(self, session: Session, organisation_id: int) -> LiveList:
        read_at = datetime.now(UTC)
        caller = reader_of(session, organisation_id)
        if caller is None:
            return LiveList(SOURCE, read_at, {})
        collections = readable_collections(session, caller)
        key: CacheKey = (
            str(session.get_bind().engine.url),
            organisation_id,
            caller.reader.organisation_kind,
            tuple(collections),
        )
        fingerprint = _fingerprint(session, collections)
        with _lock:
            kept = _cache.get(key)
        if kept is not None and kept[0] == fingerprint and now_us() < kept[1]:
            return dataclasses.replace(kept[2], read_at=read_at)
        entries, expires = _entries(session, caller.reader, collections, read_at)
        found = LiveList(SOURCE, read_at, entries)
        found = dataclasses.replace(found, keys=found.bare_keys())
        with _lock:
            for old in [k for k in _cache if k[:2] == key[:2]]:
                del _cache[old]
            _cache[key] = (fingerprint, expires, found)
        return found


def _expiry(value: object) -> int:
    try:
        return parse_us(value) if value is not None else NEVER
    except TimestampError:
        return NEVER


def _entries(
    session: Session, reader: Reader, collections: list[str], read_at: datetime
) -> tuple[dict[str, tuple[LiveHit, ...]], int]:
    """The wallet addresses of the current indicators ``reader`` may see, by ``space\\0key``, and
    when the earliest of them expires."""
    entries: dict[str, tuple[LiveHit, ...]] = {}
    expires = NEVER
    seen: set[tuple[str, str]] = set()
    for found in current_indicators(session, reader, collections, f"{SCO_TYPE}:"):
        expires = min(expires, _expiry(found.content.get("valid_until")))
        name = found.content.get("name")
        for wallet in wallets_in(found.pattern):
            try:
                address = parse(wallet.chain, wallet.address)
            except UnknownChainError:
                continue
            if isinstance(address, Invalid):
                continue
            flat = address.space + "\0" + address.key
            if (flat, found.stix_id) in seen:
                continue
            seen.add((flat, found.stix_id))
            hit = LiveHit(
                SOURCE,
                0,
                found.stix_id,
                name if isinstance(name, str) else None,
                None,
                wallet.address,
                found.tlp,
                found.version,
                read_at,
            )
            entries[flat] = (*entries.get(flat, ()), hit)
    return entries, expires
