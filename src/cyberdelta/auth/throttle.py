"""Rate limiting and temporary lock-out of failed sign-ins (OWASP ASVS v4 §2.2.1).

Failures are rows in the database, so several app processes count together. After
``sign_in_max_failures`` failures from one client within ``sign_in_lockout_minutes``, sign-in from
that client is refused until the window has passed.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cyberdelta.auth.models import SignInFailure
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.settings import Settings


def _window_start(settings: Settings) -> object:
    return utcnow() - timedelta(minutes=settings.sign_in_lockout_minutes)


def is_locked(session: Session, settings: Settings, key: str) -> bool:
    recent = session.scalar(
        select(func.count(SignInFailure.id)).where(
            SignInFailure.key == key, SignInFailure.created_at > _window_start(settings)
        )
    )
    return (recent or 0) >= settings.sign_in_max_failures


def record_failure(session: Session, key: str) -> None:
    session.add(SignInFailure(key=key[:200]))
    session.flush()


def clear(session: Session, settings: Settings, key: str) -> None:
    """A successful sign-in forgets the client's failures; old rows of everyone are pruned too."""
    session.execute(delete(SignInFailure).where(SignInFailure.key == key))
    session.execute(delete(SignInFailure).where(SignInFailure.created_at <= _window_start(settings)))
