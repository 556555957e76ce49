"""An engagement from scoping to attestation through the pages, with a compressed clock (docs/tlpt.md):
every computed deadline on the timeline, the state machine's refusals (an end before the previous
phase ended, active red teaming shorter than 12 weeks, a deadline before the previous phase ends or
past the regulatory one, a provider without its checks), deliverables sealed at rest and refused
when too large or of a refused type — each refusal a clear error with nothing stored."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.auth.models import AuthSession
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.tlpt.models import TlptDeliverable, TlptEngagement, TlptPhase, TlptProvider
from tests.accounts_factories import sign_in_client
from tests.tlpt.world import CHECKS, World, opened, world

LIMIT = 4096
TODAY = date.today()
NOTIFIED = TODAY - timedelta(days=330)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"tlpt_max_deliverable_bytes": LIMIT})


def _pdf(text: str) -> bytes:
    return f"%PDF-1.7\n{text}\n%%EOF\n".encode()


def _timeline(client: TestClient, path: str) -> dict[str, tuple[str, str]]:
    page = client.get(path).text
    return {
        phase: (due, completed)
        for phase, due, completed in re.findall(
            r'data-phase="([a-z_]+)" data-due="([0-9-]*)" data-completed="([0-9-]*)"', page
        )
    }


def _end(client: TestClient, path: str, phase: str, on: date) -> None:
    answer = client.post(f"{path}/phases/complete", data={"phase": phase, "on": on.isoformat()})
    assert answer.status_code == 200, answer.text
    assert _timeline(client, path)[phase][1] == on.isoformat()


def _upload(client: TestClient, path: str, phase: str, name: str, content: bytes) -> int:
    return client.post(
        f"{path}/deliverables", data={"phase": phase}, files={"file": (name, content)}
    ).status_code


def _count(factory: sessionmaker[Session], model: type) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _refused(client: TestClient, path: str, url: str, data: dict[str, str], field: str) -> str:
    answer = client.post(f"{path}{url}", data=data)
    assert answer.status_code in (409, 422), answer.text
    message = re.search(r'id="error">([^<]+)<', answer.text)
    assert message and message.group(1).startswith(f"{field}: "), answer.text[:300]
    return message.group(1)


def test_an_engagement_runs_from_scoping_to_attestation(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    w: World = world(session_factory)
    path = opened(client, session_factory, w, NOTIFIED)
    sign_in_client(client, w.control, w.firm)
    timeline = _timeline(client, path)
    months3 = NOTIFIED.replace(month=NOTIFIED.month + 3) if NOTIFIED.month <= 9 else None
    if months3 is not None and NOTIFIED.day <= 28:
        assert timeline["scoping"][0] == months3.isoformat()  # RTS Art. 9(2)

    # Scoping: the scope first, then an end no earlier than the notification.
    assert _refused(client, path, "/phases/complete", {"phase": "scoping", "on": str(NOTIFIED)}, "phase")
    client.post(
        f"{path}/scope",
        data={"functions": "Cold wallet withdrawals\nCustomer sign-in", "third_parties": "Wallet contractor"},
    )
    _refused(
        client, path, "/phases/complete", {"phase": "scoping", "on": str(NOTIFIED - timedelta(days=1))}, "on"
    )
    _refused(
        client, path, "/phases/complete", {"phase": "scoping", "on": str(TODAY + timedelta(days=1))}, "on"
    )
    _end(client, path, "scoping", NOTIFIED + timedelta(days=30))
    _end(client, path, "provider_selection", NOTIFIED + timedelta(days=50))

    # Each report phase needs its deliverable; the deadline of a later phase cannot be set before
    # the previous one ends (as a test manager), nor past a regulatory deadline.
    _refused(
        client,
        path,
        "/phases/complete",
        {"phase": "threat_intelligence", "on": str(NOTIFIED + timedelta(days=80))},
        "phase",
    )
    sign_in_client(client, w.manager, w.authority)
    _refused(
        client,
        path,
        "/phases/deadline",
        {"phase": "red_team_plan", "due_on": str(NOTIFIED + timedelta(days=40))},
        "due_on",
    )
    with session_factory() as session:
        assert (
            session.scalars(select(TlptPhase.planned_on).where(TlptPhase.phase == "red_team_plan")).one()
            is None
        )
    sign_in_client(client, w.analyst, w.ti)
    assert _upload(client, path, "threat_intelligence", "tti-report.pdf", _pdf("Lazarus scenarios")) == 200
    sign_in_client(client, w.control, w.firm)
    _end(client, path, "threat_intelligence", NOTIFIED + timedelta(days=80))
    sign_in_client(client, w.tester, w.red)
    assert _upload(client, path, "red_team_plan", "plan.docx", b"PK\x03\x04plan") == 200
    sign_in_client(client, w.control, w.firm)
    plan_end = NOTIFIED + timedelta(days=90)
    _end(client, path, "red_team_plan", plan_end)

    # Active red teaming: at least 12 weeks (RTS Art. 11(5)), with a weekly report each week.
    assert _timeline(client, path)["active_red_teaming"][0] == (plan_end + timedelta(weeks=12)).isoformat()
    short = plan_end + timedelta(weeks=12) - timedelta(days=1)
    message = _refused(
        client, path, "/phases/complete", {"phase": "active_red_teaming", "on": str(short)}, "on"
    )
    assert "12" in message
    weekly = client.get(path).text
    assert f'data-key="weekly_report_1" data-on="{(plan_end + timedelta(days=7)).isoformat()}"' in weekly
    assert 'data-key="weekly_report_12"' in weekly
    active_end = plan_end + timedelta(days=84)
    _end(client, path, "active_red_teaming", active_end)
    timeline = _timeline(client, path)
    assert timeline["red_team_report"][0] == (active_end + timedelta(weeks=4)).isoformat()  # Art. 12(2)
    assert timeline["blue_team_report"][0] == (active_end + timedelta(weeks=10)).isoformat()  # Art. 12(4)
    assert timeline["replay_purple"][0] == (active_end + timedelta(weeks=10)).isoformat()  # Art. 12(5)
    sign_in_client(client, w.manager, w.authority)
    late = active_end + timedelta(weeks=4, days=1)
    assert "RTS 2025/1190 Art. 12(2)" in _refused(
        client, path, "/phases/deadline", {"phase": "red_team_report", "due_on": str(late)}, "due_on"
    )

    sign_in_client(client, w.tester, w.red)
    assert _upload(client, path, "red_team_report", "red-team-report.pdf", _pdf("findings")) == 200
    sign_in_client(client, w.control, w.firm)
    red_end = active_end + timedelta(days=14)
    _end(client, path, "red_team_report", red_end)
    assert _upload(client, path, "blue_team_report", "blue.md", "# 検知".encode()) == 200
    blue_end = active_end + timedelta(days=50)
    _end(client, path, "blue_team_report", blue_end)
    _end(client, path, "replay_purple", active_end + timedelta(days=60))
    assert (
        _timeline(client, path)["test_summary"][0] == (blue_end + timedelta(weeks=8)).isoformat()
    )  # Art. 12(6)
    assert _upload(client, path, "test_summary", "summary.pdf", _pdf("summary")) == 200
    summary_end = active_end + timedelta(days=80)
    _end(client, path, "test_summary", summary_end)
    assert (
        _timeline(client, path)["remediation_plan"][0] == (summary_end + timedelta(weeks=8)).isoformat()
    )  # Art. 13(1)
    assert _upload(client, path, "remediation_plan", "plan.xlsx", b"PK\x03\x04sheet") == 200
    _end(client, path, "remediation_plan", summary_end + timedelta(days=20))
    # The attestation: signed by the firm and by the authority, each after a passkey step-up.
    _refused(client, path, "/phases/complete", {"phase": "attestation", "on": str(TODAY)}, "phase")
    with transaction(session_factory) as session:
        session.execute(update(AuthSession).values(stepped_up_at=utcnow() - timedelta(minutes=30)))
    stale = client.post(f"{path}/attestation", follow_redirects=False)
    assert stale.status_code == 303 and "/auth/step-up" in stale.headers["location"]
    sign_in_client(client, w.control, w.firm)
    assert client.post(f"{path}/attestation").status_code == 200
    assert client.post(f"{path}/attestation").status_code == 409
    sign_in_client(client, w.tester, w.red)
    assert client.post(f"{path}/attestation").status_code == 403
    sign_in_client(client, w.manager, w.authority)
    assert client.post(f"{path}/attestation").status_code == 200
    with session_factory() as session:
        signed = session.scalars(select(TlptEngagement)).one()
        assert (signed.firm_signed_by, signed.authority_signed_by) == (w.control.id, w.manager.id)
    assert _timeline(client, path)["attestation"][1] == TODAY.isoformat()
    assert 'id="current-phase">Closed<' in client.get(path, headers={"accept-language": "en"}).text

    # The calendar holds every deadline as an all-day event (RFC 5545).
    ics = client.get(f"{path}/deadlines.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    text = ics.text
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert f"DTSTART;VALUE=DATE:{(active_end + timedelta(weeks=4)).strftime('%Y%m%d')}" in text
    assert text.count("BEGIN:VEVENT") == 10 + 12


def test_deliverables_are_sealed_at_rest_and_refused_when_too_large_or_of_a_refused_type(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    w = world(session_factory)
    path = opened(client, session_factory, w, NOTIFIED)
    sign_in_client(client, w.control, w.firm)
    secret = _pdf("The cold wallet signing host accepts RDP from the office VLAN")
    assert _upload(client, path, "scoping", "秘密-scope.pdf", secret) == 200
    with session_factory() as session:
        row = session.scalars(select(TlptDeliverable)).one()
        assert b"cold wallet" not in row.ciphertext and b"%PDF" not in row.ciphertext
        assert b"scope" not in row.label and len(row.nonce) == 12
        deliverable_id = row.id
    page = client.get(path).text
    link = next(part for part in page.split('"') if part.startswith(f"{path}/deliverables/"))
    answer = client.get(link)
    assert answer.content == secret and answer.headers["content-type"] == "application/pdf"
    assert answer.headers["cache-control"] == "no-store"
    with session_factory() as session:
        reads = session.scalars(select(AuditEntry).where(AuditEntry.action == "tlpt.deliverable_read")).all()
    assert [entry.details["deliverable"] for entry in reads] == [deliverable_id]
    assert reads[0].actor_user_id == w.control.id

    for name, content, expected in (
        ("big.pdf", _pdf("x" * LIMIT), "file: "),
        ("tool.exe", b"MZ\x90\x00", "file: "),
        ("fake.pdf", b"<html>not a pdf</html>", "file: "),
        ("fake.docx", b"%PDF-1.7", "file: "),
        ("latin1.txt", "café".encode("latin-1"), "file: "),
    ):
        answer = client.post(
            f"{path}/deliverables", data={"phase": "scoping"}, files={"file": (name, content)}
        )
        assert answer.status_code == 422, name
        assert re.search(r'id="error">file: [^<]+<', answer.text), name
        assert expected in answer.text
    answer = client.post(
        f"{path}/deliverables", data={"phase": "test_summary"}, files={"file": ("s.pdf", secret)}
    )
    assert answer.status_code == 409
    assert _count(session_factory, TlptDeliverable) == 1


def test_a_provider_without_the_required_checks_is_refused_and_nothing_stored(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    w = world(session_factory)
    sign_in_client(client, w.manager, w.authority)
    client.post(
        "/tlpt/engagements",
        data={
            "code_name": "CHECKS",
            "firm": w.firm.slug,
            "framework": "tiber_eu",
            "notified_on": str(NOTIFIED),
        },
    )
    page = client.get("/tlpt").text
    path = next(part for part in page.split('"') if part.startswith("/tlpt/") and part.count("/") == 2)
    without_insurance = {**CHECKS, "insurance": "  "}
    _refused(
        client,
        path,
        "/providers",
        {"kind": "red_team", "provider": w.red.slug, **without_insurance},
        "checks.insurance",
    )
    _refused(client, path, "/providers", {"kind": "red_team", "provider": w.firm.slug, **CHECKS}, "provider")
    assert _count(session_factory, TlptProvider) == 0
    _refused(client, path, "/members", {"email": "tester@red.example", "team": "red_team"}, "team")
    _refused(client, path, "/members", {"email": "tester@red.example", "team": "control_team"}, "email")
