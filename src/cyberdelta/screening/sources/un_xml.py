"""The UN Security Council Consolidated List (``consolidated.xml``): ``CONSOLIDATED_LIST``
(``dateGenerated``) with ``INDIVIDUALS/INDIVIDUAL`` and ``ENTITIES/ENTITY``, each with
``DATAID``, ``FIRST_NAME`` … ``FOURTH_NAME``, ``UN_LIST_TYPE`` (the regime), ``REFERENCE_NUMBER``
and free-text ``COMMENTS1``.

The UN list has no address field: addresses are taken from the text of an entry where they are
labelled (``Digital Currency Address - XBT …``) or carry a checksum (docs/screening.md, "UN").
"""

from __future__ import annotations

import io
from datetime import date
from typing import BinaryIO

from defusedxml.ElementTree import iterparse

from cyberdelta.screening.addresses import Invalid
from cyberdelta.screening.sources.common import (
    Listed,
    ParsedList,
    Problem,
    addresses_in_text,
    invalid_problem,
)
from cyberdelta.screening.sources.ofac_xml import local

NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")


def read_un_xml(data: bytes | BinaryIO) -> ParsedList:
    parsed = ParsedList()
    depth = 0
    section = None
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
        if event == "start":
            depth += 1
            if depth == 1:
                if local(element.tag) != "CONSOLIDATED_LIST":
                    parsed.problems.append(Problem("file", "not the UN Security Council consolidated list"))
                    return parsed
                generated = element.get("dateGenerated", "")[:10]
                try:
                    parsed.published_on = date.fromisoformat(generated)
                except ValueError:
                    parsed.published_on = None
            elif depth == 2:
                section = element
            continue
        depth -= 1
        if depth != 2 or local(element.tag) not in ("INDIVIDUAL", "ENTITY"):
            continue
        fields = {local(child.tag): (child.text or "").strip() for child in element}
        ref = fields.get("REFERENCE_NUMBER") or fields.get("DATAID")
        name = " ".join(fields[part] for part in NAME_PARTS if fields.get(part)) or None
        section_name = local(section.tag) if section is not None else ""
        where = f"/CONSOLIDATED_LIST/{section_name}/{local(element.tag)}[DATAID='{fields.get('DATAID', '')}']"
        text = "\n".join(t for t in element.itertext() if t.strip())
        for original, found in addresses_in_text(text, where):
            if isinstance(found, Invalid):
                parsed.problems.append(invalid_problem(where, original, found))
                continue
            parsed.listed.append(Listed(found, original, ref, name, fields.get("UN_LIST_TYPE") or None))
        if section is not None:
            section.remove(element)
    return parsed
