"""API tokens for machine clients (the TAXII hub, scripts): one organisation, a set of permissions.

The raw token (``cdt_`` + 43 URL-safe characters, 256 random bits) is shown once; only its
SHA-256 is stored. It is sent as ``Authorization: Bearer <token>`` (RFC 6750 §2.1).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.auth.models import ApiToken
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.secrets import digest, new_token
from cyberdelta.tenancy.models import Organisation
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal
from cyberdelta.tenancy.service import TenancyError

TOKEN_PREFIX = "cdt_"  # noqa: S105 (a public prefix, not a secret)
MAX_EXPIRY_DAYS = 3650
LAST_USED_RESOLUTION = timedelta(minutes=1)


def create_api_token(
    session: Session,
    *,
    organisation_id: int,
    name: str,
    permissions: Iterable[Permission],
    created_by_user_id: int | None,
    expires_in_days: int | None,
) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the raw token, which is never retrievable again."""
    chosen = sorted({Permission(item).value for item in permissions})
    if not chosen:
        raise TenancyError("permissions", _("choose at least one permission"))
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
        select(ApiToken, Organisation)
        .join(Organisation, Organisation.id == ApiToken.organisation_id)
        .where(ApiToken.token_hash == digest(raw_token))
    ).first()
    now = utcnow()
    if found is None:
        return None
    token, organisation = found
    if token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
    return Principal(
        user_id=None,
        organisation_id=organisation.id,
        organisation_kind=organisation.kind,
        role=None,
        permissions=frozenset(Permission(item) for item in token.permissions),
        token_id=token.id,
    )


def tokens_of(session: Session, organisation_id: int) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.organisation_id == organisation_id).order_by(ApiToken.id.desc())
        )
    )


def revoke_api_token(session: Session, organisation_id: int, token_id: int) -> ApiToken | None:
    """Revoke one of the acting organisation's tokens; None when it has no such token."""
    token = session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.organisation_id == organisation_id)
    )
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()
    return token
