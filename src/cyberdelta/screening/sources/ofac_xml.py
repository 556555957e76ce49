"""OFAC's ``SDN_ADVANCED.XML`` (the Advanced Sanctions Data Model, OFAC "Explanatory
Documentation for Advanced Sanctions Data Model format"), and the legacy ``SDN.XML``, read as a
stream.

``ReferenceValueSets/FeatureTypeValues/FeatureType`` names the feature types, among them
``Digital Currency Address - XBT`` and the other currencies; each ``DistinctParty`` has a
``Profile`` with its ``Identity`` (primary alias, name parts) and ``Feature`` elements whose
``FeatureVersion/VersionDetail`` holds the address; ``SanctionsEntries/SanctionsEntry`` gives a
profile's programmes as ``SanctionsMeasure`` elements of the ``Program`` sanctions type.

The file is parsed with ``iterparse`` and every finished party or entry is dropped from the tree,
so memory stays flat however large the file; namespaces are ignored (OFAC has published the
model under more than one).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import iterparse

from cyberdelta.screening.addresses import Invalid
from cyberdelta.screening.sources.common import Listed, ParsedList, Problem, invalid_problem, listed_currency

FEATURE_PREFIX = "Digital Currency Address - "
# The top-level sections whose items are dropped once read.
SECTIONS = frozenset(
    {"Locations", "IDRegDocuments", "DistinctParties", "ProfileRelationships", "SanctionsEntries"}
)


def local(tag: str) -> str:
    return tag.rpartition("}")[2]


def children(element: Element, name: str) -> Iterator[Element]:
    return (child for child in element if local(child.tag) == name)


def descendants(element: Element, name: str) -> Iterator[Element]:
    return (child for child in element.iter() if local(child.tag) == name)


@dataclass
class _State:
    currencies: dict[str, str] = field(default_factory=dict)  # FeatureTypeID → currency code
    program_types: set[str] = field(default_factory=set)
    pending: list[tuple[str, Listed]] = field(default_factory=list)  # (profile id, entry)
    programmes: dict[str, list[str]] = field(default_factory=dict)
    recognised: bool = False


def read_sdn_advanced(data: bytes | BinaryIO) -> ParsedList:
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    parsed = ParsedList()
    state = _State()
    stack: list[Element] = []
    wanted_profiles: set[str] = set()
    for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
        if event == "start":
            stack.append(element)
            continue
        stack.pop()
        name = local(element.tag)
        if name == "FeatureType" and (element.text or "").startswith(FEATURE_PREFIX):
            state.currencies[element.get("ID", "")] = (element.text or "")[len(FEATURE_PREFIX) :].strip()
        elif name == "SanctionsType" and (element.text or "").strip() == "Program":
            state.program_types.add(element.get("ID", ""))
        elif name == "DateOfIssue" and len(stack) == 1:
            parsed.published_on = _date(element)
        elif name == "DistinctParty":
            _party(element, state, parsed, wanted_profiles)
        elif name == "SanctionsEntry":
            profile = element.get("ProfileID", "")
            if profile in wanted_profiles:
                state.programmes.setdefault(profile, []).extend(
                    [
                        " ".join(
                            text.strip()
                            for comment in children(measure, "Comment")
                            for text in comment.itertext()
                        )
                        for measure in descendants(element, "SanctionsMeasure")
                        if measure.get("SanctionsTypeID") in state.program_types
                    ]
                )
        elif name == "sdnEntry":
            _legacy_entry(element, parsed)
        elif name == "Publish_Date" and parsed.published_on is None:
            parsed.published_on = _us_date(element.text or "")
        if len(stack) == 1 and name in ("DistinctParties", "sdnEntry"):
            state.recognised = True
        if len(stack) == 2 and local(stack[1].tag) in SECTIONS:  # a finished party, entry, location…
            stack[1].remove(element)
        elif len(stack) == 1 and name == "sdnEntry":
            stack[0].remove(element)
    if not state.recognised and not state.currencies:
        parsed.problems.append(Problem("file", "neither SDN_ADVANCED.XML nor SDN.XML of OFAC"))
    for profile, entry in state.pending:
        programmes = list(dict.fromkeys(p for p in state.programmes.get(profile, []) if p))
        parsed.listed.append(
            Listed(
                entry.address,
                entry.original,
                entry.entry_ref,
                entry.entry_name,
                "; ".join(programmes) or None,
            )
        )
    return parsed


def _legacy_entry(entry: Element, parsed: ParsedList) -> None:
    """An ``sdnEntry`` of the legacy SDN.XML: ``idList/id`` with ``idType`` ``Digital Currency
    Address - XBT`` and the address in ``idNumber``; ``programList/program``; the name in
    ``firstName``/``lastName``."""
    fields = {local(child.tag): child for child in entry}
    uid = (fields["uid"].text or "").strip() if "uid" in fields else ""
    name = " ".join(
        (fields[part].text or "").strip() for part in ("firstName", "lastName") if part in fields
    ).strip()
    programmes = [
        (program.text or "").strip()
        for program in descendants(entry, "program")
        if (program.text or "").strip()
    ]
    for identifier in descendants(entry, "id"):
        parts = {local(child.tag): (child.text or "").strip() for child in identifier}
        kind = parts.get("idType", "")
        if not kind.startswith(FEATURE_PREFIX):
            continue
        original = parts.get("idNumber", "")
        where = f"/sdnList/sdnEntry[uid='{uid}']/idList/id[uid='{parts.get('uid', '')}']"
        found = listed_currency(kind[len(FEATURE_PREFIX) :].strip(), original)
        if isinstance(found, Invalid):
            parsed.problems.append(invalid_problem(where, original, found))
            continue
        parsed.listed.append(
            Listed(found, original, uid or None, name or None, "; ".join(programmes) or None)
        )


def _us_date(text: str) -> date | None:
    """SDN.XML's ``Publish_Date``, written MM/DD/YYYY."""
    try:
        month, day, year = (int(part) for part in text.strip().split("/"))
        return date(year, month, day)
    except ValueError:
        return None


def _date(element: Element) -> date | None:
    try:
        parts = [int(element.findtext(f"./{{*}}{name}") or "") for name in ("Year", "Month", "Day")]
        return date(parts[0], parts[1], parts[2])
    except ValueError:
        return None


def _party(party: Element, state: _State, parsed: ParsedList, wanted: set[str]) -> None:
    fixed_ref = party.get("FixedRef", "")
    for profile in [*children(party, "Profile")] or [party]:
        profile_id = profile.get("ID") or fixed_ref
        name = _primary_name(profile)
        features = list(descendants(profile, "Feature"))
        if profile is not party:
            features += children(party, "Feature")  # some publications put features beside the profile
        for feature in features:
            code = state.currencies.get(feature.get("FeatureTypeID", ""))
            if code is None:
                continue
            where = (
                f"/Sanctions/DistinctParties/DistinctParty[@FixedRef='{fixed_ref}']"
                f"/Profile[@ID='{profile_id}']/Feature[@ID='{feature.get('ID', '')}']"
            )
            for detail in descendants(feature, "VersionDetail"):
                original = (detail.text or "").strip()
                found = listed_currency(code, original)
                if isinstance(found, Invalid):
                    parsed.problems.append(invalid_problem(where, original, found))
                    continue
                wanted.add(profile_id)
                state.pending.append(
                    (profile_id, Listed(found, original, fixed_ref or profile_id, name, None))
                )


def _primary_name(profile: Element) -> str | None:
    aliases = list(descendants(profile, "Alias"))
    primary = next((a for a in aliases if a.get("Primary") == "true"), aliases[0] if aliases else None)
    if primary is None:
        return None
    parts = [(value.text or "").strip() for value in descendants(primary, "NamePartValue")]
    return " ".join(part for part in parts if part) or None
