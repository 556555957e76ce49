"""Safe's published batching libraries, the delegatecall targets a Safe transaction normally uses
(safe-global/safe-deployments, ``multi_send.json`` and ``multi_send_call_only.json`` of releases 1.1.1,
1.3.0 and 1.4.1; the same address on every chain they are deployed to, the 1.3.0 ones also in their
EIP-155 deployment). A policy trusts them unless it sets ``trust_safe_libraries`` to false."""

from __future__ import annotations

SAFE_LIBRARIES: dict[str, str] = {
    "0x8D29bE29923b68abfDD21e541b9374737B49cdAD": "MultiSend 1.1.1",
    "0xA238CBeb142c10Ef7Ad8442C6D1f9E89e07e7761": "MultiSend 1.3.0",
    "0x998739BFdAAdde7C933B942a68053933098f9EDa": "MultiSend 1.3.0 (EIP-155)",
    "0x40A2aCCbd92BCA938b02010E17A5b8929b49130D": "MultiSendCallOnly 1.3.0",
    "0xA1dabEF33b3B82c7814B6D82A79e50F4AC44102B": "MultiSendCallOnly 1.3.0 (EIP-155)",
    "0x38869bf66a61cF6bDB996A6aE40D5853Fd43B526": "MultiSend 1.4.1",
    "0x9641d764fc13c8B624c04430C7356C1C7C8102e2": "MultiSendCallOnly 1.4.1",
}
