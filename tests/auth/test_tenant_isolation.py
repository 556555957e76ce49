"""Tenant isolation: for every route that takes an object id, a member of organisation A asking
for organisation B's object gets 404, the answer contains nothing of B's, and B's object is
untouched. Routes come from the router: a new route with an ``*_id`` parameter needs an entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.auth.models import ApiToken, Passkey
from cyberdelta.auth.permissions import Permission, Role
from cyberdelta.auth.tokens import authenticate_api_token
from cyberdelta.db.engine import transaction
from cyberdelta.settings import Settings
from cyberdelta.tenancy import invitations
from cyberdelta.tenancy.models import Invitation, Membership, OrganisationKind
from tests.accounts_factories import make_api_token, make_member, make_organisation, sign_in_client
from tests.auth.route_policies import EXPECTED
from tests.auth.route_table import endpoints

# Which object of organisation B (or of B's user) each id parameter names.
OBJECTS = {"passkey_id", "token_id", "invitation_id", "membership_id"}


@dataclass
class TheirWorld:
    ids: dict[str, str]
    secrets: list[str]
    raw_token: str


def _their_world(session_factory: sessionmaker[Session], settings: Settings) -> TheirWorld:
    with transaction(session_factory) as session:
        theirs = make_organisation(
            session,
            OrganisationKind.EXCHANGE,
            slug="rival-exchange",
            name_ja="ライバル取引所",
            name_en="Rival",
        )
        their_admin = make_member(session, theirs, Role.ORG_ADMIN, email="boss@rival.example")
        raw = make_api_token(session, theirs, [Permission.INTEL_READ])
        invitation, _url = invitations.create_invitation(
            session, settings, theirs, "newcomer@rival.example", Role.VIEWER, None
        )
        passkey = Passkey(
            user_id=their_admin.id, credential_id="rival-credential", public_key=b"\x00", name="Rival key"
        )
        session.add(passkey)
        session.flush()
        membership = session.scalars(select(Membership).where(Membership.user_id == their_admin.id)).one()
        token_id = session.scalars(select(ApiToken.id)).one()
        ids = {
            "passkey_id": str(passkey.id),
            "token_id": str(token_id),
            "invitation_id": str(invitation.id),
            "membership_id": str(membership.id),
        }
    return TheirWorld(ids, ["rival", "Rival", "ライバル", "newcomer@", "boss@", raw[:12]], raw)


def test_another_organisations_objects_answer_404_and_stay_untouched(
    client: TestClient, app: FastAPI, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    world = _their_world(session_factory, settings)
    with transaction(session_factory) as session:
        mine = make_organisation(session, OrganisationKind.EXCHANGE, slug="my-exchange")
        me = make_member(session, mine, Role.ORG_ADMIN, email="admin@mine.example")
    routes = [e for e in endpoints(app) if any(f"{{{name}}}" in e.path for name in OBJECTS)]
    # Public routes (the supervisory catalog) hold no organisation's data.
    unknown = [
        e.path
        for e in endpoints(app)
        if "_id}" in e.path
        and EXPECTED[(e.method, e.path)] != "public"
        and not any(n in e.path for n in OBJECTS)
    ]
    assert not unknown, f"routes with an object id this test does not know: {unknown}"
    assert len(routes) >= 7
    for endpoint in routes:
        sign_in_client(client, me, mine)
        form = {"name": "stolen", "role": "viewer"}
        response = client.request(
            endpoint.method, endpoint.sample_path(world.ids), data=form if endpoint.method == "POST" else None
        )
        assert response.status_code == 404, f"{endpoint.method} {endpoint.path}: {response.status_code}"
        leaked = [text for text in world.secrets if text in response.text]
        assert not leaked, f"{endpoint.method} {endpoint.path} shows {leaked}"
    with transaction(session_factory) as session:
        assert authenticate_api_token(session, world.raw_token) is not None
        assert session.scalars(select(Invitation)).one().revoked_at is None
        passkey = session.scalars(select(Passkey)).one()
        assert (passkey.name, passkey.revoked_at) == ("Rival key", None)
        roles = {m.role for m in session.scalars(select(Membership))}
        assert roles == {"org_admin"}
