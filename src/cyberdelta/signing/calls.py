"""What a Safe transaction does, decoded from its bytes (docs/signing.md, "Decoded calls").

Recognised: native value, the ERC-20 calls that move or grant tokens (EIP-20 ``transfer``,
``approve``, ``transferFrom``), the Safe's own administration (``OwnerManager``, ``ModuleManager``,
``GuardManager``, ``FallbackManager``, ``MasterCopy.changeMasterCopy``), ``approveHash`` (a nested
Safe's approval of another Safe transaction) and ``MultiSend.multiSend``,
whose packed batch (``operation`` uint8, ``to`` address, ``value`` uint256, ``dataLength`` uint256,
``data``) is decoded call by call, recursively. Anything else is an unknown call, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cyberdelta.signing.ethereum import checksum, selector

MAX_DEPTH = 8

# kind → canonical signature and argument names. The kinds are the vocabulary of the findings.
FUNCTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "erc20_transfer": ("transfer(address,uint256)", ("to", "amount")),
    "erc20_approve": ("approve(address,uint256)", ("spender", "amount")),
    "erc20_transfer_from": ("transferFrom(address,address,uint256)", ("from", "to", "amount")),
    "add_owner": ("addOwnerWithThreshold(address,uint256)", ("owner", "threshold")),
    "remove_owner": ("removeOwner(address,address,uint256)", ("prev_owner", "owner", "threshold")),
    "swap_owner": ("swapOwner(address,address,address)", ("prev_owner", "old_owner", "new_owner")),
    "change_threshold": ("changeThreshold(uint256)", ("threshold",)),
    "enable_module": ("enableModule(address)", ("module",)),
    "disable_module": ("disableModule(address,address)", ("prev_module", "module")),
    "set_guard": ("setGuard(address)", ("guard",)),
    "set_module_guard": ("setModuleGuard(address)", ("guard",)),
    "set_fallback_handler": ("setFallbackHandler(address)", ("handler",)),
    "change_master_copy": ("changeMasterCopy(address)", ("master_copy",)),
    "approve_hash": ("approveHash(bytes32)", ("hash",)),
    "multisend": ("multiSend(bytes)", ("transactions",)),
}

# Administration kinds grouped as a request names them (``changes`` in docs/signing.md).
ADMIN_CHANGES: dict[str, str] = {
    "add_owner": "owners",
    "remove_owner": "owners",
    "swap_owner": "owners",
    "change_threshold": "threshold",
    "enable_module": "modules",
    "disable_module": "modules",
    "set_guard": "guard",
    "set_module_guard": "guard",
    "set_fallback_handler": "fallback_handler",
    "change_master_copy": "singleton",
}


def _by_selector() -> dict[bytes, str]:
    return {selector(signature): kind for kind, (signature, _names) in FUNCTIONS.items()}


_SELECTORS: dict[bytes, str] | None = None


def kind_of(data: bytes) -> str | None:
    global _SELECTORS
    if _SELECTORS is None:
        _SELECTORS = _by_selector()
    return _SELECTORS.get(data[:4]) if len(data) >= 4 else None


@dataclass(frozen=True)
class Call:
    """One call the Safe makes; ``path`` locates it (``$`` the transaction, ``$.calls[1].calls[0]``
    a call inside nested batches)."""

    to: str
    value: int
    data: bytes
    operation: int
    path: str = "$"


@dataclass(frozen=True)
class Decoded:
    call: Call
    kind: str  # a FUNCTIONS kind, "native_transfer", "empty", "unknown" or "malformed"
    args: dict[str, Any] = field(default_factory=dict)
    calls: tuple[Decoded, ...] = ()
    problem: str | None = None  # why a known call could not be decoded

    @property
    def method(self) -> str | None:
        entry = FUNCTIONS.get(self.kind)
        return entry[0] if entry else None

    def walk(self) -> list[Decoded]:
        """This call and every call inside it, depth first."""
        found = [self]
        for inner in self.calls:
            found.extend(inner.walk())
        return found

    def leaves(self) -> list[Decoded]:
        """The calls with an effect of their own (a batch's effect is its calls')."""
        if self.kind == "multisend" and self.problem is None:
            return [leaf for inner in self.calls for leaf in inner.leaves()]
        return [self]

    def as_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "path": self.call.path,
            "to": self.call.to,
            "value": str(self.call.value),
            "operation": "delegatecall" if self.call.operation == 1 else "call",
            "kind": self.kind,
            "method": self.method,
            "args": {
                name: str(value) if isinstance(value, int) else value for name, value in self.args.items()
            },
        }
        if self.kind in ("unknown", "malformed") and self.call.data:
            answer["selector"] = "0x" + self.call.data[:4].hex()
            answer["data_length"] = len(self.call.data)
        if self.problem is not None:
            answer["problem"] = self.problem
        if self.kind == "multisend":
            answer["calls"] = [inner.as_json() for inner in self.calls]
        return answer


def _abi_arguments(kind: str, payload: bytes) -> dict[str, Any]:
    from eth_abi.abi import decode, encode

    signature, names = FUNCTIONS[kind]
    types = signature[signature.index("(") + 1 : -1].split(",")
    values = decode(types, payload)
    if encode(types, values) != payload:
        # Extra bytes or a non-canonical encoding: the contract may read what a decoder does not show.
        raise ValueError("the arguments are not in canonical ABI encoding")
    return {
        name: checksum(bytes.fromhex(value[2:]))
        if kind_type == "address"
        else "0x" + value.hex()
        if kind_type == "bytes32"
        else value
        for name, kind_type, value in zip(names, types, values, strict=True)
    }


def unpack_multisend(packed: bytes, path: str) -> list[Call]:
    """The calls of a ``multiSend`` batch (packed, not ABI-encoded: 1 + 20 + 32 + 32 + n bytes each)."""
    calls: list[Call] = []
    offset = 0
    while offset < len(packed):
        if offset + 85 > len(packed):
            raise ValueError(f"call {len(calls)} is truncated")
        operation = packed[offset]
        if operation not in (0, 1):
            raise ValueError(f"call {len(calls)} has operation {operation}")
        to = checksum(packed[offset + 1 : offset + 21])
        value = int.from_bytes(packed[offset + 21 : offset + 53], "big")
        length = int.from_bytes(packed[offset + 53 : offset + 85], "big")
        start = offset + 85
        if start + length > len(packed):
            raise ValueError(f"call {len(calls)} claims {length} bytes of data beyond the batch")
        calls.append(
            Call(to, value, packed[start : start + length], operation, f"{path}.calls[{len(calls)}]")
        )
        offset = start + length
    return calls


def decode_call(call: Call, depth: int = 0) -> Decoded:
    if not call.data:
        return Decoded(call, "native_transfer" if call.value else "empty")
    kind = kind_of(call.data)
    if kind is None:
        return Decoded(call, "unknown")
    try:
        args = _abi_arguments(kind, call.data[4:])
    except Exception as error:  # eth_abi raises several unrelated types for bad bytes
        return Decoded(call, "malformed", problem=f"{FUNCTIONS[kind][0]}: {error}")
    if kind != "multisend":
        return Decoded(call, kind, args)
    if depth >= MAX_DEPTH:
        return Decoded(call, kind, {}, problem=f"batches nested deeper than {MAX_DEPTH}")
    packed = args["transactions"]
    try:
        inner = unpack_multisend(packed, call.path)
    except ValueError as error:
        return Decoded(call, kind, {"calls": "?"}, problem=str(error))
    return Decoded(call, kind, {"count": len(inner)}, tuple(decode_call(c, depth + 1) for c in inner))
