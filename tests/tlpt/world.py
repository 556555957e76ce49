"""A TLPT world for the tests (docs/tlpt.md): the authority with a test manager, the tested firm with
its org admin, a control-team member and a blue-team member who must not know, and the two
providers with a tester each; :func:`opened` opens an engagement through the pages and names them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import Organisation, OrganisationKind, User
from cyberdelta.tenancy.permissions import Role
from cyberdelta.tlpt.models import TlptEngagement
from tests.accounts_factories import make_member, make_organisation, sign_in_client
from tests.public_ids import public

CHECKS = {
    "experience": "Five TIBER tests since 2021",
    "references": "Two central banks",
    "insurance": "Professional indemnity JPY 1bn",
    "certifications": "CREST CCSAS, OSCE",
}


@dataclass(frozen=True)
class World:
    authority: Organisation
    firm: Organisation
    ti: Organisation
    red: Organisation
    manager: User
    admin: User
    control: User
    blue: User
    analyst: User
    tester: User


def world(factory: sessionmaker[Session]) -> World:
    with transaction(factory) as session:
        authority = make_organisation(session, OrganisationKind.SUPERVISOR, slug="fsa-tlpt")
        firm = make_organisation(session, OrganisationKind.EXCHANGE, slug="sakura-exchange")
        ti = make_organisation(session, OrganisationKind.TLPT_PROVIDER, slug="ti-provider")
        red = make_organisation(session, OrganisationKind.TLPT_PROVIDER, slug="red-provider")
        found = World(
            authority,
            firm,
            ti,
            red,
            make_member(session, authority, Role.INSPECTOR, "manager@fsa.example"),
            make_member(session, firm, Role.ORG_ADMIN, "admin@sakura.example"),
            make_member(session, firm, Role.SECURITY_OFFICER, "control@sakura.example"),
            make_member(session, firm, Role.SECURITY_OFFICER, "soc@sakura.example"),
            make_member(session, ti, Role.TESTER, "analyst@ti.example"),
            make_member(session, red, Role.TESTER, "tester@red.example"),
        )
        session.expunge_all()
    return found


def opened(
    client: TestClient,
    factory: sessionmaker[Session],
    w: World,
    notified_on: date,
    framework: str = "rts",
) -> str:
    """Open an engagement as the test manager, select both providers and name the control team and
    one tester of each; returns the engagement's page path."""
    sign_in_client(client, w.manager, w.authority)
    answer = client.post(
        "/tlpt/engagements",
        data={
            "code_name": "SAKURA-1",
            "firm": w.firm.slug,
            "framework": framework,
            "notified_on": str(notified_on),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    with factory() as session:
        engagement = session.scalars(select(TlptEngagement).order_by(TlptEngagement.id.desc())).first()
        assert engagement is not None
    path = f"/tlpt/{public(client, 'tlpt_engagement', engagement.id)}"
    for kind, slug in (("ti", w.ti.slug), ("red_team", w.red.slug)):
        answer = client.post(
            f"{path}/providers", data={"kind": kind, "provider": slug, **CHECKS}, follow_redirects=False
        )
        assert answer.status_code == 303, answer.text
    for email, team in (
        ("control@sakura.example", "control_team"),
        ("analyst@ti.example", "ti_provider"),
        ("tester@red.example", "red_team"),
    ):
        answer = client.post(f"{path}/members", data={"email": email, "team": team}, follow_redirects=False)
        assert answer.status_code == 303, answer.text
    return path
