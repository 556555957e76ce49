"""CSRF: a state-changing form post without the token (or with a wrong one) is refused, and
nothing changes; with the token it goes through. API-token requests need no CSRF token."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.web.csrf import HEADER
from cyberdelta.tenancy.models import Invitation, OrganisationKind
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_member, make_organisation, sign_in_client
from tests.intel.stix_factories import ROOT, envelope, indicator, make_hub, taxii_headers


def test_a_form_post_without_the_token_is_refused(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        admin = make_member(session, exchange, Role.ORG_ADMIN)
    token = sign_in_client(client, admin, exchange)
    del client.headers[HEADER]
    form = {"email": "new@example.jp", "role": "viewer"}

    refused = client.post("/org/invitations", data=form)
    assert refused.status_code == 403 and "csrf_token" in refused.text
    wrong = client.post("/org/invitations", data={**form, "csrf_token": "0" * 64})
    assert wrong.status_code == 403
    with transaction(session_factory) as session:
        assert session.scalars(select(Invitation)).all() == []

    accepted = client.post("/org/invitations", data={**form, "csrf_token": token})
    assert accepted.status_code == 200 and "/auth/enrol/" in accepted.text


def test_pages_carry_the_token_in_forms_and_meta(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        admin = make_member(session, exchange, Role.ORG_ADMIN)
    token = sign_in_client(client, admin, exchange)
    page = client.get("/org/members").text
    assert f'name="csrf_token" value="{token}"' in page
    assert f'<meta name="csrf-token" content="{token}">' in page


def test_a_bearer_token_request_needs_no_csrf_token(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    answer = client.post(
        f"{ROOT}/collections/{hub.collection_id}/objects/",
        json=envelope([indicator()]),
        headers=taxii_headers(hub.publisher),
    )
    assert answer.status_code == 202 and answer.json()["success_count"] == 1
