"""Deadline reminders (docs/tlpt.md, "Reminders"): the worker's daily run e-mails the people named on an
engagement whose current deadline is within 7 days, nobody else, once per deadline, and records it."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.settings import Settings
from cyberdelta.tlpt.capability import CAPABILITY
from cyberdelta.tlpt.reminders import send_due_reminders
from tests.supervision.test_reminders import with_smtp
from tests.tenancy.test_mail import Inbox, smtp
from tests.tlpt.world import opened, world

__all__ = ["smtp"]


def test_the_named_people_are_reminded_once_of_a_coming_deadline(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings, smtp: tuple[int, Inbox]
) -> None:
    port, inbox = smtp
    w = world(session_factory)
    notified = date(2026, 1, 10)
    opened(client, session_factory, w, notified)  # scoping is due on 2026-04-10 (RTS Art. 9(2))
    mailing = with_smtp(settings, port)
    assert [task.name for task in CAPABILITY.periodic()] == ["tlpt_reminders"]
    assert send_due_reminders(mailing, today=date(2026, 4, 1)) == 0
    assert send_due_reminders(mailing, today=date(2026, 4, 3)) == 1
    recipients = sorted(address for to, _message in inbox.messages for address in to)
    assert recipients == sorted(
        ["manager@fsa.example", "control@sakura.example", "analyst@ti.example", "tester@red.example"]
    )
    subject = str(inbox.messages[0][1]["Subject"])
    assert "SAKURA-1" in subject and "2026-04-10" in subject
    assert send_due_reminders(mailing, today=date(2026, 4, 4)) == 0
    assert len(inbox.messages) == 4
    with session_factory() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "tlpt.reminder_sent")).one()
    assert entry.organisation_id == w.authority.id and entry.details["channel"] == "job"
    assert send_due_reminders(settings, today=date(2026, 4, 3) + timedelta(days=1)) == 0  # no SMTP
