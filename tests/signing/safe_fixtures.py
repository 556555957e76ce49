"""Real Safe transactions with the safeTxHash their publishers give, and builders for real-shaped ones.

Sources (each hash is the one published there, not one computed here):
- Bybit cold wallet, Ethereum, Safe 1.1.1, nonce 71 (21 February 2025): the Safe Transaction Service
  record, ``safeTxHash`` 0xb3476d06…, as quoted by the public ClearSign fixture and on-chain traces;
- safe-tx-hashes-util README (pcaversaccio): Arbitrum nonce 234 (addOwnerWithThreshold), Ethereum
  0x5EA1… nonce 6 (MultiSendCallOnly 1.4.1 batch; the hash is the one ``ecrecover`` is called with in the
  README's trace), Sepolia 0x657f… nonce 4 (ETH transfer) and its nested-Safe ``approveHash``;
- go-ethereum ``signer/core`` tests: Rinkeby 0x25a6… nonce 3 (a pre-1.3.0 domain) and 0x111d… nonce 15
  (1.3.0), mainnet 0x899F… nonce 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import eth_abi.abi

from cyberdelta.signing.ethereum import selector

ZERO = "0x0000000000000000000000000000000000000000"


def service_tx(safe: str, to: str, *, value: int | str = 0, data: str | None = "0x", operation: int = 0,
               safe_tx_gas: int = 0, nonce: int, gas_price: int | str = "0", gas_token: str = ZERO,
               refund_receiver: str = ZERO, **extra: Any) -> dict[str, Any]:  # fmt: skip
    """A multisig transaction in the Safe Transaction Service's JSON shape."""
    return {
        "safe": safe, "to": to, "value": str(value), "data": data, "operation": operation,
        "gasToken": gas_token, "safeTxGas": safe_tx_gas, "baseGas": 0, "gasPrice": str(gas_price),
        "refundReceiver": refund_receiver, "nonce": nonce, **extra,
    }  # fmt: skip


def call_data(signature: str, types: list[str], values: list[Any]) -> str:
    return "0x" + (selector(signature) + eth_abi.abi.encode(types, values)).hex()


def multisend_of(packed: bytes) -> str:
    return call_data("multiSend(bytes)", ["bytes"], [packed])


def multisend(calls: list[tuple[int, str, int, bytes]]) -> str:
    """``multiSend(bytes)`` of packed (operation, to, value, data) entries."""
    packed = b"".join(
        bytes([op]) + bytes.fromhex(to[2:]) + value.to_bytes(32, "big") + len(data).to_bytes(32, "big") + data
        for op, to, value, data in calls
    )
    return call_data("multiSend(bytes)", ["bytes"], [packed])


@dataclass(frozen=True)
class Published:
    name: str
    document: dict[str, Any]
    chain_id: int
    version: str
    safe_tx_hash: str
    domain_hash: str | None = None
    message_hash: str | None = None


MULTISEND_CALL_ONLY_141 = "0x9641d764fc13c8B624c04430C7356C1C7C8102e2"
BYBIT_SAFE = "0x1Db92e2EeBC8E0c075a02BeA49a2935BcD2dFCF4"
BYBIT_DATA = (
    "0xa9059cbb000000000000000000000000bdd077f651ebe7f7b3ce16fe5f2b025be2969516"
    "0000000000000000000000000000000000000000000000000000000000000000"
)
BYBIT_HASH = "0xb3476d061aeb8fc1d605a873c483a2402d88a68a9cdd1a8b47655dd55ba004f8"
BYBIT = service_tx(BYBIT_SAFE, "0x96221423681A6d52E184D440a8eFCEbB105C7242", data=BYBIT_DATA,
                   operation=1, safe_tx_gas=45746, nonce=71, safeTxHash=BYBIT_HASH)  # fmt: skip
# The 306-byte batch of the README's trace: removeDelegate on a delegate registry, then 800 USDC out.
README_BATCH = bytes.fromhex(
    "00cfbfac74c26f8647cbdb8c5caf80bb5b32e43134" + "00" * 32 + "44".rjust(64, "0")
    + "dd43a79f000000000000000000000000f46c6d6e62f59d9222f3812874211df07cf7b318"
    + "0000000000000000000000000000000000000000000000000000000000000001"
    + "00a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48" + "00" * 32 + "44".rjust(64, "0")
    + "a9059cbb0000000000000000000000001fe27a73cd9f0b3c53b6e936d0b4f9b2f8ca3367"
    + "000000000000000000000000000000000000000000000000000000002faf0800"
)  # fmt: skip

PUBLISHED: list[Published] = [
    Published("bybit-1.1.1-mainnet", BYBIT, 1, "1.1.1",
              "0xb3476d061aeb8fc1d605a873c483a2402d88a68a9cdd1a8b47655dd55ba004f8"),
    Published(
        "readme-arbitrum-add-owner",
        service_tx("0x111CEEee040739fD91D29C34C33E6B3E112F2177", "0x111CEEee040739fD91D29C34C33E6B3E112F2177",
                   data="0x0d582f130000000000000000000000000c75fa5a5f1c0997e3eea425cfa13184ed0ec9e5"
                   "0000000000000000000000000000000000000000000000000000000000000003", nonce=234),
        42161, "1.3.0+L2", "0x0cb7250b8becd7069223c54e2839feaed4cee156363fbfe5dd0a48e75c4e25b3",
        "0x1cf7f9b1efe3bc47fe02fd27c649fea19e79d66040683a1c86c7490c80bf7291",
        "0xd9109ea63c50ecd3b80b6b27ed5c5a9fd3d546c2169dfb69bfa7ba24cd14c7a5",
    ),
    Published(
        "readme-mainnet-multisend-1.4.1",
        service_tx("0x5EA1d9A6dDC3A0329378a327746D71A2019eC332", MULTISEND_CALL_ONLY_141,
                   data=multisend_of(README_BATCH), operation=1, nonce=6),
        1, "1.4.1", "0x27a0c4abf624b15b776f544a4b31ed4d50dee2b677c6497fbadf4f7a73be705e",
        "0x58122ea8f001782facc66ee5495a6b8b29730fadf352d8608ca86bd31569fcf5",
        "0xe992e061576268328fac9175d6aea3defd4c3bef83a0c6fe08f6aa5a222cbc45",
    ),
    Published(
        "readme-sepolia-eth-transfer",
        service_tx("0x657ff0D4eC65D82b2bC1247b0a558bcd2f80A0f1", "0x255C3912f91eF11bFDadd405F13144a823Da8cc5",
                   value=100000000000000000, nonce=4),
        11155111, "1.3.0", "0xcb8bbe7bf8f8a1f3f57658e450d07d4422356ac042d96a87ba425b19e67a78a1",
        "0x611379c19940caee095cdb12bebe6a9fa9abb74cdb1fbd7377c49a1f198dc24f",
        "0x565bba8b51924ffa64953596d0a2dd5c2cad39649f7de0bf2c8dbc903bd03258",
    ),
    Published(
        "readme-sepolia-nested-approve-hash",
        service_tx("0x6bc56d6CE87C86CB0756c616bECFD3Cd32b09251", "0x657ff0D4eC65D82b2bC1247b0a558bcd2f80A0f1",
                   data="0xd4d9bdcd" "cb8bbe7bf8f8a1f3f57658e450d07d4422356ac042d96a87ba425b19e67a78a1",
                   nonce=4),
        11155111, "1.3.0", "0x86eb3f93f2670d119a4ecb8eeaa4dafe31a28abcafe06688d47e195a3dd7abb0",
        "0x55f6c329a7834e2a4e789f5526f328fa75d14fe75b97b0001be40caf46ca92a1",
        "0xcd411ee5d49344391ef8d37b76e19dfacf505bbb20e856ac907acb5958ecbdf0",
    ),
    Published(
        "go-ethereum-rinkeby-legacy-domain",
        service_tx("0x25a6c4BBd32B2424A9c99aEB0584Ad12045382B3", "0x9eE457023bB3De16D51A003a247BaEaD7fce313D",
                   value=20000000000000000, data=None, safe_tx_gas=27845, nonce=3),
        4, "1.1.1", "0x28bae2bd58d894a1d9b69e5e9fde3570c4b98a6fc5499aefb54fb830137e831f",
    ),
    Published(
        "go-ethereum-rinkeby-1.3.0",
        service_tx("0x111dAE35D176A9607053e0c46e91F36AFbC1dc57", "0x5592EC0cfb4dbc12D3aB100b257153436a1f0FEa",
                   data="0xa9059cbb00000000000000000000000099d580d3a7fe7bd183b2464517b2cd7ce5a8f15a"
                   "0000000000000000000000000000000000000000000000000de0b6b3a7640000", nonce=15, chainId="4"),
        4, "1.3.0", "0x6619dab5401503f2735256e12b898e69eb701d6a7e0d07abf1be4bb8aebfba29",
    ),
    Published(
        "go-ethereum-mainnet-add-owner",
        service_tx("0x899FcB1437DE65DC6315f5a69C017dd3F2837557", "0x899FcB1437DE65DC6315f5a69C017dd3F2837557",
                   data="0x0d582f13000000000000000000000000d3ed2b8756b942c98c851722f3bd507a17b4745f"
                   "0000000000000000000000000000000000000000000000000000000000000005", nonce=0,
                   safeTxHash="0x6f0f5cffee69087c9d2471e477a63cab2ae171cf433e754315d558d8836274f4"),
        1, "1.3.0", "0x6f0f5cffee69087c9d2471e477a63cab2ae171cf433e754315d558d8836274f4",
    ),
]  # fmt: skip

# go-ethereum's ``gnosisTypedData``: what a wallet is asked to sign for the Rinkeby nonce-3 transaction.
LEGACY_TYPED_DATA: dict[str, Any] = {
    "types": {
        "EIP712Domain": [{"type": "address", "name": "verifyingContract"}],
        "SafeTx": [
            {"type": "address", "name": "to"}, {"type": "uint256", "name": "value"},
            {"type": "bytes", "name": "data"}, {"type": "uint8", "name": "operation"},
            {"type": "uint256", "name": "safeTxGas"}, {"type": "uint256", "name": "baseGas"},
            {"type": "uint256", "name": "gasPrice"}, {"type": "address", "name": "gasToken"},
            {"type": "address", "name": "refundReceiver"}, {"type": "uint256", "name": "nonce"},
        ],
    },
    "domain": {"verifyingContract": "0x25a6c4BBd32B2424A9c99aEB0584Ad12045382B3"},
    "primaryType": "SafeTx",
    "message": {
        "to": "0x9eE457023bB3De16D51A003a247BaEaD7fce313D", "value": "20000000000000000", "data": "0x",
        "operation": 0, "safeTxGas": 27845, "baseGas": 0, "gasPrice": "0", "gasToken": ZERO,
        "refundReceiver": ZERO, "nonce": 3,
    },
}  # fmt: skip
