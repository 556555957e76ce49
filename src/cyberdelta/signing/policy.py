"""The firm's policy and its approved request, as JSON files (docs/signing.md, "Policy file" and
"Request file"): pydantic checks their shape, then every address and amount is parsed with its JSON
path, so a bad file names the place at fault.

Amounts are integers in the asset's smallest unit (wei, the token's base unit, satoshi), written as
JSON integers or decimal strings so that no amount passes through a float. Assets are ``native`` (the
chain's coin on an EVM chain; ``ETH`` is accepted for it), an ERC-20 contract address, or ``BTC``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from cyberdelta.signing.errors import SigningInputError
from cyberdelta.signing.ethereum import parse_address, parse_uint
from cyberdelta.signing.text import bilingual as _

NATIVE = "native"
AdminChange = Literal["owners", "threshold", "modules", "guard", "fallback_handler", "singleton"]
RawAmount = StrictInt | StrictStr


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BitcoinPolicy(_Strict):
    """The firm's registered keys, for recognising change, and its fee ceilings."""

    descriptors: list[StrictStr] = Field(default_factory=list)  # output descriptors (BIP-380 family)
    xpubs: list[StrictStr] = Field(default_factory=list)  # "[fingerprint/path]xpub…" single-key accounts
    max_fee_rate_sat_vb: Decimal | None = Field(default=None, gt=0)
    max_fee_sat: RawAmount | None = None


class Policy(_Strict):
    delegatecall_allowlist: list[StrictStr] = Field(default_factory=list)
    trust_safe_libraries: bool = True  # Safe's published MultiSend deployments (docs/signing.md)
    destinations: list[StrictStr] = Field(default_factory=list)
    screened_addresses: list[StrictStr] = Field(default_factory=list)  # from the firm's screening
    tokens: list[StrictStr] = Field(default_factory=list)
    limits: dict[str, RawAmount] = Field(default_factory=dict)
    bitcoin: BitcoinPolicy = Field(default_factory=BitcoinPolicy)

    def limit_for(self, asset: str) -> int | None:
        value = self.limits.get(asset)
        return value if isinstance(value, int) else None


class Request(_Strict):
    """The approved request the transaction must carry out, exactly: a withdrawal (one asset, amount
    and destination) or an administration change of the Safe (the kinds of change approved)."""

    id: StrictStr = Field(min_length=1, max_length=200)
    kind: Literal["withdrawal", "administration"] = "withdrawal"
    asset: StrictStr | None = None
    amount: RawAmount | None = None
    destination: StrictStr | None = None
    changes: list[AdminChange] = Field(default_factory=list)

    @property
    def amount_value(self) -> int:
        return self.amount if isinstance(self.amount, int) else 0


def normalise_asset(value: str, where: str) -> str:
    """``native`` / ``ETH`` → ``native``; an address → checksummed; anything else upper-cased (``BTC``)."""
    if value.lower() in (NATIVE, "eth"):
        return NATIVE
    if value.lower().startswith("0x"):
        return parse_address(value, where)
    return value.upper()


def normalise_destination(value: str, where: str) -> str:
    """An EVM address checksummed; a bech32 Bitcoin address lower-cased (BIP-173 is case-insensitive)."""
    if value.lower().startswith("0x"):
        return parse_address(value, where)
    if value.lower().startswith(("bc1", "tb1", "bcrt1")):
        return value.lower()
    return value


def _json_path(location: tuple[int | str, ...]) -> str:
    path = "$"
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


Model = TypeVar("Model", bound=BaseModel)


def _validated(model: type[Model], document: Any, what: str) -> Model:
    try:
        return model.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        location = tuple(part for part in first["loc"] if part not in ("int", "str"))
        where = f"{what} {_json_path(location)}"
        if first["type"] == "missing":
            raise SigningInputError(where, _("the field is missing")) from None
        if first["type"] == "extra_forbidden":
            raise SigningInputError(where, _("unknown field")) from None
        raise SigningInputError(where, _("invalid value: %(detail)s", detail=first["msg"])) from None


def load_policy(document: Any) -> Policy:
    policy = _validated(Policy, document, "policy")
    policy.delegatecall_allowlist = [
        parse_address(value, f"policy $.delegatecall_allowlist[{i}]")
        for i, value in enumerate(policy.delegatecall_allowlist)
    ]
    policy.screened_addresses = [
        normalise_destination(value, f"policy $.screened_addresses[{i}]")
        for i, value in enumerate(policy.screened_addresses)
    ]
    policy.tokens = [parse_address(value, f"policy $.tokens[{i}]") for i, value in enumerate(policy.tokens)]
    policy.destinations = [
        normalise_destination(value, f"policy $.destinations[{i}]")
        for i, value in enumerate(policy.destinations)
    ]
    limits: dict[str, RawAmount] = {}
    for asset, amount in policy.limits.items():
        limits[normalise_asset(asset, f"policy $.limits.{asset}")] = parse_uint(
            amount, f"policy $.limits.{asset}"
        )
    policy.limits = limits
    if policy.bitcoin.max_fee_sat is not None:
        policy.bitcoin.max_fee_sat = parse_uint(
            policy.bitcoin.max_fee_sat, "policy $.bitcoin.max_fee_sat", bits=64
        )
    return policy


def load_request(document: Any) -> Request:
    request = _validated(Request, document, "request")
    if request.id.strip() != request.id or any(ord(c) < 32 for c in request.id):
        raise SigningInputError("request $.id", _("an id has no surrounding spaces or control characters"))
    if request.kind == "withdrawal":
        for name in ("asset", "amount", "destination"):
            if getattr(request, name) is None:
                raise SigningInputError(
                    f"request $.{name}", _("a withdrawal names its asset, amount and destination")
                )
        request.asset = normalise_asset(str(request.asset), "request $.asset")
        request.amount = parse_uint(request.amount, "request $.amount")
        request.destination = normalise_destination(str(request.destination), "request $.destination")
    elif not request.changes:
        raise SigningInputError(
            "request $.changes", _("an administration request names the changes it approves")
        )
    return request
