"""Demonstration tenants for ``cyberdelta demo``: operator, FSA, JVCEA, JPCrypto-ISAC and the named
exchanges, each with a member for every role its kind of organisation has (docs/accounts.md,
"Roles and what each may do").

Idempotent: organisations and members are created only when missing. Members have no passkey until
they enrol one: ``cyberdelta demo --sign-in-links`` prints a one-time enrolment link per member
(an invitation, docs/accounts.md "Invitations"), and for a member who already has a passkey the
sign-in page. The platform admin gets a fresh invitation link each run until they have enrolled.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from cyberdelta.auth.passkeys import active_passkeys
from cyberdelta.platform.audit import service as audit
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy import invitations, service
from cyberdelta.tenancy.models import Organisation, OrganisationKind
from cyberdelta.tenancy.permissions import ROLES_BY_KIND, Role

ADMIN_EMAIL = "admin@cyberdelta.example"
# The named exchanges of the walkable demo, in the order the demo gives them their states.
EXCHANGES: list[tuple[str, str, str]] = [
    ("sakura-exchange", "さくら取引所", "Sakura Exchange"),
    ("fuji-coin", "富士コイン", "Fuji Coin"),
    ("kaede-trade", "かえでトレード", "Kaede Trade"),
    ("momiji-bitcoin", "もみじビットコイン", "Momiji Bitcoin"),
    ("tsubaki-crypto", "つばきクリプト", "Tsubaki Crypto"),
    ("ume-digital", "うめデジタル", "Ume Digital"),
    ("kiri-markets", "きりマーケッツ", "Kiri Markets"),
]
ORGANISATIONS: list[tuple[str, OrganisationKind, str, str]] = [
    ("fsa", OrganisationKind.SUPERVISOR, "金融庁", "Financial Services Agency"),
    ("jvcea", OrganisationKind.SRO, "日本暗号資産等取引業協会", "JVCEA"),
    ("jpcrypto-isac", OrganisationKind.ISAC, "JPCrypto-ISAC", "JPCrypto-ISAC"),
    *[(slug, OrganisationKind.EXCHANGE, name_ja, name_en) for slug, name_ja, name_en in EXCHANGES],
]
# A fixed order of roles so that members and links are listed the same way every run.
ROLE_ORDER: tuple[Role, ...] = (
    Role.ORG_ADMIN,
    Role.SECURITY_OFFICER,
    Role.CONTRIBUTOR,
    Role.EXECUTIVE_APPROVER,
    Role.VIEWER,
    Role.ANALYST,
    Role.INSPECTOR,
)
DISPLAY_NAMES: dict[Role, str] = {
    Role.ORG_ADMIN: "Admin",
    Role.SECURITY_OFFICER: "CISO",
    Role.CONTRIBUTOR: "Contributor",
    Role.EXECUTIVE_APPROVER: "Executive",
    Role.VIEWER: "Viewer",
    Role.ANALYST: "Analyst",
    Role.INSPECTOR: "Inspector",
}


def member_email(role: Role, slug: str) -> str:
    """The demo member's address, e.g. ``security.officer@sakura-exchange.example``."""
    return f"{role.value.replace('_', '.')}@{slug}.example"


def demo_roles(kind: OrganisationKind) -> list[Role]:
    return [role for role in ROLE_ORDER if role in ROLES_BY_KIND[kind]]


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
    for slug, kind, name_ja, name_en in ORGANISATIONS:
        organisation = _organisation(session, slug, kind, name_ja, name_en)
        for role in demo_roles(kind):
            name = f"{DISPLAY_NAMES[role]} ({name_en})"
            user = service.get_or_create_user(session, member_email(role, slug), name)
            if service.membership(session, user.id, organisation.id) is None:
                service.set_membership(session, user, organisation, role)
    admin = service.get_or_create_user(session, ADMIN_EMAIL, "Platform admin")
    if active_passkeys(session, admin.id):
        return None
    _invitation, url = invitations.create_invitation(
        session, settings, operator, ADMIN_EMAIL, Role.PLATFORM_ADMIN, None
    )
    return url


@dataclass(frozen=True)
class SignInLink:
    """How one demo member signs in: a fresh enrolment link, or the sign-in page once enrolled."""

    organisation: str
    role: Role
    email: str
    url: str
    enrolled: bool


def sign_in_links(session: Session, settings: Settings) -> list[SignInLink]:
    """One link per demo member and role (the platform admin first). A member without a passkey gets
    a new one-time invitation to their own role (accepting it enrols a passkey and signs them in);
    one with a passkey gets the sign-in page."""
    sign_in = settings.base_url.rstrip("/") + "/auth/sign-in"
    members: list[tuple[Organisation, Role, str]] = [
        (service.ensure_operator(session), Role.PLATFORM_ADMIN, ADMIN_EMAIL)
    ]
    for slug, kind, _name_ja, _name_en in ORGANISATIONS:
        organisation = service.get_organisation_by_slug(session, slug)
        if organisation is not None:
            members.extend((organisation, role, member_email(role, slug)) for role in demo_roles(kind))
    links = []
    for organisation, role, email in members:
        user = service.get_or_create_user(session, email)
        if active_passkeys(session, user.id):
            links.append(SignInLink(organisation.slug, role, email, sign_in, True))
            continue
        _invitation, url = invitations.create_invitation(session, settings, organisation, email, role, None)
        links.append(SignInLink(organisation.slug, role, email, url, False))
    return links
