"""One dependency identifies the caller: session cookie or bearer token; anonymous is 401."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import ROLE_PERMISSIONS, Role
from tests.accounts_factories import make_member, make_organisation, sign_in_client


def test_a_signed_in_member_acts_with_the_role_of_their_organisation(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        user = make_member(session, exchange, Role.EXECUTIVE_APPROVER)
    sign_in_client(client, user, exchange)
    answer = client.get("/api/v1/me")
    assert answer.status_code == 200
    body = answer.json()
    assert body["user_id"] == user.id and body["organisation_id"] == exchange.id
    assert body["role"] == "executive_approver"
    assert set(body["permissions"]) == set(ROLE_PERMISSIONS[Role.EXECUTIVE_APPROVER])


def test_an_unknown_session_cookie_is_anonymous(client: TestClient) -> None:
    client.cookies.set("cd_session", "forged-session-value")
    assert client.get("/api/v1/me").status_code == 401
