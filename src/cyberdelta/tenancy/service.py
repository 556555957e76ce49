"""Organisations, users, memberships: the only place with their queries."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.settings import SUPPORTED_LANGUAGES
from cyberdelta.tenancy.models import Membership, Organisation, OrganisationKind, User
from cyberdelta.tenancy.permissions import ROLES_BY_KIND, Role, parse_role, role_allowed

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class TenancyError(DomainError, ValueError):
    """A request about organisations or members that cannot be carried out; names the field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def create_organisation(
    session: Session, *, slug: str, kind: str, name_ja: str, name_en: str
) -> Organisation:
    """A new tenant; the slug is its stable, URL-safe name."""
    if not SLUG.match(slug):
        raise TenancyError("slug", _("use 2 to 63 lower-case letters, digits or hyphens"))
    if kind not in {item.value for item in OrganisationKind}:
        raise TenancyError("kind", _("use exchange, sro, isac, supervisor or operator"))
    if not name_ja.strip() or not name_en.strip():
        raise TenancyError("name", _("both the Japanese and the English name are required"))
    if get_organisation_by_slug(session, slug) is not None:
        raise TenancyError("slug", _("an organisation with this slug already exists"))
    organisation = Organisation(slug=slug, kind=kind, name_ja=name_ja.strip(), name_en=name_en.strip())
    session.add(organisation)
    session.flush()
    return organisation


def get_organisation_by_slug(session: Session, slug: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.slug == slug))


def get_organisation(session: Session, organisation_id: int) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def list_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.kind, Organisation.slug)))


def normalise_email(email: str) -> str:
    value = email.strip().lower()
    if not EMAIL.match(value) or len(value) > 254:
        raise TenancyError("email", _("not a valid e-mail address"))
    return value


def get_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def get_or_create_user(session: Session, email: str, display_name: str | None = None) -> User:
    address = normalise_email(email)
    user = get_user_by_email(session, address)
    if user is None:
        user = User(
            email=address,
            display_name=(display_name or address.split("@")[0])[:200],
            user_handle=secrets.token_urlsafe(32),
        )
        session.add(user)
        session.flush()
    return user


def email_language_choice(code: str) -> str | None:
    """An e-mail language as chosen on a form: ``ja``, ``en``, or empty for both (``None``);
    anything else is refused."""
    value = code.strip()
    if value and value not in SUPPORTED_LANGUAGES:
        raise TenancyError("email_language", _("choose Japanese, English or both"))
    return value or None


def set_email_language(session: Session, user: User, code: str) -> str | None:
    """Set the language of the member's e-mails (:func:`email_language_choice`); a refused value
    changes nothing."""
    user.email_language = email_language_choice(code)
    session.flush()
    return user.email_language


def membership(session: Session, user_id: int, organisation_id: int) -> Membership | None:
    return session.scalar(
        select(Membership).where(Membership.user_id == user_id, Membership.organisation_id == organisation_id)
    )


def membership_in(session: Session, organisation_id: int, membership_id: int) -> Membership | None:
    """One membership of this organisation by its id; None for another organisation's (tenant isolation)."""
    return session.scalar(
        select(Membership).where(
            Membership.id == membership_id, Membership.organisation_id == organisation_id
        )
    )


def memberships_of(session: Session, user_id: int) -> list[Membership]:
    return list(
        session.scalars(select(Membership).where(Membership.user_id == user_id).order_by(Membership.id))
    )


def members_of(session: Session, organisation_id: int) -> list[Membership]:
    """The members of the acting organisation (callers pass the principal's organisation)."""
    return list(
        session.scalars(
            select(Membership).where(Membership.organisation_id == organisation_id).order_by(Membership.id)
        )
    )


def set_membership(session: Session, user: User, organisation: Organisation, role: str) -> Membership:
    """Add ``user`` to ``organisation`` with ``role``, or change their role there."""
    parsed = parse_role(role)
    if parsed is None or not role_allowed(organisation.kind, parsed):
        raise TenancyError("role", _("this role does not exist in this kind of organisation"))
    found = membership(session, user.id, organisation.id)
    if found is None:
        found = Membership(user_id=user.id, organisation_id=organisation.id, role=parsed.value)
        session.add(found)
    else:
        found.role = parsed.value
    session.flush()
    return found


OPERATOR_SLUG = "operator"


def ensure_operator(session: Session) -> Organisation:
    found = get_organisation_by_slug(session, OPERATOR_SLUG)
    if found is not None:
        return found
    return create_organisation(
        session,
        slug=OPERATOR_SLUG,
        kind=OrganisationKind.OPERATOR,
        name_ja="プラットフォーム運営者",
        name_en="Platform operator",
    )


def first_admin_role(kind: str) -> Role:
    """The role an organisation's first member gets: its admin (the operator's is platform admin)."""
    roles = ROLES_BY_KIND[OrganisationKind(kind)]
    return Role.ORG_ADMIN if Role.ORG_ADMIN in roles else Role.PLATFORM_ADMIN
