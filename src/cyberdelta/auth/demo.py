"""Demonstration tenants for ``cyberdelta demo``: operator, FSA, JVCEA, JPCrypto-ISAC and exchanges.

Idempotent: organisations and members are created only when missing. Members other than the
platform admin get no passkey (they are there to be seen on the members pages); the platform
admin gets a fresh invitation link each run until they have enrolled a passkey.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from cyberdelta.auth.passkeys import active_passkeys
from cyberdelta.platform.audit import service as audit
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy import invitations, service
from cyberdelta.tenancy.models import Organisation, OrganisationKind
from cyberdelta.tenancy.permissions import Role

ADMIN_EMAIL = "admin@cyberdelta.example"
ORGANISATIONS: list[tuple[str, OrganisationKind, str, str, list[Role]]] = [
    ("fsa", OrganisationKind.SUPERVISOR, "金融庁", "Financial Services Agency", [Role.INSPECTOR]),
    ("jvcea", OrganisationKind.SRO, "日本暗号資産等取引業協会", "JVCEA", [Role.ANALYST]),
    ("jpcrypto-isac", OrganisationKind.ISAC, "JPCrypto-ISAC", "JPCrypto-ISAC", [Role.ANALYST]),
    *[
        (
            slug,
            OrganisationKind.EXCHANGE,
            name_ja,
            name_en,
            [Role.ORG_ADMIN, Role.SECURITY_OFFICER, Role.CONTRIBUTOR, Role.EXECUTIVE_APPROVER, Role.VIEWER],
        )
        for slug, name_ja, name_en in [
            ("sakura-exchange", "さくら取引所", "Sakura Exchange"),
            ("fuji-coin", "富士コイン", "Fuji Coin"),
            ("kaede-trade", "かえでトレード", "Kaede Trade"),
        ]
    ],
]


def _organisation(session: Session, slug: str, kind: str, name_ja: str, name_en: str) -> Organisation:
    found = service.get_organisation_by_slug(session, slug)
    if found is None:
        found = service.create_organisation(session, slug=slug, kind=kind, name_ja=name_ja, name_en=name_en)
        audit.record(
            session,
            action="tenancy.organisation_created",
            actor_user_id=None,
            organisation_id=found.id,
            details={"via": "demo"},
        )
    return found


def create_demo(session: Session, settings: Settings) -> str | None:
    """Create the demo tenants; returns an invitation link for the platform admin, or None when the
    admin already has a passkey."""
    operator = service.ensure_operator(session)
    for slug, kind, name_ja, name_en, roles in ORGANISATIONS:
        organisation = _organisation(session, slug, kind, name_ja, name_en)
        for role in roles:
            user = service.get_or_create_user(session, f"{role.value.replace('_', '.')}@{slug}.example")
            if service.membership(session, user.id, organisation.id) is None:
                service.set_membership(session, user, organisation, role)
    admin = service.get_or_create_user(session, ADMIN_EMAIL, "Platform admin")
    if active_passkeys(session, admin.id):
        return None
    _invitation, url = invitations.create_invitation(
        session, settings, operator, ADMIN_EMAIL, Role.PLATFORM_ADMIN, None
    )
    return url
