"""The to-do list of a member's home page (docs/home.md, "a home page per role with a to-do list").

What waits for the signed-in member, derived from the same permissions the routes check
(``tenancy/permissions.py``) and read through the capabilities' own services:

- an executive approver: the firm's assessments in internal review, awaiting sign-off
  (docs/assessment.md, workflow);
- the security team: assessments returned by the supervisor and the per-control comments to
  answer; a draft whose cycle closes within the reminder window, or has closed;
- every reader of the hub: intelligence shared with the organisation in the last seven days
  (TLP 2.0 rules applied, docs/intel.md);
- the supervisor: submissions to review and each open cycle's progress (docs/benchmark.md,
  collection dashboard).

Nothing here writes: the home page is not a review of any firm's content (reading one submission is
audited on its own page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from cyberdelta.assessment import service as assessment_service
from cyberdelta.assessment.workflow import State
from cyberdelta.intel import service as intel_service
from cyberdelta.intel.caller import Caller
from cyberdelta.intel.feed import FeedQuery, feed
from cyberdelta.intel.timestamps import now_us
from cyberdelta.intel.tlp import Reader
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.i18n import ngettext, pick
from cyberdelta.supervision import service as supervision
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal

NEW_INTEL_DAYS = 7
DUE_SOON_DAYS = 14
MAX_SUBMISSIONS = 20


@dataclass(frozen=True)
class Todo:
    """One thing to do: a sentence in the reader's language and the page where it is done."""

    kind: str  # approve, returned, comments, due, overdue, intel, review, progress
    text: str
    route: str
    params: dict[str, Any] = field(default_factory=dict)
    query: str = ""


@dataclass(frozen=True)
class CycleProgress:
    cycle_id: int
    name: str
    closes_on: date | None
    participants: int
    counts: dict[str, int]
    waiting: list[tuple[int, str]]  # submitted assessments: (assessment id, firm name)

    @property
    def done(self) -> int:
        return self.counts.get("submitted", 0) + self.counts.get("accepted", 0)


def exchange_todos(session: Session, principal: Principal, today: date) -> list[Todo]:
    """The firm's assessments that wait for this member, cycle by cycle (newest first)."""
    organisation_id = principal.organisation_id
    if organisation_id is None or not principal.has(Permission.ASSESSMENT_READ):
        return []
    todos: list[Todo] = []
    for cycle, schedule in supervision.cycles_for(session, organisation_id):
        assessment = assessment_service.latest_assessment(session, organisation_id, cycle.id)
        state = State(assessment.state) if assessment is not None else None
        link = {"assessment_id": assessment.id} if assessment is not None else {}
        if state is State.IN_REVIEW and principal.has(Permission.ASSESSMENT_SIGN_OFF):
            text = _("%(cycle)s: the self-assessment awaits your sign-off.", cycle=cycle.name)
            todos.append(Todo("approve", text, "assessment.workspace", link))
        if state is State.RETURNED and assessment is not None:
            text = _("%(cycle)s: the FSA returned the self-assessment to us.", cycle=cycle.name)
            todos.append(Todo("returned", text, "assessment.workspace", link))
            comments = [c for rev, c in supervision.comments_for(session, organisation_id, cycle.id)
                        if rev == assessment.revision]  # fmt: skip
            if comments and principal.has(Permission.ASSESSMENT_WRITE):
                text = ngettext(
                    "%(cycle)s: %(num)s comment on a control to answer.",
                    "%(cycle)s: %(num)s comments on controls to answer.",
                    len(comments),
                    cycle=cycle.name,
                )
                todos.append(Todo("comments", text, "assessment.workspace", link))
        open_work = state in (None, State.DRAFT, State.IN_REVIEW)
        if schedule is not None and open_work and principal.has(Permission.ASSESSMENT_WRITE):
            days = (schedule.closes_on - today).days
            if days < 0:
                text = _(
                    "%(cycle)s: the deadline %(day)s has passed.", cycle=cycle.name, day=schedule.closes_on
                )
                todos.append(Todo("overdue", text, "supervision.my_cycles"))
            elif days <= max(schedule.remind_days_before, DUE_SOON_DAYS) and schedule.opens_on <= today:
                text = ngettext(
                    "%(cycle)s: due in %(num)s day (%(day)s).",
                    "%(cycle)s: due in %(num)s days (%(day)s).",
                    days,
                    cycle=cycle.name,
                    day=schedule.closes_on,
                )
                todos.append(Todo("due", text, "supervision.my_cycles"))
    return todos


def intel_todos(session: Session, principal: Principal) -> list[Todo]:
    """Intelligence the organisation may read that arrived in the last week."""
    if principal.organisation_id is None or not principal.has(Permission.INTEL_READ):
        return []
    caller = Caller(
        reader=Reader(principal.organisation_id, principal.organisation_kind),
        read=True,
        user_id=principal.user_id,
    )
    readable = [
        item.id for item, can_read, _write in intel_service.visible_collections(session, caller) if can_read
    ]
    if not readable:
        return []
    since = now_us() - NEW_INTEL_DAYS * 24 * 3600 * 1_000_000
    items = feed(session, caller.reader, readable, FeedQuery(since_us=since, limit=1000))
    if not items:
        return []
    text = ngettext(
        "%(num)s new shared intelligence object for us this week.",
        "%(num)s new shared intelligence objects for us this week.",
        len(items),
    )
    return [Todo("intel", text, "intel.feed_page")]


def open_cycles(session: Session, today: date) -> list[CycleProgress]:
    """Cycles open today or closed within the last 30 days, with the participants' states."""
    found = []
    for cycle, schedule, _previous in reversed(supervision.cycles_with_schedules(session)):
        if schedule is None or schedule.opens_on > today or schedule.closes_on < today - timedelta(days=30):
            continue
        rows = supervision.dashboard(session, cycle, today)
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.state] = counts.get(row.state, 0) + 1
        waiting = [
            (row.assessment_id, pick(row.organisation.name_en, row.organisation.name_ja))
            for row in rows
            if row.state == State.SUBMITTED.value and row.assessment_id is not None
        ]
        found.append(CycleProgress(cycle.id, cycle.name, schedule.closes_on, len(rows), counts, waiting))
    return found


def supervisor_todos(principal: Principal, cycles: list[CycleProgress]) -> list[Todo]:
    """Submissions waiting for the supervisor's review, in the cycles still being collected."""
    if not principal.has(Permission.ASSESSMENT_REVIEW):
        return []
    todos: list[Todo] = []
    for progress in cycles:
        for assessment_id, firm in progress.waiting[:MAX_SUBMISSIONS]:
            text = _("%(cycle)s: review the submission of %(firm)s.", cycle=progress.name, firm=firm)
            todos.append(
                Todo("review", text, "supervision.submission_page", {"assessment_id": assessment_id})
            )
    return todos


@dataclass(frozen=True)
class HomeView:
    todos: list[Todo]
    cycles: list[CycleProgress]  # the supervisor's open cycles (empty for everyone else)


def home_for(session: Session, principal: Principal, today: date) -> HomeView:
    cycles = open_cycles(session, today) if principal.has(Permission.ASSESSMENT_REVIEW) else []
    todos = [
        *exchange_todos(session, principal, today),
        *supervisor_todos(principal, cycles),
        *intel_todos(session, principal),
    ]
    return HomeView(todos, cycles)
