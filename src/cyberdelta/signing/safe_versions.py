"""The Safe contract versions and the EIP-712 layout each one signs (docs/signing.md, "Safe versions").

Read from the contracts of ``safe-global/safe-smart-account`` at each release tag:

- 0.1.0: ``EIP712Domain(address verifyingContract)`` and a ``SafeTx`` whose fifth gas field is
  ``dataGas``;
- 1.0.0 to 1.2.0: the same domain, the field renamed ``baseGas`` (so the type hash changed);
- 1.3.0 and later (1.3.0, 1.4.0, 1.4.1, 1.5.0, each also as an ``+L2`` build): the domain gained the
  chain id, ``EIP712Domain(uint256 chainId,address verifyingContract)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from cyberdelta.signing.errors import SigningInputError
from cyberdelta.signing.text import bilingual as _

KNOWN_VERSIONS: tuple[str, ...] = (
    "0.1.0",
    "1.0.0",
    "1.1.0",
    "1.1.1",
    "1.2.0",
    "1.3.0",
    "1.4.0",
    "1.4.1",
    "1.5.0",
)
GasField = Literal["dataGas", "baseGas"]

DOMAIN_WITH_CHAIN_ID = "EIP712Domain(uint256 chainId,address verifyingContract)"
DOMAIN_WITHOUT_CHAIN_ID = "EIP712Domain(address verifyingContract)"


def safe_tx_type(gas_field: GasField) -> str:
    return (
        "SafeTx(address to,uint256 value,bytes data,uint8 operation,uint256 safeTxGas,"
        f"uint256 {gas_field},uint256 gasPrice,address gasToken,address refundReceiver,uint256 nonce)"
    )


@dataclass(frozen=True)
class Layout:
    """What the hashes depend on: whether the domain has the chain id and the gas field's name."""

    domain_has_chain_id: bool
    gas_field: GasField

    @property
    def domain_type(self) -> str:
        return DOMAIN_WITH_CHAIN_ID if self.domain_has_chain_id else DOMAIN_WITHOUT_CHAIN_ID

    @property
    def message_type(self) -> str:
        return safe_tx_type(self.gas_field)


@dataclass(frozen=True)
class SafeVersion:
    number: tuple[int, int, int]
    l2: bool

    @property
    def text(self) -> str:
        return ".".join(str(part) for part in self.number) + ("+L2" if self.l2 else "")

    @property
    def layout(self) -> Layout:
        return Layout(
            domain_has_chain_id=self.number >= (1, 3, 0),
            gas_field="baseGas" if self.number >= (1, 0, 0) else "dataGas",
        )


def parse_version(value: object, where: str) -> SafeVersion:
    """``1.3.0``, ``1.3.0+L2`` (the Transaction Service's spelling), ``v1.4.1`` or ``1.4.1-L2``."""
    match = (
        re.fullmatch(r"v?(\d+)\.(\d+)\.(\d+)(?:[+-](L2))?", value.strip(), re.IGNORECASE)
        if isinstance(value, str)
        else None
    )
    if match is None or ".".join(match.group(1, 2, 3)) not in KNOWN_VERSIONS:
        raise SigningInputError(
            where,
            _(
                "%(value)s is not a Safe version; known versions: %(known)s",
                value=value,
                known=", ".join(KNOWN_VERSIONS),
            ),
        )
    major, minor, patch = (int(part) for part in match.group(1, 2, 3))
    return SafeVersion((major, minor, patch), l2=match.group(4) is not None)
