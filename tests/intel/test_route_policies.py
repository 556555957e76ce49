"""Role × route table of the hub: every role of every kind of organisation, on every hub page and on
TAXII read/write, gets exactly what the permission table of the accounts issue grants."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel import service
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.web.access import policy_of
from cyberdelta.tenancy.permissions import ROLE_PERMISSIONS, ROLES_BY_KIND, Permission
from tests.accounts_factories import make_api_token, make_member, make_organisation, sign_in_client
from tests.intel.stix_factories import ROOT, envelope, indicator, taxii_headers

PAGES = {
    "/intel": Permission.INTEL_READ,
    "/intel/report": Permission.INTEL_WRITE,
    "/intel/lesson": Permission.INTEL_WRITE,
    "/intel/import": Permission.INTEL_WRITE,
    "/intel/collections": Permission.INTEL_ADMIN,
}


def test_every_hub_route_declares_a_policy(app: FastAPI) -> None:
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path.startswith(("/intel", "/taxii2")):
            policies = [
                policy_of(dependency.call) for dependency in route.dependant.dependencies if dependency.call
            ]
            assert any(policy is not None for policy in policies), route.path


def test_pages_follow_the_permission_table(app: FastAPI, session_factory: sessionmaker[Session]) -> None:
    for kind, roles in ROLES_BY_KIND.items():
        for role in sorted(roles):
            with transaction(session_factory) as session:
                organisation = make_organisation(session, kind)
                user = make_member(session, organisation, role)
            with TestClient(app) as client:
                sign_in_client(client, user, organisation)
                for path, permission in PAGES.items():
                    expected = 200 if permission in ROLE_PERMISSIONS[role] else 403
                    assert client.get(path).status_code == expected, (kind, role, path)


def test_taxii_follows_the_token_permissions(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        collection = service.create_collection(session, title="feed")
        organisation = make_organisation(session, "exchange")
        tokens = {
            frozenset(granted): make_api_token(session, organisation, granted)
            for granted in (
                (Permission.AUDIT_READ,),
                (Permission.INTEL_READ,),
                (Permission.INTEL_WRITE,),
                (Permission.INTEL_READ, Permission.INTEL_WRITE),
            )
        }
    url = f"{ROOT}/collections/{collection.id}/objects/"
    for granted, token in tokens.items():
        read = client.get(url, headers=taxii_headers(token)).status_code
        write = client.post(url, json=envelope([indicator()]), headers=taxii_headers(token)).status_code
        # A collection the token can neither read nor write is not revealed at all.
        hidden = not granted & {Permission.INTEL_READ, Permission.INTEL_WRITE}
        assert read == (200 if Permission.INTEL_READ in granted else 404 if hidden else 403), granted
        assert write == (202 if Permission.INTEL_WRITE in granted else 403), granted
