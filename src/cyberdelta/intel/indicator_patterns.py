"""What an indicator's STIX pattern names: wallet addresses and domain names (STIX 2.1 §9).

The hub reads patterns for two purposes: screening against the wallet addresses its indicators
name (docs/screening.md, "Hub indicators") and finding the indicator a new report repeats, so that
the report becomes a sighting of it (docs/intel.md, "Sightings"). Only plain equality comparisons
are read (``[x-crypto-wallet-address:chain = 'ethereum' AND x-crypto-wallet-address:address =
'0x…']``, in either order, and observation expressions joined by ``OR``); a pattern that says
anything else about an address (``LIKE``, ``MATCHES``, ``!=``) names no address here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cyberdelta.intel.wallet import SCO_TYPE

# A STIX string literal (§9.3): quotes and backslashes escaped with a backslash.
_LITERAL = r"'((?:[^'\\]|\\.)*)'"
_COMPARISON = re.compile(r"([a-z0-9-]+):([a-z0-9_.]+)\s*=\s*" + _LITERAL)
_OBSERVATION = re.compile(r"\[([^\[\]]*)\]")
_UNSUPPORTED = re.compile(r"!=|\bLIKE\b|\bMATCHES\b|\bNOT\b|<|>|\bIN\b|\bISSUBSET\b|\bISSUPERSET\b")


@dataclass(frozen=True)
class WalletInPattern:
    """A wallet address an indicator names; ``chain`` is None when the pattern does not say."""

    chain: str | None
    address: str


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _groups(pattern: str) -> list[list[tuple[str, str, str]]]:
    """The AND-joined equality comparisons of each observation expression (``[...]``)."""
    found: list[list[tuple[str, str, str]]] = []
    for observation in _OBSERVATION.findall(pattern):
        for alternative in re.split(r"\bOR\b", observation):
            if _UNSUPPORTED.search(re.sub(_LITERAL, "''", alternative)):
                continue
            comparisons = [
                (sco, prop, _unescape(value)) for sco, prop, value in _COMPARISON.findall(alternative)
            ]
            if comparisons:
                found.append(comparisons)
    return found


def wallets_in(pattern: str) -> list[WalletInPattern]:
    """The wallet addresses (``x-crypto-wallet-address``) a pattern names by equality."""
    wallets: list[WalletInPattern] = []
    for comparisons in _groups(pattern):
        values = {prop: value for sco, prop, value in comparisons if sco == SCO_TYPE}
        address = values.get("address")
        if address:
            chain = values.get("chain")
            wallets.append(WalletInPattern(chain.strip().lower() if chain else None, address.strip()))
    return wallets


def domains_in(pattern: str) -> list[str]:
    """The domain names (``domain-name:value``) a pattern names by equality, in lower case."""
    return [
        value.strip().lower().rstrip(".")
        for comparisons in _groups(pattern)
        for sco, prop, value in comparisons
        if sco == "domain-name" and prop == "value"
    ]
