"""What members change in their own account, each audited with its actor (docs/accounts.md,
"Your account"; docs/architecture.md, "Actors and the audit trail")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from cyberdelta.auth import passkeys, recovery, sessions
from cyberdelta.auth.models import AuthSession, Passkey
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy import service as tenancy
from cyberdelta.tenancy.models import User


def switch_organisation(session: Session, actor: Actor, row: AuthSession, organisation_id: int) -> bool:
    """Act for another organisation the user belongs to; False (nothing changed) when not a member."""
    if not sessions.switch_organisation(session, row, organisation_id):
        return False
    audit(session, actor, "auth.switch_organisation", organisation_id=organisation_id)
    return True


def change_email_language(session: Session, actor: Actor, user: User, code: str) -> str | None:
    """The language of the member's own e-mails; audited with the old and new choice when it changes."""
    previous = user.email_language
    chosen = tenancy.set_email_language(session, user, code)
    if chosen != previous:
        audit(
            session,
            actor,
            "auth.email_language_changed",
            details={"from": previous or "both", "to": chosen or "both"},
        )
    return chosen


def add_passkey(
    session: Session, settings: Settings, actor: Actor, user: User, credential: dict[str, Any], name: str
) -> Passkey:
    passkey = passkeys.register(session, settings, user, credential, name)
    audit(session, actor, "auth.passkey_added", object_type="passkey", object_id=passkey.id)
    return passkey


def rename_passkey(
    session: Session, actor: Actor, user_id: int, passkey_id: int, name: str
) -> Passkey | None:
    return _audited(
        session, actor, "auth.passkey_renamed", lambda: passkeys.rename(session, user_id, passkey_id, name)
    )


def revoke_passkey(session: Session, actor: Actor, user_id: int, passkey_id: int) -> Passkey | None:
    return _audited(
        session, actor, "auth.passkey_revoked", lambda: passkeys.revoke(session, user_id, passkey_id)
    )


def _audited(
    session: Session, actor: Actor, action: str, change: Callable[[], Passkey | None]
) -> Passkey | None:
    """Apply a change to one of the member's own passkeys; None when it is not theirs."""
    found = change()
    if found is not None:
        audit(session, actor, action, object_type="passkey", object_id=found.id)
    return found


def renew_recovery_codes(session: Session, actor: Actor, user_id: int) -> list[str]:
    """A fresh set of recovery codes (the old ones stop working), returned once."""
    codes = recovery.new_codes(session, user_id)
    audit(session, actor, "auth.recovery_codes_renewed")
    return codes
