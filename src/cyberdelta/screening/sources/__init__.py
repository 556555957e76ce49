"""Readers of the published lists, one module per format (docs/screening.md, "Lists")."""
