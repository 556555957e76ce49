"""TLP 2.0 sharing rules (FIRST TLP 2.0, in STIX 2.1 via the OASIS TLP 2.0 marking definitions).

The OASIS "TLP 2.0" extension (``extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d``)
publishes one ``marking-definition`` per level; an object carries its level in
``object_marking_refs`` (STIX 2.1 §7.2.2). The STIX 2.1 predefined TLP 1.0 definitions (§7.2.1.4)
are read as their TLP 2.0 counterparts (WHITE as CLEAR).

Who may read what on this platform:

* CLEAR — everyone, also anonymous clients (FIRST TLP 2.0: "disclosure is not limited").
* GREEN — every organisation on the platform (the community).
* AMBER — member organisations of the sharing community: exchanges, the SRO and the ISAC
  (not the supervisor, not the operator), plus the publisher and named recipients.
* AMBER+STRICT — the publishing organisation only, unless it names recipients ("shared further").
* RED — the named recipient organisations only (and the publisher, who wrote it).

:func:`may_read` is the rule as a pure function; :func:`visible_clause` is the same rule as SQL,
so that a reader never receives an object (or a manifest entry) its organisation may not see.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, literal, or_, true
from sqlalchemy.orm import InstrumentedAttribute

TLP_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP_CREATED = "2022-10-01T00:00:00.000Z"
MEMBER_KINDS = frozenset({"exchange", "sro", "isac"})


class Tlp(enum.StrEnum):
    """The five TLP 2.0 labels, from least to most restricted."""

    CLEAR = "clear"
    GREEN = "green"
    AMBER = "amber"
    AMBER_STRICT = "amber+strict"
    RED = "red"


TLP2_MARKING_IDS: Mapping[Tlp, str] = {
    Tlp.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    Tlp.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    Tlp.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    Tlp.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    Tlp.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
# STIX 2.1 §7.2.1.4 predefined TLP 1.0 marking definitions.
TLP1_MARKING_IDS: Mapping[str, Tlp] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": Tlp.CLEAR,
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": Tlp.GREEN,
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": Tlp.AMBER,
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": Tlp.RED,
}
LEVEL_BY_MARKING_ID: Mapping[str, Tlp] = {
    **TLP1_MARKING_IDS,
    **{marking: level for level, marking in TLP2_MARKING_IDS.items()},
}
ORDER: tuple[Tlp, ...] = (Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED)


def marking_definition(level: Tlp) -> dict[str, Any]:
    """The OASIS TLP 2.0 ``marking-definition`` object for ``level``, as published by OASIS."""
    name = "TLP:" + level.value.upper()
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP2_MARKING_IDS[level],
        "created": TLP_CREATED,
        "name": name,
        "extensions": {TLP_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": level.value}},
    }


def level_of(stix_object: Mapping[str, Any], default: Tlp) -> Tlp:
    """The most restrictive TLP level among the object's ``object_marking_refs``, else ``default``.

    Several TLP markings on one object are contradictory; taking the strictest never leaks.
    """
    refs = stix_object.get("object_marking_refs")
    if not refs:
        return default
    found = [LEVEL_BY_MARKING_ID[ref] for ref in refs if isinstance(ref, str) and ref in LEVEL_BY_MARKING_ID]
    if not found:
        return default
    return max(found, key=ORDER.index)


@dataclass(frozen=True)
class Reader:
    """Who is reading: an organisation (id and kind) or nobody (anonymous, ``organisation_id=None``)."""

    organisation_id: int | None
    organisation_kind: str | None


ANONYMOUS = Reader(organisation_id=None, organisation_kind=None)


def may_read(level: Tlp, reader: Reader, publisher_id: int | None, recipients: Iterable[int]) -> bool:
    """Whether ``reader`` may receive an object at ``level`` published by ``publisher_id``."""
    if level is Tlp.CLEAR:
        return True
    if reader.organisation_id is None:
        return False
    own = reader.organisation_id == publisher_id or reader.organisation_id in set(recipients)
    if level is Tlp.GREEN:
        return True
    if level is Tlp.AMBER:
        return own or reader.organisation_kind in MEMBER_KINDS
    return own


def encode_recipients(recipients: Iterable[int]) -> str:
    """Recipients as ``,3,7,`` so that one ``LIKE '%,3,%'`` finds a recipient on every backend."""
    ordered = sorted(set(recipients))
    return "," + ",".join(str(item) for item in ordered) + "," if ordered else ""


def decode_recipients(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def visible_clause(
    reader: Reader,
    tlp: InstrumentedAttribute[str],
    publisher: InstrumentedAttribute[int | None],
    recipients: InstrumentedAttribute[str],
) -> ColumnElement[bool]:
    """:func:`may_read` as an SQL condition over the given columns."""
    clear = tlp == Tlp.CLEAR.value
    if reader.organisation_id is None:
        return clear
    own = or_(
        publisher == reader.organisation_id,
        recipients.like(literal(f"%,{reader.organisation_id},%")),
    )
    member = true() if reader.organisation_kind in MEMBER_KINDS else false()
    return or_(
        tlp.in_([Tlp.CLEAR.value, Tlp.GREEN.value]),
        and_(tlp == Tlp.AMBER.value, or_(member, own)),
        and_(tlp.in_([Tlp.AMBER_STRICT.value, Tlp.RED.value]), own),
    )
