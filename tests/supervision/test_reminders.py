"""Deadline reminders: who is due (window, submitted, already reminded, closed cycle), the e-mails
through a real SMTP server (aiosmtpd on loopback), once per deadline, audited; the supervisor's
button and the dashboard's "reminded on"; the cron-able CLI; and no pretending without SMTP."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.app import create_app
from cyberdelta.assessment import service as assessment_service
from cyberdelta.assessment.models import Cycle
from cyberdelta.catalog.service import ensure_builtin_catalog
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.supervision import reminders, service
from cyberdelta.supervision.models import ReminderSent
from cyberdelta.tenancy import service as tenancy
from cyberdelta.tenancy.models import Organisation, OrganisationKind
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_member, make_organisation, sign_in_client
from tests.public_ids import public
from tests.supervision.helpers import submit
from tests.tenancy.test_mail import Inbox, smtp, subject, text_of

__all__ = ["smtp"]
CLOSES = date(2027, 6, 30)


def open_cycle(session: Session, name: str, participants: list[int], opens: date, closes: date) -> Cycle:
    return service.open_cycle(
        session,
        name=name,
        catalog_version_id=ensure_builtin_catalog(session).id,
        opens_on=opens,
        closes_on=closes,
        participant_ids=participants,
        remind_days_before=14,
        actor=Actor.console(),
    )


def firms(session: Session, count: int) -> list[Organisation]:
    return [
        make_organisation(session, OrganisationKind.EXCHANGE, name_en=f"Firm {n}", name_ja=f"取引所{n}")
        for n in range(count)
    ]


def with_smtp(settings: Settings, port: int) -> Settings:
    return settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_sender": "noreply@cyberdelta.example"}
    )


def test_only_open_cycles_inside_the_window_and_not_yet_submitted_are_due(
    session_factory: sessionmaker[Session],
) -> None:
    with transaction(session_factory) as session:
        quiet, busy, done, later_firm = (org.id for org in firms(session, 4))
        cycle = open_cycle(session, "2027", [quiet, busy, done], date(2027, 4, 1), CLOSES).id
        open_cycle(session, "2027 later", [later_firm], date(2027, 4, 1), date(2027, 9, 30))
        open_cycle(session, "2026 closed", [later_firm], date(2026, 4, 1), date(2027, 6, 10))
        assessment_service.start_assessment(session, busy, session.get(Cycle, cycle))  # type: ignore[arg-type]
    submit(session_factory, done, cycle, 3)
    with transaction(session_factory) as session:
        assert reminders.due_reminders(session, CLOSES - timedelta(days=15)) == []
        due = reminders.due_reminders(session, CLOSES - timedelta(days=14))
        assert sorted(item.organisation.id for item in due) == sorted([quiet, busy])
        assert {item.cycle.id for item in due} == {cycle}
        assert {item.organisation.id for item in reminders.due_reminders(session, CLOSES)} == {quiet, busy}
        assert reminders.due_reminders(session, CLOSES + timedelta(days=1)) == []
        assert reminders.due_reminders(session, CLOSES, cycle_id=cycle + 99) == []


def test_reminders_are_emailed_to_the_members_who_work_on_the_assessment_once_per_deadline(
    smtp: tuple[int, Inbox], settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    port, inbox = smtp
    configured = with_smtp(settings, port)
    today = CLOSES - timedelta(days=10)
    with transaction(session_factory) as session:
        sakura, nobody = firms(session, 2)
        officer = make_member(session, sakura, Role.SECURITY_OFFICER, "officer@sakura.example").email
        make_member(session, sakura, Role.CONTRIBUTOR, "writer@sakura.example")
        make_member(session, sakura, Role.EXECUTIVE_APPROVER, "boss@sakura.example")
        make_member(session, sakura, Role.VIEWER, "viewer@sakura.example")
        make_member(session, sakura, Role.ORG_ADMIN, "admin@sakura.example")
        make_member(session, nobody, Role.VIEWER, "viewer@nobody.example")
        cycle = open_cycle(session, "2027", [sakura.id, nobody.id], date(2027, 4, 1), CLOSES).id
    with transaction(session_factory) as session:
        outcome = reminders.send_reminders(session, configured, today, actor=Actor.console())
    assert [(due.organisation.id, count) for due, count in outcome.sent] == [(sakura.id, 3)]
    assert [due.organisation.id for due in outcome.no_recipients] == [nobody.id] and not outcome.failed
    recipients = sorted(rcpt for rcpts, _message in inbox.messages for rcpt in rcpts)
    assert recipients == ["boss@sakura.example", "officer@sakura.example", "writer@sakura.example"]
    message = next(message for rcpts, message in inbox.messages if rcpts == [officer])
    text = text_of(message)
    assert message["From"] == "noreply@cyberdelta.example" and "2027-06-30" in message["Subject"]
    assert "Firm 0" in text and "取引所0" in text and "10 days left" in text and "提出されていません" in text
    assert f"{configured.base_url}/cycles" in text
    with transaction(session_factory) as session:
        again = reminders.send_reminders(
            session, configured, today + timedelta(days=1), actor=Actor.console()
        )
        assert again.sent == [] and len(inbox.messages) == 3
        assert reminders.reminded_on(session, cycle) == {sakura.id: today}
        audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "cycle.reminder_sent")).all()
        assert [(entry.organisation_id, entry.object_id) for entry in audited] == [(sakura.id, str(cycle))]


def test_each_member_gets_the_reminder_in_the_language_they_chose(
    smtp: tuple[int, Inbox], settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    port, inbox = smtp
    with transaction(session_factory) as session:
        [sakura] = firms(session, 1)
        for role, email, chosen in (
            (Role.SECURITY_OFFICER, "ja@sakura.example", "ja"),
            (Role.CONTRIBUTOR, "en@sakura.example", "en"),
            (Role.EXECUTIVE_APPROVER, "both@sakura.example", ""),
        ):
            tenancy.set_email_language(session, make_member(session, sakura, role, email), chosen)
        open_cycle(session, "2027", [sakura.id], date(2027, 4, 1), CLOSES)
    with transaction(session_factory) as session:
        reminders.send_reminders(
            session, with_smtp(settings, port), CLOSES - timedelta(days=10), actor=Actor.console()
        )
    received = {rcpts[0]: message for rcpts, message in inbox.messages}
    japanese, english, both = (received[f"{who}@sakura.example"] for who in ("ja", "en", "both"))
    assert japanese["Content-Language"] == "ja" and "取引所0" in text_of(japanese)
    assert "提出されていません" in text_of(japanese) and "days left" not in text_of(japanese)
    assert subject(japanese) == "[CyberDelta] 自己評価の提出期限 2027-06-30：2027"
    assert english["Content-Language"] == "en" and "Firm 0" in text_of(english)
    assert "10 days left" in text_of(english) and "取引所0" not in text_of(english)
    assert subject(english) == "[CyberDelta] Self-assessment due on 2027-06-30: 2027"
    assert both["Content-Language"] == "ja, en" and " / Self-assessment due on" in subject(both)
    assert "取引所0" in text_of(both) and "Firm 0" in text_of(both)


def test_two_senders_at_once_email_a_participant_once(
    smtp: tuple[int, Inbox], settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    """The first sender holds its transaction open after e-mailing; the second, started then, waits
    on the reminder's record and finds it taken, so the firm is e-mailed and audited once."""
    port, inbox = smtp
    configured = with_smtp(settings, port)
    with transaction(session_factory) as session:
        [firm] = firms(session, 1)
        make_member(session, firm, Role.SECURITY_OFFICER, "officer@firm.example")
        open_cycle(session, "2027", [firm.id], date(2027, 4, 1), CLOSES)
    first_sent, release_first = threading.Event(), threading.Event()
    outcomes: dict[str, reminders.Outcome] = {}
    errors: list[BaseException] = []

    def sender(name: str) -> None:
        try:
            with transaction(session_factory) as session:
                outcomes[name] = reminders.send_reminders(
                    session, configured, CLOSES, via=name, actor=Actor.console()
                )
                if name == "first":
                    first_sent.set()
                    release_first.wait(10)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
            first_sent.set()

    first = threading.Thread(target=sender, args=("first",))
    first.start()
    assert first_sent.wait(10)
    second = threading.Thread(target=sender, args=("second",))
    second.start()
    wait_until_blocked(engine)
    release_first.set()
    first.join(30)
    second.join(30)
    assert errors == []
    assert [due.organisation.id for due, _count in outcomes["first"].sent] == [firm.id]
    assert outcomes["second"].sent == [] and outcomes["second"].failed == []
    assert [rcpts for rcpts, _message in inbox.messages] == [["officer@firm.example"]]
    with transaction(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(ReminderSent)) == 1
        audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "cycle.reminder_sent")).all()
        assert [entry.details["via"] for entry in audited] == ["first"]


def wait_until_blocked(engine: Engine) -> None:
    """PostgreSQL: until a session waits for a lock (the second sender on the first's record).
    SQLite has no view of waiting connections; the second sender waits on its write lock."""
    if engine.dialect.name != "postgresql":
        time.sleep(0.3)
        return
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            waiting = connection.scalar(
                sql(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        if waiting:
            return
        time.sleep(0.02)
    raise AssertionError("the second sender never waited for the first")


def test_without_smtp_nothing_is_sent_or_recorded_and_a_refusing_server_is_reported(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        [firm] = firms(session, 1)
        make_member(session, firm, Role.SECURITY_OFFICER)
        open_cycle(session, "2027", [firm.id], date(2027, 4, 1), CLOSES)
    with pytest.raises(reminders.ReminderError) as error, transaction(session_factory) as session:
        reminders.send_reminders(session, settings, CLOSES, actor=Actor.console())
    assert error.value.field == "smtp" and "CYBERDELTA_SMTP_HOST" in str(error.value)
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with transaction(session_factory) as session:
        outcome = reminders.send_reminders(
            session, with_smtp(settings, closed), CLOSES, actor=Actor.console()
        )
    assert [due.organisation.id for due, _error in outcome.failed] == [firm.id] and outcome.sent == []
    with transaction(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(ReminderSent)) == 0


def test_the_supervisor_sends_reminders_now_and_the_dashboard_shows_when(
    smtp: tuple[int, Inbox], settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    port, inbox = smtp
    today = utcnow().date()
    with transaction(session_factory) as session:
        [firm] = firms(session, 1)
        make_member(session, firm, Role.CONTRIBUTOR, "writer@firm.example")
        cycle = open_cycle(
            session, "now", [firm.id], today - timedelta(days=30), today + timedelta(days=5)
        ).id
        fsa = make_organisation(session, OrganisationKind.SUPERVISOR)
        inspector = make_member(session, fsa, Role.INSPECTOR)
        session.expunge_all()
    runs = (
        (settings, 503, "CYBERDELTA_SMTP_HOST"),
        (with_smtp(settings, port), 200, "1 exchanges were reminded"),
    )
    for configured, status, text in runs:
        with TestClient(create_app(configured, engine=engine), base_url="http://testserver") as client:
            sign_in_client(client, inspector, fsa)
            client.cookies.set("cd_lang", "en")
            answer = client.post(f"/supervision/cycles/{public(client, 'cycle', cycle)}/reminders")
            assert answer.status_code == status and text in answer.text
            dashboard = client.get(f"/supervision/cycles/{public(client, 'cycle', cycle)}").text
    assert [rcpts for rcpts, _message in inbox.messages] == [["writer@firm.example"]]
    assert f"reminded on {today.isoformat()}" in dashboard and 'id="send-reminders"' in dashboard
    with TestClient(create_app(settings, engine=engine), base_url="http://testserver") as client:
        with transaction(session_factory) as session:
            organisation = session.get(Organisation, firm.id)
            assert organisation is not None
            writer = make_member(session, organisation, Role.SECURITY_OFFICER)
            session.expunge_all()
        sign_in_client(client, writer, firm)
        assert (
            client.post(f"/supervision/cycles/{public(client, 'cycle', cycle)}/reminders").status_code == 403
        )


def test_the_cli_sends_what_is_due_and_says_when_smtp_is_missing(
    smtp: tuple[int, Inbox], settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    port, inbox = smtp
    with transaction(session_factory) as session:
        [firm] = firms(session, 1)
        make_member(session, firm, Role.SECURITY_OFFICER, "officer@firm.example")
        open_cycle(session, "2027", [firm.id], date(2027, 4, 1), CLOSES)
    env = {"CYBERDELTA_DATABASE_URL": settings.resolved_database_url, "CYBERDELTA_DATA_DIR": str(tmp_path),
           "CYBERDELTA_SECRET_KEY": "k" * 48, "PATH": "/usr/bin:/bin"}  # fmt: skip
    command = [sys.executable, "-m", "cyberdelta", "--lang", "en", "cycle", "remind", "--today", "2027-06-25"]
    missing = subprocess.run(command, capture_output=True, text=True, env=env, check=False, timeout=120)
    assert missing.returncode == 1 and "CYBERDELTA_SMTP_HOST" in missing.stderr
    assert "Traceback" not in missing.stderr and inbox.messages == []
    env |= {"CYBERDELTA_SMTP_HOST": "127.0.0.1", "CYBERDELTA_SMTP_PORT": str(port)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Firm 0 reminded (1 members)" in done.stdout and "1 reminders sent." in done.stdout
    again = subprocess.run(command, capture_output=True, text=True, env=env, check=False, timeout=120)
    assert again.returncode == 0 and "0 reminders sent." in again.stdout
    assert [rcpts for rcpts, _message in inbox.messages] == [["officer@firm.example"]]
