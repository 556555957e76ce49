"""Deadline reminders of engagements (docs/tlpt.md, "Reminders"), sent by the daily run of
``cyberdelta worker`` (the job queue's periodic work).

The current phase of an engagement is due a reminder when its deadline is within
:data:`REMIND_DAYS` days or past, it has no reminder for that deadline yet, and the phase is not
active red teaming (whose date is a minimum, not a deadline). The e-mail goes over SMTP (RFC 5321)
to the people named on the engagement only, in each one's e-mail language, and says the code name,
the phase and the date — nothing of the content. Each reminder is recorded on the phase row
(``reminded_on`` = the deadline reminded of, so a moved deadline is reminded of again) and audited
under the authority, in the same transaction; a refused SMTP delivery rolls back that engagement's
record so that the next run tries again.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.jobs import session_factory
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy.mail import compose, send_messages
from cyberdelta.tenancy.models import User
from cyberdelta.tlpt.engagements import _audit
from cyberdelta.tlpt.frameworks import CLOSED
from cyberdelta.tlpt.labels import PHASE_TITLES
from cyberdelta.tlpt.models import TlptEngagement, TlptMember, TlptPhase

log = logging.getLogger(__name__)
REMIND_DAYS: Final = 7


@dataclass(frozen=True)
class Due:
    engagement: TlptEngagement
    phase: TlptPhase


def due_reminders(session: Session, today: date) -> list[Due]:
    rows = session.execute(
        select(TlptEngagement, TlptPhase)
        .join(TlptPhase, TlptPhase.engagement_id == TlptEngagement.id)
        .where(
            TlptEngagement.phase != CLOSED,
            TlptPhase.phase == TlptEngagement.phase,
            TlptPhase.phase != "active_red_teaming",
            TlptPhase.due_on.is_not(None),
            TlptPhase.due_on <= today + timedelta(days=REMIND_DAYS),
        )
        .order_by(TlptEngagement.id)
    ).all()
    return [Due(engagement, phase) for engagement, phase in rows if phase.reminded_on != phase.due_on]


def send_reminders(session: Session, settings: Settings, today: date, *, actor: Actor) -> int:
    """E-mail every due reminder; returns how many engagements were reminded."""
    sent = 0
    for due in due_reminders(session, today):
        people = session.scalars(
            select(User)
            .join(TlptMember, TlptMember.user_id == User.id)
            .where(TlptMember.engagement_id == due.engagement.id)
            .order_by(User.id)
        ).all()
        deadline = due.phase.due_on or today  # never None: the query asks for a deadline

        def text(due: Due = due, deadline: date = deadline) -> tuple[str, str]:
            title = _(PHASE_TITLES[due.phase.phase])
            return _(
                "TLPT %(code)s: %(phase)s due %(date)s",
                code=due.engagement.code_name,
                phase=title,
                date=deadline,
            ), _(
                "The deadline of %(phase)s of engagement %(code)s is %(date)s.\n"
                "Open CyberDelta for the details; this message holds nothing else.\n",
                phase=title,
                code=due.engagement.code_name,
                date=deadline,
            )

        try:
            with session.begin_nested():
                due.phase.reminded_on = deadline
                _audit(
                    session,
                    actor,
                    "tlpt.reminder_sent",
                    due.engagement,
                    phase=due.phase.phase,
                    people=len(people),
                )
                send_messages(settings, [compose(settings, person, text) for person in people])
        except (smtplib.SMTPException, OSError) as error:
            log.warning(
                "TLPT reminder for engagement %s not sent: %s", due.engagement.id, type(error).__name__
            )
            continue
        sent += 1
    return sent


def send_due_reminders(settings: Settings, today: date | None = None) -> int:
    """The daily run of ``cyberdelta worker``."""
    if not settings.smtp_host:
        log.warning("no SMTP server is configured (CYBERDELTA_SMTP_HOST): TLPT reminders are not sent")
        return 0
    with transaction(session_factory(settings.resolved_database_url)) as session:
        return send_reminders(session, settings, today or utcnow().date(), actor=Actor.job())
