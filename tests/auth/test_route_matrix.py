"""Role × route matrix: every route of the app, every role of every kind of organisation, and
anonymous, get exactly what the permission table allows (issue #4, "authorisation in one place").

Routes come from the router: a new route without a declared policy fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.secrets import keyed_digest
from cyberdelta.platform.web.csrf import ANONYMOUS_COOKIE, HEADER
from cyberdelta.tenancy.models import Organisation, OrganisationKind, User
from cyberdelta.tenancy.permissions import ROLE_PERMISSIONS, ROLES_BY_KIND, Permission, Role
from tests.accounts_factories import make_member, make_organisation, sign_in_client
from tests.auth.route_policies import EXPECTED
from tests.auth.route_table import Endpoint, endpoints, framework_routes

DOCS = Path(__file__).resolve().parents[2] / "docs"
POLICIES = {"public", "authenticated", "signed_in"}


def _is_api(path: str) -> bool:
    return path.startswith(("/api/", "/taxii2/"))


def _call(client: TestClient, endpoint: Endpoint) -> Response:
    path = endpoint.sample_path()
    if endpoint.method in {"POST", "PUT", "PATCH"}:
        return client.request(endpoint.method, path, data={}, follow_redirects=False)
    return client.request(endpoint.method, path, follow_redirects=False)


def _refused_as_anonymous(endpoint: Endpoint, response: Response) -> bool:
    if _is_api(endpoint.path):
        return response.status_code == 401
    return response.status_code == 303 and response.headers["location"].startswith("/auth/sign-in")


def _allowed(response: Response) -> bool:
    redirected_to_auth = response.status_code == 303 and response.headers["location"].startswith("/auth/")
    return response.status_code not in (401, 403) and not redirected_to_auth


def test_the_only_other_routes_are_the_public_openapi_document_and_static_files(app: FastAPI) -> None:
    assert framework_routes(app) == {"/api/openapi.json", "/static"}
    assert len(endpoints(app)) > 30


def test_every_route_has_an_entry_and_declares_that_policy(app: FastAPI) -> None:
    served = {(e.method, e.path): e.policy for e in endpoints(app)}
    assert set(served) == set(EXPECTED), {
        "routes without an entry in route_policies.py": sorted(set(served) - set(EXPECTED)),
        "entries without a route": sorted(set(EXPECTED) - set(served)),
    }
    assert {key: served[key] for key in EXPECTED} == EXPECTED


def test_every_route_declares_exactly_one_policy(app: FastAPI) -> None:
    missing = [f"{e.method} {e.path}" for e in endpoints(app) if e.policy is None]
    assert not missing, (
        f"routes without a policy (use require(), signed_in, authenticated or public): {missing}"
    )
    unknown = [e for e in endpoints(app) if not isinstance(e.policy, Permission) and e.policy not in POLICIES]
    assert not unknown


def test_anonymous_gets_only_public_routes(client: TestClient, app: FastAPI) -> None:
    client.get("/")
    anonymous = client.cookies.get(ANONYMOUS_COOKIE)
    assert anonymous
    client.headers[HEADER] = keyed_digest(app.state.settings.resolved_secret_key(), "anonymous:" + anonymous)
    wrong = []
    for endpoint in endpoints(app):
        response = _call(client, endpoint)
        expected_open = EXPECTED[(endpoint.method, endpoint.path)] == "public"
        if expected_open != _allowed(response) or (
            not expected_open and not _refused_as_anonymous(endpoint, response)
        ):
            wrong.append(f"{endpoint.method} {endpoint.path}: {response.status_code}")
    assert not wrong, wrong


def _principals(
    session_factory: sessionmaker[Session],
) -> list[tuple[OrganisationKind, Role, User, Organisation]]:
    found = []
    with transaction(session_factory) as session:
        for kind, roles in ROLES_BY_KIND.items():
            organisation = make_organisation(session, kind)
            for role in sorted(roles):
                found.append((kind, role, make_member(session, organisation, role), organisation))
    return found


def test_every_role_gets_exactly_what_the_table_allows(
    client: TestClient, app: FastAPI, session_factory: sessionmaker[Session]
) -> None:
    wrong = []
    routes = endpoints(app)
    for kind, role, user, organisation in _principals(session_factory):
        for endpoint in routes:
            # A fresh session per request: sign-out routes end the one they are called with.
            sign_in_client(client, user, organisation)
            response = _call(client, endpoint)
            policy = EXPECTED[(endpoint.method, endpoint.path)]
            expected = policy in POLICIES or (
                isinstance(policy, Permission) and policy in ROLE_PERMISSIONS[role]
            )
            if _allowed(response) != expected or (not expected and response.status_code != 403):
                wrong.append(f"{kind}/{role} {endpoint.method} {endpoint.path}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", ["accounts.md", "accounts.ja.md"])
def test_the_documented_role_table_is_the_permission_table(name: str) -> None:
    text = (DOCS / name).read_text(encoding="utf-8")
    permissions = list(Permission)
    header = [line for line in text.splitlines() if line.startswith("| ") and "`intel:read`" in line]
    assert header and all(f"`{p.value}`" in header[0] for p in permissions)
    for role in Role:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{role.value}` |"))
        cells = [cell.strip() for cell in row.strip("|").split("|")][2:]
        granted = {p for p, cell in zip(permissions, cells, strict=True) if cell == "✓"}
        assert granted == set(ROLE_PERMISSIONS[role]), role
