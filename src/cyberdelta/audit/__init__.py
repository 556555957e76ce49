"""The append-only, hash-chained audit trail (DESIGN §8)."""
