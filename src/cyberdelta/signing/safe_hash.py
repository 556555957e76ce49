"""The three hashes a Safe signer compares with the hardware wallet's screen (EIP-712 §"Specification"):

- the domain hash, ``hashStruct(EIP712Domain)``: ``keccak256(abi.encode(DOMAIN_TYPEHASH[, chainId],
  safe))``;
- the message hash, ``hashStruct(SafeTx)``: ``keccak256(abi.encode(SAFE_TX_TYPEHASH, to, value,
  keccak256(data), operation, safeTxGas, baseGas, gasPrice, gasToken, refundReceiver, nonce))``;
- the Safe transaction hash, ``keccak256(0x19 ‖ 0x01 ‖ domainHash ‖ messageHash)``, which the owners
  sign and the contract checks in ``execTransaction``.
"""

from __future__ import annotations

from dataclasses import dataclass

from cyberdelta.signing.ethereum import keccak
from cyberdelta.signing.safe_versions import Layout


@dataclass(frozen=True)
class SafeTx:
    """The fields of a Safe transaction as they are signed; addresses checksummed."""

    safe: str
    to: str
    value: int
    data: bytes
    operation: int
    safe_tx_gas: int
    base_gas: int
    gas_price: int
    gas_token: str
    refund_receiver: str
    nonce: int


@dataclass(frozen=True)
class SafeTxHashes:
    domain_hash: bytes
    message_hash: bytes
    safe_tx_hash: bytes


def _address(value: str) -> bytes:
    return bytes.fromhex(value[2:])


def domain_hash(safe: str, chain_id: int | None, layout: Layout) -> bytes:
    from eth_abi.abi import encode

    typehash = keccak(layout.domain_type.encode())
    if layout.domain_has_chain_id:
        if chain_id is None:
            raise ValueError("a Safe of version 1.3.0 or later signs the chain id")
        return keccak(encode(["bytes32", "uint256", "address"], [typehash, chain_id, _address(safe)]))
    return keccak(encode(["bytes32", "address"], [typehash, _address(safe)]))


def message_hash(tx: SafeTx, layout: Layout) -> bytes:
    from eth_abi.abi import encode

    return keccak(
        encode(
            [
                "bytes32",
                "address",
                "uint256",
                "bytes32",
                "uint8",
                "uint256",
                "uint256",
                "uint256",
                "address",
                "address",
                "uint256",
            ],
            [
                keccak(layout.message_type.encode()),
                _address(tx.to),
                tx.value,
                keccak(tx.data),
                tx.operation,
                tx.safe_tx_gas,
                tx.base_gas,
                tx.gas_price,
                _address(tx.gas_token),
                _address(tx.refund_receiver),
                tx.nonce,
            ],
        )
    )


def safe_tx_hashes(tx: SafeTx, chain_id: int | None, layout: Layout) -> SafeTxHashes:
    domain = domain_hash(tx.safe, chain_id, layout)
    message = message_hash(tx, layout)
    return SafeTxHashes(domain, message, keccak(b"\x19\x01" + domain + message))
