"""Signing guard: check independently what a multisig signer is about to sign — a Safe transaction
(EIP-712 hashes, decoded calls) or a Bitcoin PSBT (BIP-174, BIP-370) — against the firm's policy and
its approved request, offline (docs/signing.md)."""
