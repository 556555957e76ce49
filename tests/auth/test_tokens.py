"""API tokens: shown once, stored as SHA-256, scoped to one organisation, expiring and revocable."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.auth.models import ApiToken
from cyberdelta.auth.tokens import authenticate_api_token, create_api_token, revoke_api_token
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.service import TenancyError
from tests.accounts_factories import make_api_token, make_organisation


def test_a_token_is_stored_only_as_its_sha256(session_factory: sessionmaker[Session]) -> None:
    with transaction(session_factory) as session:
        isac = make_organisation(session, OrganisationKind.ISAC)
        token, raw = create_api_token(
            session,
            organisation_id=isac.id,
            name="TAXII client",
            permissions=[Permission.INTEL_READ],
            actor=Actor.console(),
            expires_in_days=30,
        )
    assert raw.startswith("cdt_") and len(raw) > 40
    with transaction(session_factory) as session:
        stored = session.scalars(select(ApiToken)).one()
        assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
        assert raw not in {stored.token_hash, stored.prefix, stored.name}
        principal = authenticate_api_token(session, raw)
    assert principal is not None
    assert principal.organisation_id == isac.id and principal.organisation_kind == "isac"
    assert principal.role is None and principal.user_id is None and principal.token_id == token.id
    assert principal.has(Permission.INTEL_READ) and not principal.has(Permission.INTEL_WRITE)


def test_unknown_expired_and_revoked_tokens_authenticate_nobody(
    session_factory: sessionmaker[Session],
) -> None:
    with transaction(session_factory) as session:
        org = make_organisation(session, OrganisationKind.EXCHANGE)
        expired = make_api_token(session, org, [Permission.INTEL_READ])
        revoked = make_api_token(session, org, [Permission.INTEL_READ])
        rows = {row.prefix: row for row in session.scalars(select(ApiToken))}
        rows[expired[:12]].expires_at = rows[expired[:12]].created_at - timedelta(seconds=1)
        assert revoke_api_token(session, Actor.console(), org.id, rows[revoked[:12]].id) is not None
    with transaction(session_factory) as session:
        assert authenticate_api_token(session, expired) is None
        assert authenticate_api_token(session, revoked) is None
        assert authenticate_api_token(session, "cdt_" + "A" * 43) is None
        assert authenticate_api_token(session, "not-a-token") is None


def test_another_organisation_cannot_revoke_a_token(session_factory: sessionmaker[Session]) -> None:
    with transaction(session_factory) as session:
        mine = make_organisation(session, OrganisationKind.EXCHANGE)
        theirs = make_organisation(session, OrganisationKind.EXCHANGE)
        raw = make_api_token(session, theirs, [Permission.INTEL_READ])
        token_id = session.scalars(select(ApiToken.id)).one()
        assert revoke_api_token(session, Actor.console(), mine.id, token_id) is None
    with transaction(session_factory) as session:
        assert authenticate_api_token(session, raw) is not None


@pytest.mark.parametrize(
    ("field", "name", "permissions", "days"),
    [
        ("permissions", "t", [], None),
        ("name", " ", [Permission.INTEL_READ], None),
        ("expires", "t", [Permission.INTEL_READ], 0),
    ],
)
def test_invalid_tokens_are_refused_naming_the_field(
    session_factory: sessionmaker[Session],
    field: str,
    name: str,
    permissions: list[Permission],
    days: int | None,
) -> None:
    with transaction(session_factory) as session:
        org = make_organisation(session, OrganisationKind.EXCHANGE)
    with pytest.raises(TenancyError) as raised, transaction(session_factory) as session:
        create_api_token(
            session,
            organisation_id=org.id,
            name=name,
            permissions=permissions,
            actor=Actor.console(),
            expires_in_days=days,
        )
    assert raised.value.field == field


def test_the_api_accepts_a_bearer_token_and_refuses_a_bad_one(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        org = make_organisation(session, OrganisationKind.SRO)
        raw = make_api_token(session, org, [Permission.INTEL_READ, Permission.INTEL_WRITE])
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 200
    assert answer.json()["organisation_id"] == org.id
    assert answer.json()["permissions"] == ["intel:read", "intel:write"]
    refused = client.get("/api/v1/me", headers={"Authorization": "Bearer cdt_wrong"})
    assert refused.status_code == 401 and "Bearer" in refused.headers["www-authenticate"]
    assert client.get("/api/v1/me").status_code == 401
