"""Rate limiting and temporary lock-out of failed sign-ins (OWASP ASVS 5.0 V6.3 "General
authentication security": brute force, credential stuffing).

Failures are rows in the database, so several app processes count together. They are counted
twice, per account and per client address, against separate limits:

* an **account** is locked after ``sign_in_max_failures`` failures against it within
  ``sign_in_lockout_minutes``, from any address (so an attacker cannot reset the count by signing
  in to an account of their own in between);
* a **client address** is locked after ``sign_in_max_failures_per_client`` failures, a larger number,
  so that one person's typos behind an office NAT do not lock everyone there out.

A successful sign-in forgets only the failures of the account that signed in, never the address's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cyberdelta.auth.models import SignInFailure
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.secrets import digest
from cyberdelta.platform.settings import Settings


def client_key(host: str | None) -> str:
    return "ip:" + (host or "unknown")


def account_key(email: str) -> str:
    """The account an attempt was against, by its e-mail address (whether or not it exists, so that
    a refusal says nothing about which addresses have accounts)."""
    return "account:" + digest(email.strip().casefold())


def _window_start(settings: Settings) -> datetime:
    return utcnow() - timedelta(minutes=settings.sign_in_lockout_minutes)


def _failures(session: Session, settings: Settings, key: str) -> int:
    recent = session.scalar(
        select(func.count(SignInFailure.id)).where(
            SignInFailure.key == key, SignInFailure.created_at > _window_start(settings)
        )
    )
    return recent or 0


def is_locked(session: Session, settings: Settings, *, client: str, account: str | None = None) -> bool:
    """Whether the client address, or the account when one is named, is locked out."""
    if _failures(session, settings, client) >= settings.sign_in_max_failures_per_client:
        return True
    return account is not None and _failures(session, settings, account) >= settings.sign_in_max_failures


def record_failure(session: Session, keys: Iterable[str]) -> None:
    for key in keys:
        session.add(SignInFailure(key=key[:200]))
    session.flush()


def clear(session: Session, settings: Settings, account: str) -> None:
    """A successful sign-in forgets the account's failures; old rows of everyone are pruned too."""
    session.execute(delete(SignInFailure).where(SignInFailure.key == account))
    session.execute(delete(SignInFailure).where(SignInFailure.created_at <= _window_start(settings)))
