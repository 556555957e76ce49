"""Live list sources: lists that a capability above screening keeps, read at the moment of a
decision for the deciding organisation (docs/screening.md, "Hub indicators"; docs/architecture.md,
"Extension points").

Screening sits below the intelligence hub and may not import it. It declares here what a live
source is (:class:`LiveSource`); the hub's manifest contributes one under :data:`LIST_SOURCES`
(``Capability.contributions``) and the app hands the contributions to the screening edge. A live
source is read for one organisation, so what it lists may differ per reader (TLP 2.0 in the hub).

A live source has no imported version: its :class:`~cyberdelta.screening.index.ListUsed` carries
version 0 and the time it was read, and each hit names the entry's own id, version and marking
(:class:`LiveHit`), so that a recorded decision shows exactly what the organisation could see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from cyberdelta.screening.index import Hit

# The extension points' names in ``Capability.contributions``: live list sources, and the name of
# the route (a GET form taking ``kind``, ``chain``, ``value`` and ``seen_in``) where a hit can be
# reported as a sighting (the hub's report form).
LIST_SOURCES = "screening.list_sources"
HIT_REPORT_ROUTES = "screening.hit_report_routes"


@dataclass(frozen=True, slots=True)
class LiveHit(Hit):
    """A hit in a live source: ``entry_ref`` is the entry's id (a STIX id for the hub), ``tlp`` its
    marking, ``entry_version`` its version and ``read_at`` when the source was read."""

    tlp: str | None
    entry_version: str | None
    read_at: datetime


@dataclass(frozen=True)
class LiveList:
    """What a live source lists for one organisation at ``read_at``: hits by ``space\\0key``."""

    source: str
    read_at: datetime
    entries: Mapping[str, tuple[LiveHit, ...]]
    # The listed keys without their space, for a first test of each result; a source that keeps its
    # list between reads passes the set it keeps with it.
    keys: frozenset[str] | None = None

    def __len__(self) -> int:
        return len(self.entries)

    def bare_keys(self) -> frozenset[str]:
        if self.keys is not None:
            return self.keys
        return frozenset(flat.split("\0", 1)[1] for flat in self.entries)


class LiveSource(Protocol):
    """A list kept by another capability and read per organisation when screening."""

    @property
    def source(self) -> str:
        """The source's name, as list settings and hits name it (e.g. ``hub-indicators``)."""
        ...

    def read(self, session: Session, organisation_id: int) -> LiveList:
        """What ``organisation_id`` may see of the source now."""
        ...
