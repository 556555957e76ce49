"""Plain address lists: one address a line (the chain given), or ``chain,address`` lines with an
optional third field naming the entry; blank lines, lines starting with ``#`` and a
``chain,address`` header are skipped."""

from __future__ import annotations

from cyberdelta.screening.addresses import Invalid, UnknownChainError, parse
from cyberdelta.screening.sources.common import Listed, ParsedList, Problem, as_listed, invalid_problem


def read_lines(data: bytes, chain: str | None) -> ParsedList:
    parsed = ParsedList()
    text = data.decode("utf-8-sig", errors="replace")
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped.lower().startswith("chain,address"):
            continue
        where = f"line {number}"
        fields = [part.strip() for part in stripped.split(",")]
        if chain is not None and len(fields) == 1:
            line_chain, original, name = chain, fields[0], None
        elif len(fields) in (2, 3):
            line_chain, original = fields[0], fields[1]
            name = fields[2] if len(fields) == 3 else None
        else:
            parsed.problems.append(Problem(where, "expected chain,address or one address with --chain"))
            continue
        try:
            found = as_listed(parse(line_chain, original), original)
        except UnknownChainError as error:
            parsed.problems.append(Problem(where, "unknown chain %(chain)r", {"chain": error.chain}))
            continue
        if isinstance(found, Invalid):
            parsed.problems.append(invalid_problem(where, original, found))
            continue
        parsed.listed.append(Listed(found, original, None, name, None))
    return parsed
