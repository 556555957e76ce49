"""The append-only, hash-chained audit trail (append, verify, export) that every capability writes to."""
