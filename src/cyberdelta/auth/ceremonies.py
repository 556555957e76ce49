"""Signing in, enrolling, stepping up, recovering and signing out, each audited with its actor
(docs/accounts.md; docs/architecture.md, "Actors and the audit trail"; OWASP ASVS 5.0 V16.3
"security events are logged"). The HTTP edge runs the passkey JSON calls and sets the cookie;
what happens to accounts and sessions, and what the trail records of it, happens here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from cyberdelta.auth import challenges, passkeys, recovery, sessions, throttle
from cyberdelta.auth.challenges import CeremonyError
from cyberdelta.auth.models import AuthSession
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy import invitations
from cyberdelta.tenancy import service as tenancy
from cyberdelta.tenancy.models import Invitation, User


@dataclass(frozen=True)
class SignedIn:
    """A session just begun: its row and the raw cookie value (sent once, stored as a hash)."""

    user: User
    row: AuthSession
    raw: str


def client_key(actor: Actor) -> str:
    return throttle.client_key(actor.client)


def is_locked(session: Session, settings: Settings, actor: Actor, account: str | None = None) -> bool:
    """Whether the actor's address (or the account) has failed too often lately."""
    return throttle.is_locked(session, settings, client=client_key(actor), account=account)


def record_failure(session: Session, actor: Actor, reason: str, account: str | None = None) -> None:
    """Count a failure per client address, and per account when known, and audit it. The refusal
    is a normal response, so this (and the spent challenge) commits with the caller's transaction."""
    throttle.record_failure(session, [client_key(actor), *([account] if account else [])])
    audit(session, actor, "auth.sign_in_failed", details={"reason": reason[:300]})


def sign_in(session: Session, settings: Settings, actor: Actor, credential: dict[str, Any]) -> SignedIn:
    """Verify a sign-in assertion and begin a stepped-up session; a refused one is counted and
    audited before :class:`CeremonyError` is raised."""
    try:
        passkey = passkeys.authenticate(session, settings, credential, challenges.SIGN_IN)
    except CeremonyError as error:
        record_failure(session, actor, str(error))
        raise
    user = session.get(User, passkey.user_id)
    assert user is not None  # noqa: S101 (foreign key)
    throttle.clear(session, settings, throttle.account_key(user.email))
    row, raw = sessions.start_session(session, settings, user.id, stepped_up=True)
    audit(
        session,
        actor.as_person(user.id, row.organisation_id),
        "auth.sign_in",
        object_type="passkey",
        object_id=passkey.id,
    )
    return SignedIn(user, row, raw)


def step_up(
    session: Session,
    settings: Settings,
    actor: Actor,
    row: AuthSession,
    user: User,
    credential: dict[str, Any],
) -> None:
    """A fresh passkey assertion by the signed-in user: the session is stepped up from now."""
    try:
        passkey = passkeys.authenticate(session, settings, credential, challenges.STEP_UP, user)
    except CeremonyError as error:
        record_failure(session, actor, str(error))
        raise
    row.stepped_up_at = utcnow()
    audit(session, actor, "auth.step_up", object_type="passkey", object_id=passkey.id)


def enrol(
    session: Session,
    settings: Settings,
    actor: Actor,
    invitation: Invitation,
    credential: dict[str, Any],
    name: str,
) -> SignedIn:
    """Register the invitee's first passkey, accept the invitation and begin a session acting for
    the inviting organisation."""
    user = invitations.invited_user(session, invitation)
    passkey = passkeys.register(session, settings, user, credential, name, invitation_id=invitation.id)
    invitations.accept(session, invitation)
    row, raw = sessions.start_session(session, settings, user.id, stepped_up=True)
    row.organisation_id = invitation.organisation_id
    audit(
        session,
        actor.as_person(user.id, invitation.organisation_id),
        "auth.enrolled",
        object_type="invitation",
        object_id=invitation.id,
        details={"role": invitation.role, "passkey_id": passkey.id},
    )
    return SignedIn(user, row, raw)


def accept_invitation(session: Session, actor: Actor, row: AuthSession, invitation: Invitation) -> None:
    """A signed-in user accepts an invitation addressed to them and acts for its organisation."""
    invitations.accept(session, invitation)
    row.organisation_id = invitation.organisation_id
    assert actor.user_id is not None  # noqa: S101 (signed in)
    audit(
        session,
        actor.as_person(actor.user_id, invitation.organisation_id),
        "tenancy.invitation_accepted",
        object_type="invitation",
        object_id=invitation.id,
        details={"role": invitation.role},
    )


def recover(session: Session, settings: Settings, actor: Actor, email: str, code: str) -> SignedIn | None:
    """Sign in with a one-time recovery code; None (counted and audited) when refused. The
    session is not stepped up, but may enrol a new passkey for the step-up window: the person has
    lost their passkeys, and that is where they are taken."""
    account = throttle.account_key(email)
    user = tenancy.get_user_by_email(session, email)
    if user is None or not recovery.use_code(session, user.id, code):
        record_failure(session, actor, "recovery code refused", account)
        return None
    throttle.clear(session, settings, account)
    row, raw = sessions.start_session(session, settings, user.id, stepped_up=False)
    row.recovery_enrol_until = utcnow() + timedelta(minutes=settings.step_up_minutes)
    audit(session, actor.as_person(user.id, row.organisation_id), "auth.recovery_code_used")
    return SignedIn(user, row, raw)


def sign_out(session: Session, actor: Actor, row: AuthSession) -> None:
    sessions.end_session(session, row)
    audit(session, actor, "auth.sign_out")


def sign_out_everywhere(session: Session, actor: Actor, user_id: int) -> int:
    """Revoke every live session of ``user_id``; returns how many."""
    ended = sessions.end_all_sessions(session, user_id)
    audit(session, actor, "auth.sign_out_everywhere", details={"sessions": ended})
    return ended
