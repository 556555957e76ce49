"""What every list reader yields: listed addresses, the problems of skipped entries, the date the
file says it was published; and addresses found in free text (remarks, comments, notes)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cyberdelta.platform.i18n import gettext
from cyberdelta.screening.addresses import OFAC_CURRENCIES, Address, Invalid, chain_for_currency, detect
from cyberdelta.screening.addresses.chains import parse, parse_any


@dataclass(frozen=True)
class Listed:
    """One listed address of one list entry."""

    address: Address
    original: str
    entry_ref: str | None
    entry_name: str | None
    programme: str | None


@dataclass(frozen=True)
class Problem:
    """A skipped entry: ``where`` is a line (``line 12``) or an XPath."""

    where: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self) -> str:
        params = {k: v.render() if isinstance(v, Invalid) else v for k, v in self.params.items()}
        return f"{self.where}: {gettext(self.message, **params)}"


@dataclass
class ParsedList:
    listed: list[Listed] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    published_on: date | None = None


def invalid_problem(where: str, original: str, invalid: Invalid) -> Problem:
    return Problem(
        where,
        "%(address)r is not a valid address: %(reason)s",
        {"address": original, "reason": invalid},
    )


EIP55_MISMATCH = "eip55-mismatch"


def as_listed(found: Address | Invalid, original: str) -> Address | Invalid:
    """A listed EVM address whose EIP-55 checksum does not match is still the account its hex
    digits name (the case carries only the checksum): it is kept, in lower case, with the kind
    ``eip55-mismatch`` so that the import reports it. Screening input gets no such leniency."""
    if isinstance(found, Invalid) and found.reason == "eip55" and found.chain is not None:
        lower = parse(found.chain, original.lower())
        if isinstance(lower, Address):
            return lower._replace(kind=EIP55_MISMATCH)
    return found


def listed_currency(code: str, original: str) -> Address | Invalid:
    """The address of an OFAC-style ``Digital Currency Address - CODE`` value."""
    return as_listed(parse_any(chain_for_currency(code), original), original)


# "Digital Currency Address - XBT 1…" as OFAC writes it, and the Japanese renderings of the label.
LABELLED = re.compile(
    r"(?:Digital\s+Currency\s+Address|デジタル通貨アドレス|暗号資産アドレス)\s*[-－–—:：]\s*"
    r"([A-Za-z0-9]{2,6})\s*[:：]?\s*([A-Za-z0-9:]{16,256})"
)
# A known currency code right before an address ("… XBT 1…、ETH 0x…"), as the lists write a
# second address after a labelled one.
CODED = re.compile(
    r"(?<![A-Za-z0-9])(" + "|".join(sorted(OFAC_CURRENCIES, key=len, reverse=True)) + r")\s*[:：]?\s*"
    r"([A-Za-z0-9:]{26,256})"
)
TOKEN = re.compile(r"[A-Za-z0-9:]{26,256}")


def addresses_in_text(text: str, where: str) -> Iterator[tuple[str, Address | Invalid]]:
    """Addresses in free text: each labelled one (``Digital Currency Address - XBT …``, or a
    currency code of the OFAC list right before it, ``ETH 0x…``) as valid or invalid, and any
    other token that is a valid address with a checksum (Base58Check, Bech32, CashAddr, EIP-55,
    Monero). Unlabelled Solana keys and all-lower-case hex are not taken: without
    a checksum a word or a hash would pass for an address."""
    taken: list[tuple[int, int]] = []
    for match in LABELLED.finditer(text):
        taken.append(match.span(2))
        yield match.group(2), listed_currency(match.group(1), match.group(2))
    for match in CODED.finditer(text):
        if any(start <= match.start(2) < end for start, end in taken):
            continue
        taken.append(match.span(2))
        yield match.group(2), listed_currency(match.group(1), match.group(2))
    for match in TOKEN.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        found = detect(match.group(0))
        if isinstance(found, Address) and _has_checksum(found):
            yield match.group(0), found


def _has_checksum(address: Address) -> bool:
    return address.chain != "solana" and address.kind not in ("hex", "unvalidated")
