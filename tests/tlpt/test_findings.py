"""Findings (docs/tlpt.md, "Findings"): a CVSS 4.0 vector scored, an ATT&CK technique, a critical
function of the scope and the control shown weaker than self-assessed; each becomes an item of the
firm's improvement plan that says where the self-assessment contradicts the test, and the item stays
open when the answers show no gap. Bad input is refused by field and nothing is stored."""

from __future__ import annotations

import re
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment import service
from cyberdelta.assessment.models import ImprovementItem
from cyberdelta.assessment.plan import refresh_plan
from cyberdelta.assessment.service import ResponseInput
from cyberdelta.catalog.service import ensure_builtin_catalog
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tlpt.models import TlptEngagement, TlptFinding
from tests.accounts_factories import sign_in_client
from tests.tlpt.world import opened, world

VECTOR = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"


def _counts(factory: sessionmaker[Session]) -> tuple[int, int]:
    with factory() as session:
        return (
            int(session.scalar(select(func.count()).select_from(TlptFinding)) or 0),
            int(session.scalar(select(func.count()).select_from(ImprovementItem)) or 0),
        )


def test_a_finding_becomes_a_plan_item_that_flags_the_contradicted_self_assessment(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    w = world(session_factory)
    with transaction(session_factory) as session:
        cycle = service.ensure_cycle(session, "FY2026", ensure_builtin_catalog(session).id)
        assessment = service.start_assessment(session, w.firm.id, cycle)
        control = service.view_of(session, assessment).controls[0].control_id
        service.save_response(
            session, assessment, control, ResponseInput(maturity=4), expected_version=0, user_id=None
        )
        assessment_id = assessment.id
    path = opened(client, session_factory, w, date.today() - timedelta(days=300))
    sign_in_client(client, w.control, w.firm)
    client.post(f"{path}/scope", data={"functions": "Cold wallet withdrawals"})
    good = {
        "title": "Phishing gave the red team a signer's workstation",
        "cvss_vector": VECTOR,
        "attack_technique": "T1566.001",
        "critical_function": "Cold wallet withdrawals",
        "control_id": control,
        "found_maturity": "2",
    }
    early = client.post(f"{path}/findings", data=good)
    assert early.status_code == 409 and 'id="error">phase: ' in early.text
    # Active testing has ended: the blue team has been told (RTS 2025/1190 Art. 12(1)).
    with transaction(session_factory) as session:
        session.execute(update(TlptEngagement).values(phase="red_team_report"))

    for field, value in (
        ("control_id", ""),
        ("cvss_vector", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        ("cvss_vector", "CVSS:4.0/AV:N/AC:L"),
        ("attack_technique", "phishing"),
        ("critical_function", "Something not in scope"),
    ):
        answer = client.post(f"{path}/findings", data={**good, field: value})
        assert answer.status_code == 422, (field, value)
        assert re.search(rf'id="error">{field}: [^<]+<', answer.text), (field, answer.text[:300])
    english = {"accept-language": "en"}
    unknown = client.post(f"{path}/findings", data={**good, "control_id": "no-such-control"}, headers=english)
    assert unknown.status_code == 422 and 'id="error">control_id: ' in unknown.text
    assert _counts(session_factory) == (0, 0)

    answer = client.post(f"{path}/findings", data=good, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    with session_factory() as session:
        finding = session.scalars(select(TlptFinding)).one()
        item = session.scalars(select(ImprovementItem)).one()
    assert (finding.cvss_score, finding.severity) == (9.3, "Critical")
    assert (finding.self_assessed, finding.found_maturity, finding.plan_item_id) == (4, 2, item.id)
    assert item.organisation_id == w.firm.id and item.control_id == control and item.gap_kind == "tlpt"
    assert "self-assessed 4, TLPT found 2" in item.title and "自己評価 4、TLPT の結果 2" in item.title
    assert (item.current, item.target, item.priority) == (2, 3, 9.3)
    page = client.get(path, headers={"accept-language": "en"}).text
    assert 'class="discrepancy"' in page and "self-assessed 4, TLPT found 2" in page

    # The self-assessment shows no gap for the control: the finding's item stays open all the same.
    with transaction(session_factory) as session:
        refresh_plan(session, service.get_assessment(session, w.firm.id, assessment_id))
    with session_factory() as session:
        assert (
            session.scalars(select(ImprovementItem.status).where(ImprovementItem.id == item.id)).one()
            == "planned"
        )
