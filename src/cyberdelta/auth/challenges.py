"""Server-side WebAuthn challenges: random, short-lived and consumed exactly once.

WebAuthn Level 3 §13.4.3: the relying party must generate challenges randomly, keep them on the
server and accept each in at most one ceremony. The row is claimed with a conditional UPDATE so
that two processes racing with the same response cannot both succeed.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from cyberdelta.auth.models import WebAuthnChallenge
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext as _

REGISTER = "register"
SIGN_IN = "sign_in"
STEP_UP = "step_up"


class CeremonyError(DomainError, ValueError):
    """A passkey ceremony failed; the message is safe to show (it names the field and reason)."""

    status = 400


def issue(
    session: Session,
    purpose: str,
    lifetime_seconds: int,
    *,
    user_id: int | None = None,
    invitation_id: int | None = None,
) -> bytes:
    value = secrets.token_bytes(32)
    session.add(
        WebAuthnChallenge(
            challenge=bytes_to_base64url(value),
            purpose=purpose,
            user_id=user_id,
            invitation_id=invitation_id,
            expires_at=utcnow() + timedelta(seconds=lifetime_seconds),
        )
    )
    session.flush()
    return value


def challenge_of(credential: dict[str, Any]) -> str:
    """The challenge a client signed, read from its clientDataJSON (WebAuthn §5.8.1)."""
    try:
        client_data = json.loads(base64url_to_bytes(credential["response"]["clientDataJSON"]))
        value = client_data["challenge"]
    except (KeyError, TypeError, ValueError) as error:
        raise CeremonyError(_("credential: the response is malformed")) from error
    if not isinstance(value, str):
        raise CeremonyError(_("credential: the response is malformed"))
    return value


def consume(
    session: Session,
    credential: dict[str, Any],
    purpose: str,
    *,
    user_id: int | None = None,
    invitation_id: int | None = None,
) -> tuple[WebAuthnChallenge, bytes]:
    """Claim the challenge the credential answers; refuses unknown, used, expired or foreign ones."""
    value = challenge_of(credential)
    now = utcnow()
    claimed = session.execute(
        update(WebAuthnChallenge)
        .where(
            WebAuthnChallenge.challenge == value,
            WebAuthnChallenge.purpose == purpose,
            WebAuthnChallenge.used_at.is_(None),
            WebAuthnChallenge.expires_at > now,
            WebAuthnChallenge.user_id.is_(None) if user_id is None else WebAuthnChallenge.user_id == user_id,
            WebAuthnChallenge.invitation_id.is_(None)
            if invitation_id is None
            else WebAuthnChallenge.invitation_id == invitation_id,
        )
        .values(used_at=now)
        .returning(WebAuthnChallenge.id)
    ).scalar_one_or_none()
    if claimed is None:
        raise CeremonyError(_("challenge: unknown, already used or expired; start again"))
    row = session.get(WebAuthnChallenge, claimed)
    assert row is not None  # noqa: S101 (just claimed)
    return row, base64url_to_bytes(value)
