"""OFAC's ``sdn.csv`` (OFAC SDN data specification): no header; ent_num, SDN_Name, SDN_Type,
Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks; ``-0-`` is
null. Addresses are in the remarks as ``Digital Currency Address - XBT 1…;``; programmes are
written ``CYBER2] [DPRK3``."""

from __future__ import annotations

import csv
import io

from cyberdelta.screening.addresses import Invalid
from cyberdelta.screening.sources.common import (
    LABELLED,
    Listed,
    ParsedList,
    Problem,
    invalid_problem,
    listed_currency,
)

COLUMNS = 12
NULL = "-0-"


def _value(cell: str) -> str | None:
    stripped = cell.strip()
    return None if stripped in ("", NULL) else stripped


def read_sdn_csv(data: bytes) -> ParsedList:
    parsed = ParsedList()
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig", errors="replace"), newline=""))
    for row in reader:
        where = f"line {reader.line_num}"
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != COLUMNS:
            parsed.problems.append(
                Problem(
                    where,
                    "expected %(expected)s columns, found %(found)s",
                    {"expected": COLUMNS, "found": len(row)},
                )
            )
            continue
        remarks = _value(row[11]) or ""
        if "Digital Currency Address" not in remarks:
            continue
        ref, name = _value(row[0]), _value(row[1])
        programme = "; ".join(p.strip(" []") for p in (_value(row[3]) or "").split("] [")) or None
        for match in LABELLED.finditer(remarks):
            original = match.group(2).rstrip(".")
            found = listed_currency(match.group(1), original)
            if isinstance(found, Invalid):
                parsed.problems.append(invalid_problem(where, original, found))
                continue
            parsed.listed.append(Listed(found, original, ref, name, programme))
    return parsed
