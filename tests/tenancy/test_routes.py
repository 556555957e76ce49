"""Members pages: invite, change a role, remove; switching organisation; each change is audited."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import Membership, OrganisationKind
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_member, make_organisation, sign_in_client
from tests.public_ids import public


def test_an_admin_changes_a_role_and_removes_a_member(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        admin = make_member(session, exchange, Role.ORG_ADMIN)
        make_member(session, exchange, Role.VIEWER, email="viewer@example.jp")
        target = session.scalars(select(Membership).where(Membership.role == "viewer")).one()
    sign_in_client(client, admin, exchange)
    client.cookies.set("cd_lang", "en")
    assert "viewer@example.jp" in client.get("/org/members").text

    refused = client.post(
        f"/org/members/{public(client, 'membership', target.id)}/role", data={"role": "inspector"}
    )
    assert refused.status_code == 400 and "role:" in refused.text
    changed = client.post(
        f"/org/members/{public(client, 'membership', target.id)}/role",
        data={"role": "contributor"},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    removed = client.post(
        f"/org/members/{public(client, 'membership', target.id)}/remove", follow_redirects=False
    )
    assert removed.status_code == 303
    with transaction(session_factory) as session:
        assert session.get(Membership, target.id) is None
        actions = [row.action for row in session.scalars(select(AuditEntry).order_by(AuditEntry.sequence))]
    assert actions == ["tenancy.role_changed", "tenancy.member_removed"]


def test_a_member_switches_between_their_organisations_only(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        isac = make_organisation(session, OrganisationKind.ISAC)
        stranger = make_organisation(session, OrganisationKind.SRO)
        user = make_member(session, exchange, Role.SECURITY_OFFICER, email="both@example.jp")
        make_member(session, isac, Role.ANALYST, email="both@example.jp")
    sign_in_client(client, user, exchange)
    assert client.get("/api/v1/me").json()["role"] == "security_officer"
    switched = client.post(
        "/account/organisation", data={"organisation_id": str(isac.id)}, follow_redirects=False
    )
    assert switched.status_code == 303
    me = client.get("/api/v1/me").json()
    assert (me["organisation_id"], me["role"]) == (isac.id, "analyst")
    assert client.post("/account/organisation", data={"organisation_id": str(stranger.id)}).status_code == 404
    assert client.get("/api/v1/me").json()["organisation_id"] == isac.id


def test_the_audit_trail_shows_an_admin_only_their_organisation(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        mine = make_organisation(session, OrganisationKind.EXCHANGE)
        theirs = make_organisation(session, OrganisationKind.EXCHANGE)
        operator = make_organisation(session, OrganisationKind.OPERATOR)
        admin = make_member(session, mine, Role.ORG_ADMIN)
        their_admin = make_member(session, theirs, Role.ORG_ADMIN)
        platform = make_member(session, operator, Role.PLATFORM_ADMIN)
    for user, organisation in ((admin, mine), (their_admin, theirs)):
        sign_in_client(client, user, organisation)
        client.post("/org/invitations", data={"email": f"new{organisation.id}@example.jp", "role": "viewer"})
    sign_in_client(client, admin, mine)
    entries = client.get("/api/v1/audit").json()
    assert [e["organisation_id"] for e in entries] == [mine.id]
    assert f"new{theirs.id}@" not in client.get("/org/audit").text
    sign_in_client(client, platform, operator)
    everything = {e["organisation_id"] for e in client.get("/api/v1/audit").json()}
    assert everything == {mine.id, theirs.id}
