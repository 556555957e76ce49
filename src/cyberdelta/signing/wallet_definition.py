"""A registered wallet's definition (docs/signing.md, "In the platform"): the Safe (address, chain id,
version, owners, threshold) or the Bitcoin keys (network, descriptors, xpubs), and the firm's policy
for it — the same policy document ``cyberdelta sign-check --policy`` reads ("Policy file"), checked by
:func:`cyberdelta.signing.policy.load_policy`. A bad field is reported with its JSON path.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from cyberdelta.signing.errors import SigningInputError
from cyberdelta.signing.ethereum import parse_address
from cyberdelta.signing.policy import BitcoinPolicy, Policy, _validated, load_policy
from cyberdelta.signing.psbt_review import load_descriptors
from cyberdelta.signing.safe_versions import SafeVersion, parse_version
from cyberdelta.signing.text import bilingual as _

WHAT = "wallet"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SafeWallet(_Strict):
    address: StrictStr
    chain_id: StrictInt = Field(ge=1, le=2**64 - 1)  # EIP-155 chain ids fit in 64 bits in practice
    version: StrictStr
    owners: list[StrictStr] = Field(min_length=1, max_length=100)
    threshold: StrictInt = Field(ge=1)


class BitcoinWallet(_Strict):
    network: Literal["mainnet", "testnet", "signet", "regtest"] = "mainnet"
    descriptors: list[StrictStr] = Field(default_factory=list, max_length=50)
    xpubs: list[StrictStr] = Field(default_factory=list, max_length=50)


class WalletDefinition(_Strict):
    name: StrictStr = Field(min_length=1, max_length=200)
    kind: Literal["safe", "bitcoin"]
    safe: SafeWallet | None = None
    bitcoin: BitcoinWallet | None = None
    policy: dict[str, Any] = Field(default_factory=dict)

    @property
    def safe_version(self) -> SafeVersion | None:
        return parse_version(self.safe.version, "wallet $.safe.version") if self.safe else None

    def effective_policy(self) -> Policy:
        """The stored policy, with the wallet's own Bitcoin keys added for recognising change."""
        policy = load_policy(self.policy)
        if self.bitcoin is not None:
            policy.bitcoin.descriptors = [*policy.bitcoin.descriptors, *self.bitcoin.descriptors]
            policy.bitcoin.xpubs = [*policy.bitcoin.xpubs, *self.bitcoin.xpubs]
        return policy

    def canonical_json(self) -> str:
        return json.dumps(self.model_dump(exclude_none=True), sort_keys=True, separators=(",", ":"))


def _check_safe(safe: SafeWallet) -> None:
    safe.address = parse_address(safe.address, "wallet $.safe.address")
    parse_version(safe.version, "wallet $.safe.version")
    owners = [parse_address(owner, f"wallet $.safe.owners[{i}]") for i, owner in enumerate(safe.owners)]
    if len(set(owners)) != len(owners):
        raise SigningInputError("wallet $.safe.owners", _("an owner is listed twice"))
    if safe.threshold > len(owners):
        raise SigningInputError(
            "wallet $.safe.threshold", _("the threshold is above the number of owners (%(n)s)", n=len(owners))
        )
    safe.owners = owners


def parse_definition(document: Any) -> WalletDefinition:
    """A wallet definition from its JSON document, every address, version, key and policy checked."""
    definition = _validated(WalletDefinition, document, WHAT)
    if definition.kind == "safe":
        if definition.safe is None or definition.bitcoin is not None:
            raise SigningInputError("wallet $.safe", _("a Safe wallet gives its safe, and no bitcoin keys"))
        _check_safe(definition.safe)
    else:
        if definition.bitcoin is None or definition.safe is not None:
            raise SigningInputError(
                "wallet $.bitcoin", _("a Bitcoin wallet gives its bitcoin keys, and no safe")
            )
        try:
            load_descriptors(
                Policy(
                    bitcoin=BitcoinPolicy(
                        descriptors=definition.bitcoin.descriptors, xpubs=definition.bitcoin.xpubs
                    )
                )
            )
        except SigningInputError as error:
            raise SigningInputError(
                (error.field or "").replace("policy $.bitcoin", "wallet $.bitcoin"), error.text
            ) from None
    try:
        load_policy(definition.policy)
    except SigningInputError as error:
        raise SigningInputError(
            (error.field or "").replace("policy $", "wallet $.policy", 1), error.text
        ) from None
    return definition


def read_definition(stored: str) -> WalletDefinition:
    """A definition as stored (it was checked when proposed)."""
    return parse_definition(json.loads(stored))
