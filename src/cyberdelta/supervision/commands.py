"""``cyberdelta cycle …``: the supervisor's assessment cycles (deadline reminders)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape

from cyberdelta.catalog.commands import prepared_engine
from cyberdelta.platform import i18n
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.console import UserError, err, out, settings
from cyberdelta.platform.db.engine import make_session_factory, transaction
from cyberdelta.platform.i18n import gettext as _

cycle_app = typer.Typer(help="Assessment cycles of the supervisor.", no_args_is_help=True)


@cycle_app.command("remind")
def cycle_remind(
    today: Annotated[
        str | None, typer.Option(help="Date to act as today, YYYY-MM-DD (default: today, UTC).")
    ] = None,
) -> None:
    """E-mail the deadline reminders now due in every open cycle, once per participant and deadline
    (run it daily, e.g. from cron)."""
    from datetime import date

    from cyberdelta.platform.db.base import utcnow
    from cyberdelta.supervision.reminders import ReminderError, send_reminders

    try:
        day = date.fromisoformat(today) if today else utcnow().date()
    except ValueError:
        raise UserError(_("today: a date as YYYY-MM-DD is required")) from None
    config = settings()
    engine = prepared_engine(config)
    try:
        with transaction(make_session_factory(engine)) as session:
            outcome = send_reminders(session, config, day, actor=Actor.console(), via="cli")
    except ReminderError as error:
        raise UserError(str(error)) from None
    for due, count in outcome.sent:
        out.print(
            _("%(cycle)s: %(organisation)s reminded (%(count)s members).", cycle=escape(due.cycle.name),
              organisation=escape(i18n.pick(due.organisation.name_en, due.organisation.name_ja)), count=count)
        )  # fmt: skip
    for due in outcome.no_recipients:
        err.print(
            _("%(cycle)s: %(organisation)s has no member who can work on the assessment; nothing sent.",
              cycle=escape(due.cycle.name),
              organisation=escape(i18n.pick(due.organisation.name_en, due.organisation.name_ja)))
        )  # fmt: skip
    for due, message in outcome.failed:
        err.print(
            _("%(cycle)s: the reminder to %(organisation)s failed: %(error)s", cycle=escape(due.cycle.name),
              organisation=escape(i18n.pick(due.organisation.name_en, due.organisation.name_ja)),
              error=escape(message))
        )  # fmt: skip
    out.print(_("%(count)s reminders sent.", count=len(outcome.sent)))
    if outcome.failed:
        sys.exit(1)
