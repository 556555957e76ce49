"""API tokens for machine clients (the TAXII hub, scripts): one organisation, a set of permissions.

The raw token (``cdt_`` + 43 URL-safe characters, 256 random bits) is shown once; only its
SHA-256 is stored. It is sent as ``Authorization: Bearer <token>`` (RFC 6750 §2.1).

A token is bound to the person who made it (OWASP ASVS 5.0 V8.2 "General authorization design"):
its power is at most its creator's *current* power, so it narrows when the creator loses a
permission and stops working when they leave the organisation. What needs a person's passkey
confirmation (signing off, accepting or returning a submission, managing members or tokens) is never
possible with a token (:data:`PERSON_ONLY`); exporting data is, but only for a token a person made
with the export permission (a person makes tokens only after a step-up), and the export is audited
with the token and its creator (docs/accounts.md, "API tokens").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.auth.models import ApiToken
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.secrets import digest, new_token
from cyberdelta.tenancy.models import Membership, Organisation
from cyberdelta.tenancy.permissions import Permission, parse_role, permissions_for
from cyberdelta.tenancy.principal import Principal
from cyberdelta.tenancy.service import TenancyError

TOKEN_PREFIX = "cdt_"  # noqa: S105 (a public prefix, not a secret)
PERSON_ONLY: frozenset[Permission] = frozenset(
    {
        Permission.ASSESSMENT_SIGN_OFF,
        Permission.ASSESSMENT_REVIEW,
        Permission.MEMBERS_MANAGE,
        Permission.TOKENS_MANAGE,
        Permission.ORGANISATIONS_MANAGE,
    }
)
MAX_EXPIRY_DAYS = 3650
LAST_USED_RESOLUTION = timedelta(minutes=1)


def create_api_token(
    session: Session,
    *,
    organisation_id: int,
    name: str,
    permissions: Iterable[Permission],
    actor: Actor,
    expires_in_days: int | None,
) -> tuple[ApiToken, str]:
    """Create a token for ``actor`` (its creator: a person, or the console); returns the row and the
    raw token, which is never retrievable again. Audited as ``auth.token_created``."""
    created_by_user_id = actor.user_id
    chosen = sorted({Permission(item).value for item in permissions})
    if not chosen:
        raise TenancyError("permissions", _("choose at least one permission"))
    person_only = sorted(set(chosen) & {item.value for item in PERSON_ONLY})
    if person_only:
        raise TenancyError(
            "permissions",
            _(
                "%(permissions)s cannot be given to a token: it needs a person's passkey confirmation",
                permissions=", ".join(person_only),
            ),
        )
    if Permission.DATA_EXPORT.value in chosen and created_by_user_id is None:
        raise TenancyError(
            "permissions", _("only a token made by a person on the tokens page may export data")
        )
    if created_by_user_id is not None:
        held = _creator_permissions(session, created_by_user_id, organisation_id)
        beyond = sorted(set(chosen) - {item.value for item in held})
        if beyond:
            raise TenancyError(
                "permissions",
                _(
                    "a token cannot hold more than its creator: %(permissions)s",
                    permissions=", ".join(beyond),
                ),
            )
    if not name.strip() or len(name.strip()) > 100:
        raise TenancyError("name", _("give the token a name of at most 100 characters"))
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise TenancyError("expires", _("the expiry must be between 1 and 3650 days"))
    if session.get(Organisation, organisation_id) is None:
        raise TenancyError("organisation", _("no such organisation"))
    raw = new_token(TOKEN_PREFIX)
    token = ApiToken(
        organisation_id=organisation_id,
        name=name.strip(),
        token_hash=digest(raw),
        prefix=raw[:12],
        permissions=chosen,
        created_by_user_id=created_by_user_id,
        expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(token)
    session.flush()
    audit(
        session,
        actor,
        "auth.token_created",
        object_type="api_token",
        object_id=token.id,
        organisation_id=organisation_id,
        details={"permissions": token.permissions},
    )
    return token, raw


def authenticate_api_token(session: Session, raw_token: str) -> Principal | None:
    """The principal of a valid token; None when it is unknown, expired or revoked.

    One indexed query (token hash joined to its organisation). ``last_used_at`` is written at most
    once per :data:`LAST_USED_RESOLUTION` (it is shown to the minute): a client paging through a
    TAXII collection does not turn every read into a write.
    """
    if not raw_token.startswith(TOKEN_PREFIX) or len(raw_token) > 200:
        return None
    found = session.execute(
        select(ApiToken, Organisation, Membership.role)
        .join(Organisation, Organisation.id == ApiToken.organisation_id)
        .outerjoin(
            Membership,
            (Membership.user_id == ApiToken.created_by_user_id)
            & (Membership.organisation_id == ApiToken.organisation_id),
        )
        .where(ApiToken.token_hash == digest(raw_token))
    ).first()
    now = utcnow()
    if found is None:
        return None
    token, organisation, creator_role = found
    if token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    granted = frozenset(Permission(item) for item in token.permissions) - PERSON_ONLY
    if token.created_by_user_id is not None:
        if creator_role is None:
            return None  # the creator left the organisation: the token went with them
        granted &= permissions_for(parse_role(creator_role))
    else:
        granted -= {Permission.DATA_EXPORT}
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
    return Principal(
        user_id=None,
        organisation_id=organisation.id,
        organisation_kind=organisation.kind,
        role=None,
        permissions=granted,
        token_id=token.id,
        token_creator_id=token.created_by_user_id,
    )


def _creator_permissions(session: Session, user_id: int, organisation_id: int) -> frozenset[Permission]:
    role = session.scalar(
        select(Membership.role).where(
            Membership.user_id == user_id, Membership.organisation_id == organisation_id
        )
    )
    return permissions_for(parse_role(role)) if role is not None else frozenset()


def tokens_of(session: Session, organisation_id: int) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.organisation_id == organisation_id).order_by(ApiToken.id.desc())
        )
    )


def revoke_api_token(session: Session, actor: Actor, organisation_id: int, token_id: int) -> ApiToken | None:
    """Revoke one of the acting organisation's tokens; None when it has no such token."""
    token = session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.organisation_id == organisation_id)
    )
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()
        audit(
            session,
            actor,
            "auth.token_revoked",
            object_type="api_token",
            object_id=token.id,
            organisation_id=organisation_id,
        )
    return token
