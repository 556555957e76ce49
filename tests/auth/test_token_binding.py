"""API tokens are bound to the people who made them (OWASP ASVS 5.0 V8.2): a token's power is at
most its creator's current power, nothing that needs a person's passkey confirmation is possible
with a token, and only a token a person made may export. Both databases."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, update
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.auth.models import ApiToken
from cyberdelta.auth.tokens import PERSON_ONLY, create_api_token
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import Membership, OrganisationKind
from cyberdelta.tenancy.permissions import Permission, Role
from cyberdelta.tenancy.service import TenancyError
from tests.accounts_factories import make_member, make_organisation


def _admin_token(factory: sessionmaker[Session]) -> tuple[str, int, int]:
    with transaction(factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        admin = make_member(session, exchange, Role.ORG_ADMIN)
        _token, raw = create_api_token(
            session,
            organisation_id=exchange.id,
            name="export script",
            permissions=[Permission.INTEL_READ, Permission.DATA_EXPORT],
            actor=Actor.person(admin.id, None),
            expires_in_days=None,
        )
        return raw, admin.id, exchange.id


def _permissions(client: TestClient, raw: str) -> list[str] | int:
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    return answer.json()["permissions"] if answer.status_code == 200 else answer.status_code


def test_a_token_stops_working_when_its_creator_leaves_the_organisation(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    raw, admin_id, exchange_id = _admin_token(session_factory)
    assert _permissions(client, raw) == ["data:export", "intel:read"]
    with transaction(session_factory) as session:
        session.execute(
            delete(Membership).where(
                Membership.user_id == admin_id, Membership.organisation_id == exchange_id
            )
        )
    assert _permissions(client, raw) == 401


def test_a_token_narrows_when_its_creator_loses_a_permission(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    raw, admin_id, exchange_id = _admin_token(session_factory)
    with transaction(session_factory) as session:
        session.execute(
            update(Membership)
            .where(Membership.user_id == admin_id, Membership.organisation_id == exchange_id)
            .values(role=Role.VIEWER.value)
        )
    assert _permissions(client, raw) == ["intel:read"]


@pytest.mark.parametrize("permission", sorted(PERSON_ONLY))
def test_nothing_that_needs_a_passkey_confirmation_can_be_given_to_a_token(
    session_factory: sessionmaker[Session], permission: Permission
) -> None:
    with transaction(session_factory) as session, pytest.raises(TenancyError) as refused:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        create_api_token(
            session,
            organisation_id=exchange.id,
            name="cli",
            permissions=[permission],
            actor=Actor.console(),
            expires_in_days=None,
        )
    assert refused.value.field == "permissions"


def test_a_token_that_holds_a_person_only_permission_from_before_cannot_use_it(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    """A token stored before the rule (as the command line once made them) signs nothing off."""
    raw, _admin_id, _exchange = _admin_token(session_factory)
    with transaction(session_factory) as session:
        session.execute(update(ApiToken).values(permissions=["intel:read", "assessment:sign_off"]))
    assert _permissions(client, raw) == ["intel:read"]


def test_only_a_token_a_person_made_may_export(session_factory: sessionmaker[Session]) -> None:
    with transaction(session_factory) as session, pytest.raises(TenancyError):
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        create_api_token(
            session,
            organisation_id=exchange.id,
            name="cli",
            permissions=[Permission.DATA_EXPORT],
            actor=Actor.console(),
            expires_in_days=None,
        )


def test_a_person_cannot_make_a_token_stronger_than_themselves(
    session_factory: sessionmaker[Session],
) -> None:
    with transaction(session_factory) as session, pytest.raises(TenancyError):
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        viewer = make_member(session, exchange, Role.VIEWER)
        create_api_token(
            session,
            organisation_id=exchange.id,
            name="x",
            permissions=[Permission.INTEL_WRITE],
            actor=Actor.person(viewer.id, None),
            expires_in_days=None,
        )
