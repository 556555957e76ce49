"""Confidentiality by named person (docs/tlpt.md, "Who knows"; RTS 2025/1190 Art. 1(3): the blue team
is not aware of the test): a member of the tested firm outside the control team, its org admin
included, learns nothing — no page, no count, no audit entry of their organisation, the same 404 an
engagement that does not exist gets — while every named person sees the engagement."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_member, make_organisation, sign_in_client
from tests.public_ids import public
from tests.tlpt.world import opened, world

PDF = b"%PDF-1.7\nred team weekly report 1\n%%EOF\n"


def test_only_the_named_people_see_that_an_engagement_exists(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    w = world(session_factory)
    path = opened(client, session_factory, w, date.today() - timedelta(days=30))
    sign_in_client(client, w.manager, w.authority)
    answer = client.post(
        f"{path}/scope", data={"functions": "Cold wallet withdrawals"}, follow_redirects=False
    )
    assert answer.status_code == 303
    upload = client.post(
        f"{path}/deliverables", data={"phase": "scoping"}, files={"file": ("scope.pdf", PDF)}
    )
    assert upload.status_code == 200 and "scope.pdf" in upload.text
    deliverable = next(part for part in upload.text.split('"') if part.startswith(f"{path}/deliverables/"))
    for user, organisation in (
        (w.manager, w.authority),
        (w.control, w.firm),
        (w.analyst, w.ti),
        (w.tester, w.red),
    ):
        sign_in_client(client, user, organisation)
        assert "SAKURA-1" in client.get("/tlpt").text
        assert client.get(path).status_code == 200
        assert client.get(deliverable).content == PDF
        assert client.get(f"{path}/deadlines.ics").status_code == 200

    unknown = f"/tlpt/{public(client, 'tlpt_engagement', 999_999)}"
    with transaction(session_factory) as session:
        other_authority = make_organisation(session, OrganisationKind.SUPERVISOR)
        other_manager = make_member(session, other_authority, Role.INSPECTOR)
        session.expunge_all()
    for user, organisation in ((w.admin, w.firm), (w.blue, w.firm), (other_manager, other_authority)):
        sign_in_client(client, user, organisation)
        listing = client.get("/tlpt")
        assert listing.status_code == 200
        assert "SAKURA-1" not in listing.text and 'id="no-engagements"' in listing.text
        for url in (path, f"{path}/deadlines.ics", deliverable):
            refused, missing = client.get(url), client.get(url.replace(path, unknown))
            assert refused.status_code == missing.status_code == 404
            assert refused.text == missing.text
        posted = client.post(f"{path}/members", data={"email": "soc@sakura.example", "team": "control_team"})
        assert posted.status_code == 404
    # The control-team member acting for another organisation they belong to sees nothing either.
    sign_in_client(client, w.control, w.authority)
    assert client.get(path).status_code == 404

    sign_in_client(client, w.admin, w.firm)
    trail = client.get("/org/audit")
    assert trail.status_code == 200
    assert "tlpt" not in trail.text and "SAKURA" not in trail.text
    with session_factory() as session:
        firm_actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.organisation_id == w.firm.id)
        ).all()
        tlpt_entries = session.scalars(select(AuditEntry).where(AuditEntry.action.like("tlpt.%"))).all()
    assert not [action for action in firm_actions if action.startswith("tlpt.")]
    assert tlpt_entries and {entry.organisation_id for entry in tlpt_entries} == {w.authority.id}
    assert all(
        "SAKURA" not in str(entry.details) and "scope.pdf" not in str(entry.details) for entry in tlpt_entries
    )


def test_only_the_authority_opens_an_engagement(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    w = world(session_factory)
    sign_in_client(client, w.admin, w.firm)
    data = {"code_name": "X", "firm": w.firm.slug, "framework": "rts", "notified_on": "2026-01-05"}
    assert client.post("/tlpt/engagements", data=data).status_code == 403
