"""The walkable demo loaded in-process for the home and navigation tests, and signing in as its members."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.auth.demo import member_email
from cyberdelta.home.demo import Loaded, load
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy import service as tenancy
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import sign_in_client

# Enough synthetic firms that every figure of the past cycle is published (5 firms per figure).
DEMO_ORGS = 5


def load_demo(factory: sessionmaker[Session], settings: Settings, **options: bool) -> Loaded:
    with transaction(factory) as session:
        return load(session, settings, orgs=DEMO_ORGS, cycles=2, now=utcnow(), **options)


def sign_in_as(client: TestClient, factory: sessionmaker[Session], slug: str, role: Role) -> None:
    """Sign ``client`` in as the demo member of ``slug`` with ``role`` (platform admin: the operator)."""
    with transaction(factory) as session:
        email = "admin@cyberdelta.example" if role is Role.PLATFORM_ADMIN else member_email(role, slug)
        user = tenancy.get_user_by_email(session, email)
        organisation = tenancy.get_organisation_by_slug(session, slug)
        assert user is not None and organisation is not None
        if role is Role.PLATFORM_ADMIN and tenancy.membership(session, user.id, organisation.id) is None:
            tenancy.set_membership(
                session, user, organisation, role
            )  # as accepting the demo's invitation does
        session.expunge_all()
    client.cookies.clear()
    sign_in_client(client, user, organisation)
