"""Builders of organisations, members, API tokens and signed-in clients for tests.

Signing in here creates a REAL server-side session row and sets its cookie: nothing is mocked.
The passkey ceremony itself is exercised in ``tests/auth/test_passkey_browser.py``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.auth import sessions
from cyberdelta.auth.tokens import create_api_token
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.secrets import keyed_digest
from cyberdelta.platform.web.csrf import HEADER
from cyberdelta.tenancy import service as tenancy
from cyberdelta.tenancy.models import Organisation, OrganisationKind, User
from cyberdelta.tenancy.permissions import Permission, Role

# Apps served by the ``live_server`` fixture, by URL, so that pages can be signed in.
LIVE_APPS: dict[str, FastAPI] = {}


def make_organisation(
    session: Session,
    kind: OrganisationKind | str,
    slug: str | None = None,
    name_ja: str | None = None,
    name_en: str | None = None,
) -> Organisation:
    suffix = secrets.token_hex(3)
    return tenancy.create_organisation(
        session,
        slug=slug or f"{kind}-{suffix}".replace("_", "-"),
        kind=str(kind),
        name_ja=name_ja or f"組織 {suffix}",
        name_en=name_en or f"Organisation {suffix}",
    )


def make_member(
    session: Session, organisation: Organisation, role: Role | str, email: str | None = None
) -> User:
    user = tenancy.get_or_create_user(session, email or f"{role}-{secrets.token_hex(4)}@example.jp")
    tenancy.set_membership(session, user, organisation, str(role))
    return user


def make_api_token(session: Session, organisation: Organisation, permissions: Iterable[Permission]) -> str:
    _token, raw = create_api_token(
        session,
        organisation_id=organisation.id,
        name="test token",
        permissions=permissions,
        actor=Actor.console(),
        expires_in_days=None,
    )
    return raw


def _start(app: FastAPI, user: User, organisation: Organisation) -> tuple[str, str]:
    factory: sessionmaker[Session] = app.state.session_factory
    with transaction(factory) as session:
        row, raw = sessions.start_session(session, app.state.settings, user.id)
        row.organisation_id = organisation.id
    return sessions.cookie_name(app.state.settings), raw


def csrf_for(app: FastAPI, raw_session: str) -> str:
    return keyed_digest(app.state.settings.resolved_secret_key(), "session:" + raw_session)


def sign_in_client(client: TestClient, user: User, organisation: Organisation) -> str:
    """Sign ``client`` in as ``user`` acting for ``organisation``; state-changing requests get the
    CSRF header automatically. Returns the CSRF token (for form posts that need it in the body)."""
    app: Any = client.app
    name, raw = _start(app, user, organisation)
    client.cookies.set(name, raw)
    token = csrf_for(app, raw)
    client.headers[HEADER] = token
    return token


def sign_in_page(page: Any, live_server: str, user: User, organisation: Organisation) -> None:
    """Give the browser ``page`` a session cookie of ``user`` for the app behind ``live_server``."""
    app = LIVE_APPS[live_server]
    name, raw = _start(app, user, organisation)
    page.context.add_cookies([{"name": name, "value": raw, "url": live_server}])


def anonymous_csrf(client: TestClient) -> str:
    """The CSRF token of a visitor who is not signed in (after a first page has set its cookie)."""
    from cyberdelta.platform.web.csrf import ANONYMOUS_COOKIE

    app: Any = client.app
    client.get("/auth/sign-in")
    cookie = client.cookies.get(ANONYMOUS_COOKIE)
    assert cookie, "the first page sets the anonymous CSRF cookie"
    return keyed_digest(app.state.settings.resolved_secret_key(), "anonymous:" + cookie)
