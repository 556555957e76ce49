"""The hub's wallet-address indicators as a screening list (docs/screening.md, "Hub indicators").

Contributed to screening's ``screening.list_sources`` extension point by the intel manifest
(:mod:`cyberdelta.screening.sources.live`): when an organisation screens, the hub is read for that
organisation, so each sees exactly the indicators TLP 2.0 lets it see (CLEAR and GREEN; AMBER for
community members; AMBER+STRICT for the publisher and whoever it names; RED for the named
recipients) in the collections it may read. Each address a current indicator names by equality
is normalised with screening's own normalisers, so an EIP-55 spelling in a pattern hits its
lower-case form and a pattern's invalid address is never a silent match of something else.
A hit names the indicator's STIX id, its TLP, its version (``modified``) and when it was read.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from cyberdelta.intel.indicator_patterns import wallets_in
from cyberdelta.intel.known_indicators import current_indicators, readable_collections, reader_of
from cyberdelta.intel.wallet import SCO_TYPE
from cyberdelta.screening.addresses import Invalid, UnknownChainError, parse
from cyberdelta.screening.sources.live import LiveHit, LiveList

SOURCE = "hub-indicators"


class HubIndicators:
    """The live source ``hub-indicators``."""

    source = SOURCE

    def read(self, session: Session, organisation_id: int) -> LiveList:
        read_at = datetime.now(UTC)
        entries: dict[str, tuple[LiveHit, ...]] = {}
        caller = reader_of(session, organisation_id)
        if caller is None:
            return LiveList(SOURCE, read_at, entries)
        collections = readable_collections(session, caller)
        seen: set[tuple[str, str]] = set()
        for found in current_indicators(session, caller.reader, collections, f"{SCO_TYPE}:"):
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
        return LiveList(SOURCE, read_at, entries)
