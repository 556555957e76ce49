"""Deadline reminders of a cycle (docs/benchmark.md).

A participant is due a reminder when its cycle is open (``opens_on <= today <= closes_on``), the
close date is within ``remind_days_before`` days, its latest revision is neither submitted nor
accepted, and no reminder was sent yet for this close date. The reminder goes by SMTP (RFC 5321)
to the organisation's members who can work on the assessment — the roles holding
``assessment:write`` or ``assessment:sign_off`` in :mod:`cyberdelta.tenancy.permissions` — and is
recorded (:class:`~cyberdelta.supervision.models.ReminderSent`) and audited, so running the sender
again sends nothing twice. Each e-mail is in the member's chosen language
(:attr:`~cyberdelta.tenancy.models.User.email_language`), or in Japanese and then English when the
member has not chosen.

The caller owns the transaction: :func:`send_reminders` writes one record per organisation before
e-mailing it, inside a savepoint that is rolled back when the SMTP server refuses (the organisation
is then reported, not recorded). Two senders at the same moment (the worker, cron, the button)
meet on the record's unique key: the second waits until the first's transaction ends and then
skips the organisation, so it is e-mailed once.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cyberdelta.assessment.models import Assessment, Cycle
from cyberdelta.assessment.workflow import State
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.i18n import pick
from cyberdelta.platform.jobs import session_factory
from cyberdelta.platform.settings import Settings
from cyberdelta.supervision.models import CycleParticipant, CycleSchedule, ReminderSent
from cyberdelta.tenancy.mail import compose, send_messages
from cyberdelta.tenancy.models import Membership, Organisation, User
from cyberdelta.tenancy.permissions import Permission, Role, permissions_for

log = logging.getLogger(__name__)

KIND = "deadline"
WORKING = frozenset({Permission.ASSESSMENT_WRITE, Permission.ASSESSMENT_SIGN_OFF})
RECIPIENT_ROLES = tuple(sorted(role.value for role in Role if permissions_for(role) & WORKING))
DONE = (State.SUBMITTED.value, State.ACCEPTED.value)


class ReminderError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Due:
    cycle: Cycle
    schedule: CycleSchedule
    organisation: Organisation


@dataclass
class Outcome:
    """What one run did: e-mailed (organisation, recipients), skipped for lack of anyone to
    e-mail, and refused by the SMTP server (organisation, error)."""

    sent: list[tuple[Due, int]] = field(default_factory=list)
    no_recipients: list[Due] = field(default_factory=list)
    failed: list[tuple[Due, str]] = field(default_factory=list)


def due_reminders(session: Session, today: date, cycle_id: int | None = None) -> list[Due]:
    """Participants of open cycles inside their reminder window, not submitted, not yet reminded."""
    query = (
        select(Cycle, CycleSchedule)
        .join(CycleSchedule, CycleSchedule.cycle_id == Cycle.id)
        .where(CycleSchedule.opens_on <= today, CycleSchedule.closes_on >= today)
        .order_by(Cycle.id)
    )
    if cycle_id is not None:
        query = query.where(Cycle.id == cycle_id)
    result: list[Due] = []
    for cycle, schedule in session.execute(query).all():
        if (schedule.closes_on - today).days > schedule.remind_days_before:
            continue
        states: dict[int, str] = {}
        for organisation_id, state in session.execute(
            select(Assessment.organisation_id, Assessment.state)
            .where(Assessment.cycle_id == cycle.id)
            .order_by(Assessment.revision)
        ):
            states[organisation_id] = state
        reminded = set(
            session.scalars(
                select(ReminderSent.organisation_id).where(
                    ReminderSent.cycle_id == cycle.id,
                    ReminderSent.kind == KIND,
                    ReminderSent.closes_on == schedule.closes_on,
                )
            )
        )
        organisations = session.scalars(
            select(Organisation)
            .join(CycleParticipant, CycleParticipant.organisation_id == Organisation.id)
            .where(CycleParticipant.cycle_id == cycle.id)
            .order_by(Organisation.name_en)
        )
        result.extend(
            Due(cycle, schedule, organisation)
            for organisation in organisations
            if states.get(organisation.id) not in DONE and organisation.id not in reminded
        )
    return result


def recipients(session: Session, organisation_id: int) -> list[User]:
    """The members who can work on the organisation's assessment (write or sign off)."""
    return list(
        session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == organisation_id, Membership.role.in_(RECIPIENT_ROLES))
            .order_by(User.email)
        )
    )


def reminded_on(session: Session, cycle_id: int) -> dict[int, date]:
    """The date of each participant's latest reminder in the cycle (for the dashboard)."""
    rows = session.execute(
        select(ReminderSent.organisation_id, func.max(ReminderSent.sent_on))
        .where(ReminderSent.cycle_id == cycle_id)
        .group_by(ReminderSent.organisation_id)
    )
    return {row[0]: row[1] for row in rows}


def _message(settings: Settings, due: Due, user: User, today: date) -> EmailMessage:
    days = (due.schedule.closes_on - today).days

    def text() -> tuple[str, str]:
        subject = _(
            "Self-assessment due on %(closes)s: %(cycle)s",
            closes=due.schedule.closes_on,
            cycle=due.cycle.name,
        )
        body = _(
            "The self-assessment of %(organisation)s for the cycle %(cycle)s is due on %(closes)s "
            "(%(days)s days left) and has not been submitted yet.\n\n"
            "Open CyberDelta to continue it:\n%(url)s\n",
            organisation=pick(due.organisation.name_en, due.organisation.name_ja),
            cycle=due.cycle.name,
            closes=due.schedule.closes_on,
            days=days,
            url=f"{settings.base_url.rstrip('/')}/cycles",
        )
        return subject, body

    return compose(settings, user, text)


def send_reminders(
    session: Session,
    settings: Settings,
    today: date,
    *,
    cycle_id: int | None = None,
    actor: Actor,
    via: str = "web",
) -> Outcome:
    """E-mail every due participant (of one cycle, or of every open cycle), record and audit each.
    Without a configured SMTP server nothing is sent or recorded: :class:`ReminderError`."""
    if not settings.smtp_host:
        raise ReminderError(
            "smtp", _("no SMTP server is configured (CYBERDELTA_SMTP_HOST), so no reminder was sent")
        )
    outcome = Outcome()
    for due in due_reminders(session, today, cycle_id):
        members = recipients(session, due.organisation.id)
        if not members:
            outcome.no_recipients.append(due)
            continue
        try:
            with session.begin_nested():
                # The record is written before the e-mails go: a sender running at the same moment
                # waits on its unique key until this transaction ends, then finds it taken.
                _claim(session, due, len(members), today, actor.user_id)
                send_messages(settings, [_message(settings, due, member, today) for member in members])
        except IntegrityError:
            continue  # another sender reminded this participant for this deadline
        except (smtplib.SMTPException, OSError) as error:  # the claim was rolled back with the savepoint
            outcome.failed.append((due, f"{type(error).__name__}: {error}"))
            continue
        audit(
            session,
            actor,
            "cycle.reminder_sent",
            organisation_id=due.organisation.id,
            object_type="assessment_cycle",
            object_id=due.cycle.id,
            details={"closes_on": due.schedule.closes_on.isoformat(), "recipients": len(members), "via": via},
        )
        outcome.sent.append((due, len(members)))
    session.flush()
    return outcome


def _claim(session: Session, due: Due, count: int, today: date, user_id: int | None) -> None:
    session.add(
        ReminderSent(
            cycle_id=due.cycle.id,
            organisation_id=due.organisation.id,
            kind=KIND,
            closes_on=due.schedule.closes_on,
            sent_on=today,
            recipients=count,
            sent_by_user_id=user_id,
        )
    )
    session.flush()


def send_due_reminders(settings: Settings, today: date | None = None) -> int:
    """The daily reminder run of ``cyberdelta worker``; how many participants were reminded."""
    if not settings.smtp_host:
        log.warning("no SMTP server is configured (CYBERDELTA_SMTP_HOST): reminders are not sent")
        return 0
    try:
        with transaction(session_factory(settings.resolved_database_url)) as session:
            outcome = send_reminders(
                session, settings, today or utcnow().date(), actor=Actor.job(), via="worker"
            )
    except ReminderError as error:
        log.warning("reminders not sent: %s", error)
        return 0
    for due, message in outcome.failed:
        log.warning("reminder to organisation %s failed: %s", due.organisation.id, message)
    return len(outcome.sent)
