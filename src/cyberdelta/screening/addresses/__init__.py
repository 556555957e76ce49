"""One address normaliser per chain (docs/screening.md, "Addresses").

``normalise(chain, text)`` returns the :class:`Address` (its chain, the key it is matched by and
the key space it is matched in) or raises :class:`AddressError` naming what is wrong ("checksum
does not match", "mixed case", …). ``parse`` is the same without the exception, for batch work.
"""

from __future__ import annotations

from cyberdelta.screening.addresses.chains import (
    CHAINS,
    OFAC_CURRENCIES,
    chain_for_currency,
    detect,
    normalise,
    parse,
)
from cyberdelta.screening.addresses.errors import AddressError, Invalid, UnknownChainError
from cyberdelta.screening.addresses.model import Address

__all__ = [
    "CHAINS",
    "OFAC_CURRENCIES",
    "Address",
    "AddressError",
    "Invalid",
    "UnknownChainError",
    "chain_for_currency",
    "detect",
    "normalise",
    "parse",
]
