"""What administrators do to organisations and their members, each audited with its actor
(docs/accounts.md; docs/architecture.md, "Actors and the audit trail"): the same entry whether
done on the members page or with ``cyberdelta org|member|admin``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy import invitations, service
from cyberdelta.tenancy.models import Invitation, Membership, Organisation


def invite(
    session: Session,
    settings: Settings,
    actor: Actor,
    organisation: Organisation,
    email: str,
    role: str,
    email_language: str = "",
) -> tuple[Invitation, str]:
    """An invitation for ``email`` to join ``organisation`` as ``role`` and its one-time URL."""
    invitation, url = invitations.create_invitation(
        session, settings, organisation, email, role, actor.user_id, email_language
    )
    audit(
        session,
        actor,
        "tenancy.invitation_created",
        object_type="invitation",
        object_id=invitation.id,
        organisation_id=organisation.id,
        details={"email": invitation.email, "role": invitation.role},
    )
    return invitation, url


def found_organisation(
    session: Session,
    settings: Settings,
    actor: Actor,
    *,
    slug: str,
    kind: str,
    name_ja: str,
    name_en: str,
    admin_email: str,
) -> tuple[Organisation, Invitation, str]:
    """A new organisation and the invitation of its first administrator."""
    service.normalise_email(admin_email)  # checked before anything is written
    organisation = service.create_organisation(
        session, slug=slug, kind=kind, name_ja=name_ja, name_en=name_en
    )
    audit(
        session,
        actor,
        "tenancy.organisation_created",
        object_type="organisation",
        object_id=organisation.id,
        organisation_id=organisation.id,
        details={"slug": organisation.slug, "kind": organisation.kind},
    )
    invitation, url = invite(
        session, settings, actor, organisation, admin_email, service.first_admin_role(kind)
    )
    return organisation, invitation, url


def revoke_invitation(
    session: Session, actor: Actor, organisation_id: int, invitation_id: int
) -> Invitation | None:
    """Revoke one of ``organisation_id``'s invitations; None when it has no such invitation."""
    found = invitations.revoke_invitation(session, organisation_id, invitation_id)
    if found is not None:
        audit(
            session,
            actor,
            "tenancy.invitation_revoked",
            object_type="invitation",
            object_id=found.id,
            organisation_id=organisation_id,
        )
    return found


def change_role(
    session: Session, actor: Actor, member: Membership, organisation: Organisation, role: str
) -> Membership:
    """Give ``member`` another role in ``organisation`` (one the organisation's kind allows)."""
    before = member.role
    service.set_membership(session, member.user, organisation, role)
    audit(
        session,
        actor,
        "tenancy.role_changed",
        object_type="membership",
        object_id=member.id,
        organisation_id=organisation.id,
        details={"from": before, "to": member.role},
    )
    return member


def remove_member(session: Session, actor: Actor, member: Membership) -> None:
    """End ``member``'s membership."""
    audit(
        session,
        actor,
        "tenancy.member_removed",
        object_type="membership",
        object_id=member.id,
        organisation_id=member.organisation_id,
        details={"user_id": member.user_id, "role": member.role},
    )
    session.delete(member)
