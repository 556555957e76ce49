"""One-time invitation links: how every account is created (docs/accounts.md).

``cyberdelta admin create``, ``org create`` and ``member add`` print the link; the members page
shows it and, when SMTP is configured, e-mails it. The token is 256 random bits, stored as SHA-256.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.secrets import digest, new_token
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy import service
from cyberdelta.tenancy.models import Invitation, Organisation, User
from cyberdelta.tenancy.permissions import parse_role, role_allowed
from cyberdelta.tenancy.service import TenancyError


def invitation_url(settings: Settings, raw: str) -> str:
    return f"{settings.base_url.rstrip('/')}/auth/enrol/{raw}"


def create_invitation(
    session: Session,
    settings: Settings,
    organisation: Organisation,
    email: str,
    role: str,
    created_by_user_id: int | None,
    email_language: str = "",
) -> tuple[Invitation, str]:
    """An invitation for ``email`` to join ``organisation`` as ``role``; returns it and its URL.

    ``email_language`` (``ja``, ``en``, empty for both) becomes the person's e-mail language when
    they have not chosen one themselves; a choice they made stays."""
    parsed = parse_role(role)
    if parsed is None or not role_allowed(organisation.kind, parsed):
        raise TenancyError("role", _("this role does not exist in this kind of organisation"))
    language = service.email_language_choice(email_language)  # checked before anything is written
    user = service.get_or_create_user(session, email)
    if user.email_language is None:
        user.email_language = language
    raw = new_token()
    invitation = Invitation(
        token_hash=digest(raw),
        email=user.email,
        organisation_id=organisation.id,
        role=parsed.value,
        created_by_user_id=created_by_user_id,
        expires_at=utcnow() + timedelta(days=settings.invitation_days),
    )
    session.add(invitation)
    session.flush()
    return invitation, invitation_url(settings, raw)


def find_open_invitation(session: Session, raw: str) -> Invitation | None:
    """The invitation behind a link, when it is unused, unrevoked and unexpired."""
    if not raw or len(raw) > 200:
        return None
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == digest(raw)))
    if invitation is None or invitation.used_at or invitation.revoked_at or invitation.expires_at <= utcnow():
        return None
    return invitation


def invited_user(session: Session, invitation: Invitation) -> User:
    return service.get_or_create_user(session, invitation.email)


def accept(session: Session, invitation: Invitation) -> User:
    """Use the invitation: the user becomes a member with the invited role; the link is spent."""
    user = invited_user(session, invitation)
    organisation = session.get(Organisation, invitation.organisation_id)
    if organisation is None:
        raise TenancyError("organisation", _("no such organisation"))
    service.set_membership(session, user, organisation, invitation.role)
    invitation.used_at = utcnow()
    return user


def open_invitations(session: Session, organisation_id: int) -> list[Invitation]:
    return list(
        session.scalars(
            select(Invitation)
            .where(
                Invitation.organisation_id == organisation_id,
                Invitation.used_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
            .order_by(Invitation.id.desc())
        )
    )


def revoke_invitation(session: Session, organisation_id: int, invitation_id: int) -> Invitation | None:
    """Revoke one of the acting organisation's invitations; None when it has no such invitation."""
    invitation = session.scalar(
        select(Invitation).where(
            Invitation.id == invitation_id, Invitation.organisation_id == organisation_id
        )
    )
    if invitation is not None and invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
    return invitation
