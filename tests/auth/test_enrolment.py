"""An invitation to an address that already has a passkey cannot enrol a new passkey (that would
let whoever can invite an address take its account over); its owner accepts it signed in."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.auth.models import Passkey
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy import invitations
from cyberdelta.tenancy import service as tenancy
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import anonymous_csrf, make_member, make_organisation, sign_in_client


def test_an_existing_account_accepts_by_signing_in_not_by_enrolling(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    with transaction(session_factory) as session:
        operator = make_organisation(session, OrganisationKind.OPERATOR)
        platform_admin = make_member(session, operator, Role.PLATFORM_ADMIN, email="root@operator.example")
        session.add(Passkey(user_id=platform_admin.id, credential_id="c1", public_key=b"k", name="Key"))
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        stranger = make_member(session, exchange, Role.VIEWER)
        _invitation, url = invitations.create_invitation(
            session, settings, exchange, "root@operator.example", Role.VIEWER, None
        )
    path = url.removeprefix(settings.base_url)
    token = anonymous_csrf(client)
    refused = client.post(f"{path}/options", headers={"X-CSRF-Token": token})
    assert refused.status_code == 409 and "invitation:" in refused.json()["detail"]
    assert "/auth/sign-in?next=" in client.get(path).text

    sign_in_client(client, stranger, exchange)
    assert client.post(f"{path}/accept").status_code == 404

    sign_in_client(client, platform_admin, operator)
    accepted = client.post(f"{path}/accept", follow_redirects=False)
    assert accepted.status_code == 303
    with transaction(session_factory) as session:
        membership = tenancy.membership(session, platform_admin.id, exchange.id)
        assert membership is not None and membership.role == "viewer"
    assert client.get(path).status_code == 404  # spent
