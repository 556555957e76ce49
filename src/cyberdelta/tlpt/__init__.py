"""Threat-led penetration tests (TLPT), run confidentially from scoping to attestation (docs/tlpt.md)."""
