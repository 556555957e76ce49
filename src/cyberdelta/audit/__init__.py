"""The append-only, hash-chained audit trail (docs/security.md)."""
