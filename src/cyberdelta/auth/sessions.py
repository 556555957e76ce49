"""Server-side browser sessions with idle and absolute time-outs (OWASP ASVS v4 §3.3).

The cookie carries a random token; the ``auth_session`` row holds its SHA-256, the user, the
organisation currently acted for, and when the user last made a passkey assertion (step-up).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cyberdelta.auth.models import AuthSession
from cyberdelta.platform.cookies import session_cookie_name
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.secrets import digest, new_token
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy import service as tenancy
from cyberdelta.tenancy.models import Organisation
from cyberdelta.tenancy.permissions import Role, permissions_for
from cyberdelta.tenancy.principal import Principal


def cookie_name(settings: Settings) -> str:
    """The session cookie's name (:func:`~cyberdelta.platform.cookies.session_cookie_name`)."""
    return session_cookie_name(settings)


def start_session(
    session: Session, settings: Settings, user_id: int, *, stepped_up: bool = True
) -> tuple[AuthSession, str]:
    """A new session for ``user_id`` acting for their first organisation; returns the raw cookie value."""
    raw = new_token()
    now = utcnow()
    first = tenancy.memberships_of(session, user_id)
    row = AuthSession(
        token_hash=digest(raw),
        user_id=user_id,
        organisation_id=first[0].organisation_id if first else None,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_absolute_hours),
        stepped_up_at=now if stepped_up else None,
    )
    session.add(row)
    session.flush()
    return row, raw


def resolve_session(session: Session, settings: Settings, raw: str | None) -> AuthSession | None:
    """The live session of a cookie value; expired (idle or absolute) or revoked sessions are None."""
    if not raw or len(raw) > 200:
        return None
    row = session.scalar(select(AuthSession).where(AuthSession.token_hash == digest(raw)))
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    if row.last_seen_at + timedelta(minutes=settings.session_idle_minutes) <= now:
        return None
    # Writing on every request would serialise SQLite; a minute of precision is enough for idling.
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
    return row


def principal_for(session: Session, row: AuthSession) -> Principal:
    """The principal of a session: the member's role in the organisation the session acts for."""
    organisation = session.get(Organisation, row.organisation_id) if row.organisation_id else None
    found = tenancy.membership(session, row.user_id, organisation.id) if organisation else None
    if organisation is None or found is None:
        return Principal(row.user_id, None, None, None, frozenset(), session_id=row.id)
    role = Role(found.role)
    return Principal(
        user_id=row.user_id,
        organisation_id=organisation.id,
        organisation_kind=organisation.kind,
        role=role,
        permissions=permissions_for(role),
        session_id=row.id,
    )


def switch_organisation(session: Session, row: AuthSession, organisation_id: int) -> bool:
    """Act for another organisation the user belongs to; False when they are not a member."""
    if tenancy.membership(session, row.user_id, organisation_id) is None:
        return False
    row.organisation_id = organisation_id
    return True


def is_stepped_up(row: AuthSession, settings: Settings) -> bool:
    return row.stepped_up_at is not None and utcnow() - row.stepped_up_at <= timedelta(
        minutes=settings.step_up_minutes
    )


def may_enrol_after_recovery(row: AuthSession) -> bool:
    """A session begun with a recovery code may enrol a new passkey for a while without a step-up
    (the person has no passkey left to step up with)."""
    return row.recovery_enrol_until is not None and utcnow() <= row.recovery_enrol_until


def end_session(session: Session, row: AuthSession) -> None:
    row.revoked_at = utcnow()


def end_all_sessions(session: Session, user_id: int) -> int:
    """Sign out everywhere: revoke every live session of the user; returns how many."""
    result = session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)
