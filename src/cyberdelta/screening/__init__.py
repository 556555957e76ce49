"""Address screening: chain-aware address normalisers, imported sanctions lists and screening
against them (docs/screening.md)."""
