"""Passkey ceremonies with py_webauthn (W3C WebAuthn Level 3 §7.1 registration, §7.2 authentication).

Sign-in uses discoverable credentials (§6.2.2, "resident keys"): the browser offers the user's
passkeys for this site without an e-mail address being typed. User verification is required
(§6.2.3), which makes a passkey alone a phishing-resistant multi-factor authenticator.

Signature counters (§6.1.1): a stored and presented count of 0 means the authenticator keeps no
counter; otherwise the presented count must be greater than the stored one, or the assertion is
refused as a possible clone.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from cyberdelta.auth import challenges
from cyberdelta.auth.challenges import CeremonyError
from cyberdelta.auth.models import Passkey
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy.models import User

MAX_NAME = 100


def _refused(error: Exception) -> CeremonyError:
    return CeremonyError(_("credential: the passkey response was refused (%(reason)s)", reason=str(error)))


def _descriptors(passkeys: list[Passkey]) -> list[PublicKeyCredentialDescriptor]:
    known = {item.value for item in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(row.credential_id),
            transports=[AuthenticatorTransport(t) for t in row.transports if t in known] or None,
        )
        for row in passkeys
    ]


def active_passkeys(session: Session, user_id: int) -> list[Passkey]:
    return list(
        session.scalars(
            select(Passkey)
            .where(Passkey.user_id == user_id, Passkey.revoked_at.is_(None))
            .order_by(Passkey.id)
        )
    )


def registration_options(
    session: Session, settings: Settings, user: User, *, invitation_id: int | None = None
) -> dict[str, Any]:
    """Options for ``navigator.credentials.create`` (§5.4): a resident key with user verification."""
    challenge = challenges.issue(
        session,
        challenges.REGISTER,
        settings.challenge_seconds,
        user_id=user.id,
        invitation_id=invitation_id,
    )
    options = generate_registration_options(
        rp_id=settings.resolved_rp_id,
        rp_name=settings.rp_name,
        user_name=user.email,
        user_id=user.user_handle.encode(),
        user_display_name=user.display_name,
        challenge=challenge,
        timeout=settings.challenge_seconds * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            require_resident_key=True,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=_descriptors(active_passkeys(session, user.id)),
    )
    loaded: dict[str, Any] = json.loads(options_to_json(options))
    return loaded


def register(
    session: Session,
    settings: Settings,
    user: User,
    credential: dict[str, Any],
    name: str,
    *,
    invitation_id: int | None = None,
) -> Passkey:
    """Verify an attestation (§7.1) against its server-side challenge and store the passkey."""
    label = name.strip()[:MAX_NAME] or "Passkey"
    _row, expected = challenges.consume(
        session, credential, challenges.REGISTER, user_id=user.id, invitation_id=invitation_id
    )
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=expected,
            expected_rp_id=settings.resolved_rp_id,
            expected_origin=settings.origin,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise CeremonyError(
            _("credential: the passkey response was refused (%(reason)s)", reason=str(error))
        ) from None
    credential_id = bytes_to_base64url(verified.credential_id)
    if session.scalar(select(Passkey.id).where(Passkey.credential_id == credential_id)) is not None:
        raise CeremonyError(_("credential: this passkey is already registered"))
    transports = credential.get("response", {}).get("transports") or []
    passkey = Passkey(
        user_id=user.id,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=label,
        transports=[str(item) for item in transports if isinstance(item, str)][:8],
    )
    session.add(passkey)
    session.flush()
    return passkey


def authentication_options(
    session: Session, settings: Settings, purpose: str, user: User | None = None
) -> dict[str, Any]:
    """Options for ``navigator.credentials.get`` (§5.5). Without a user: discoverable sign-in."""
    challenge = challenges.issue(
        session, purpose, settings.challenge_seconds, user_id=user.id if user is not None else None
    )
    options = generate_authentication_options(
        rp_id=settings.resolved_rp_id,
        challenge=challenge,
        timeout=settings.challenge_seconds * 1000,
        allow_credentials=_descriptors(active_passkeys(session, user.id)) if user is not None else [],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    loaded: dict[str, Any] = json.loads(options_to_json(options))
    return loaded


def authenticate(
    session: Session, settings: Settings, credential: dict[str, Any], purpose: str, user: User | None = None
) -> Passkey:
    """Verify an assertion (§7.2) and return the passkey used; counters are checked (§6.1.1)."""
    _row, expected = challenges.consume(
        session, credential, purpose, user_id=user.id if user is not None else None
    )
    raw_id = credential.get("id") if isinstance(credential, dict) else None
    if not isinstance(raw_id, str):
        raise CeremonyError(_("credential: the response names no credential"))
    passkey = session.scalar(
        select(Passkey).where(Passkey.credential_id == raw_id, Passkey.revoked_at.is_(None))
    )
    if passkey is None or (user is not None and passkey.user_id != user.id):
        raise CeremonyError(_("credential: this passkey is not registered here"))
    owner = session.get(User, passkey.user_id)
    handle = credential.get("response", {}).get("userHandle")
    if owner is None or (handle and base64url_to_bytes(handle) != owner.user_handle.encode()):
        raise CeremonyError(_("credential: the passkey belongs to another account"))
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=expected,
            expected_rp_id=settings.resolved_rp_id,
            expected_origin=settings.origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise CeremonyError(
            _("credential: the passkey response was refused (%(reason)s)", reason=str(error))
        ) from None
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = utcnow()
    return passkey


def rename(session: Session, user_id: int, passkey_id: int, name: str) -> Passkey | None:
    """Rename one of the user's own passkeys; None when the user has no such passkey."""
    passkey = _own(session, user_id, passkey_id)
    if passkey is not None:
        label = name.strip()
        if not label or len(label) > MAX_NAME:
            raise CeremonyError(_("name: give the passkey a name of 1 to 100 characters"))
        passkey.name = label
    return passkey


def revoke(session: Session, user_id: int, passkey_id: int) -> Passkey | None:
    """Revoke one of the user's passkeys; the last one stays (the user would be locked out)."""
    passkey = _own(session, user_id, passkey_id)
    if passkey is not None:
        if len(active_passkeys(session, user_id)) <= 1:
            raise CeremonyError(_("passkey: you cannot revoke your only passkey; add another one first"))
        passkey.revoked_at = utcnow()
    return passkey


def _own(session: Session, user_id: int, passkey_id: int) -> Passkey | None:
    return session.scalar(
        select(Passkey).where(
            Passkey.id == passkey_id, Passkey.user_id == user_id, Passkey.revoked_at.is_(None)
        )
    )
