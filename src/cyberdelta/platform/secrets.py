"""Random secrets handed out once and stored only as their SHA-256 (FIPS 180-4).

A random 256-bit token does not need a slow password hash: guessing it is infeasible, and a
plain SHA-256 lets the lookup be an indexed equality.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token(prefix: str = "", nbytes: int = 32) -> str:
    return prefix + secrets.token_urlsafe(nbytes)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def keyed_digest(key: str, value: str) -> str:
    """HMAC-SHA256 (RFC 2104) of ``value`` under ``key``, hex encoded."""
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


def same(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())
