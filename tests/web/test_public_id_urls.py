"""Public ids at the web edge (docs/architecture.md, "Public ids"): every path parameter that names
a row is decoded from a public id, named routes encode row ids, the JSON API hands out the public id
its URLs take, and the access policy is checked before the id is looked at."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request

from cyberdelta.auth.models import ApiToken
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.web.public_ids import KINDS
from cyberdelta.platform.web.urls import path_for
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Permission, Role
from tests.accounts_factories import make_api_token, make_member, make_organisation, sign_in_client
from tests.public_ids import public

# Path parameters ending in ``_id`` that are not row ids: TAXII collection and status ids are
# UUIDs, STIX object ids are ``type--UUID`` (STIX 2.1 §2.9), OSCAL control ids are the catalog's.
NOT_ROW_IDS = {"collection_id", "status_id", "object_id", "control_id"}


def _calls(dependant: Any) -> Iterator[str]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield getattr(sub.call, "__name__", "")
        yield from _calls(sub)


def test_every_path_parameter_naming_a_row_is_decoded_from_a_public_id(app: FastAPI) -> None:
    checked, wrong = 0, []
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute):
            continue
        for name in re.findall(r"{(\w+)", str(context.path)):
            if not name.endswith("_id") or name in NOT_ROW_IDS:
                continue
            checked += 1
            if name not in KINDS or f"{name}_from_public_id" not in set(_calls(context.dependant)):
                wrong.append(f"{context.path}: {name}")
    assert checked >= 40 and wrong == [], wrong


def test_named_routes_encode_row_ids_and_leave_other_parameters_alone(app: FastAPI) -> None:
    request = Request({"type": "http", "app": app, "headers": [], "path": "/", "query_string": b""})
    assert (
        path_for(request, "assessment.workspace", assessment_id=5)
        == f"/assessment/{public(app, 'assessment', 5)}"
    )
    already = public(app, "assessment", 5)
    assert path_for(request, "assessment.workspace", assessment_id=already) == f"/assessment/{already}"
    domain = path_for(request, "assessment.domain_page", assessment_id=5, code="gv")
    assert domain == f"/assessment/{public(app, 'assessment', 5)}/domains/gv"
    revoke = path_for(request, "intel.revoke_access", collection_id="c0ffee", organisation_id=3)
    assert revoke == f"/intel/collections/c0ffee/grants/{public(app, 'organisation', 3)}/revoke"
    assert path_for(request, "catalog.catalog_tree", key="cssa", version="1.0") == "/catalogs/cssa/1.0"


def test_the_policy_comes_before_the_id_anonymous_callers_are_asked_to_sign_in(client: TestClient) -> None:
    page = client.get("/assessment/not-a-public-id", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/auth/sign-in")
    unknown = {"Authorization": "Bearer cdt_unknown"}
    assert client.delete("/api/v1/tokens/not-a-public-id", headers=unknown).status_code == 401


def test_the_token_api_lists_the_public_id_that_its_delete_takes(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        admin = make_member(session, exchange, Role.ORG_ADMIN)
        raw = make_api_token(session, exchange, [Permission.ASSESSMENT_READ])
        row_id = session.scalars(select(ApiToken.id)).one()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).json()
    assert me["token_id"] == public(client, "api_token", row_id)
    sign_in_client(client, admin, exchange)
    [listed] = client.get("/api/v1/tokens").json()
    assert listed["id"] == public(client, "api_token", row_id) and listed["id"] != str(row_id)
    assert client.delete(f"/api/v1/tokens/{row_id}").status_code == 404
    assert client.delete(f"/api/v1/tokens/{public(client, 'assessment', row_id)}").status_code == 404
    revoked = client.delete(f"/api/v1/tokens/{listed['id']}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
