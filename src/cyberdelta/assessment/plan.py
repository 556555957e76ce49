"""Improvement plan (POA&M, docs/assessment.md): one item per control with a gap, kept per
organisation and cycle so that progress shows across the year.

:func:`refresh_plan` turns the gaps of an assessment (:mod:`cyberdelta.assessment.gaps`) into items:
new gaps become ``planned`` items, existing items get the current gap and priority, and an item
whose gap has closed is marked ``done``. :func:`add_finding_item` adds an item the self-assessment did
not show: a finding of a threat-led penetration test (docs/tlpt.md, "Findings"), kept open until it is
dealt with even when the answers show no gap (that contradiction is the point of the finding).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cyberdelta.assessment import service
from cyberdelta.assessment.errors import AssessmentError, ConflictError, NotFoundError
from cyberdelta.assessment.gaps import find_gaps
from cyberdelta.assessment.models import Assessment, ImprovementItem
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.i18n import gettext as _


class ItemStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DEFERRED = "deferred"


# The gap kind of an item that a finding from outside the self-assessment added (a TLPT finding).
FINDING_KIND = "tlpt"

SORTS = {
    "priority": (ImprovementItem.priority.desc(), ImprovementItem.control_id),
    "due": (ImprovementItem.due_date, ImprovementItem.priority.desc()),
    "control": (ImprovementItem.control_id,),
}


def refresh_plan(session: Session, assessment: Assessment) -> list[ImprovementItem]:
    view = service.view_of(session, assessment)
    result = service.summary(session, assessment, view)
    responses = service.responses_of(session, assessment)
    overrides = {k: r.target_override for k, r in responses.items() if r.target_override is not None}
    gaps = find_gaps(view.specs, service.answers_of(responses), result.targets, result.ratings, overrides)
    items = {
        item.control_id: item
        for item in session.scalars(
            select(ImprovementItem).where(
                ImprovementItem.organisation_id == assessment.organisation_id,
                ImprovementItem.cycle_id == assessment.cycle_id,
            )
        )
    }
    open_gaps = set()
    for gap in gaps:
        open_gaps.add(gap.control_id)
        item = items.get(gap.control_id)
        control = view.control(gap.control_id)
        title = f"{control.label if control else gap.control_id}: {control.title_ja if control else ''}"
        if item is None:
            item = ImprovementItem(
                organisation_id=assessment.organisation_id,
                cycle_id=assessment.cycle_id,
                control_id=gap.control_id,
                domain=gap.domain,
                title=title,
                status=ItemStatus.PLANNED,
                version=1,
            )
            session.add(item)
            items[gap.control_id] = item
        elif item.status == ItemStatus.DONE:
            item.status, item.completed_at = ItemStatus.PLANNED, None
        item.gap_kind, item.current, item.target, item.priority = (
            gap.kind,
            gap.current,
            gap.target,
            gap.priority,
        )
    for control_id, item in items.items():
        if control_id not in open_gaps and item.status != ItemStatus.DONE and item.gap_kind != FINDING_KIND:
            item.status, item.completed_at = ItemStatus.DONE, utcnow()
    session.flush()
    return list(items.values())


def list_items(
    session: Session,
    organisation_id: int,
    cycle_id: int,
    *,
    status: str | None = None,
    domain: str | None = None,
    kind: str | None = None,
    sort: str = "priority",
) -> list[ImprovementItem]:
    query = select(ImprovementItem).where(
        ImprovementItem.organisation_id == organisation_id, ImprovementItem.cycle_id == cycle_id
    )
    if status:
        query = query.where(ImprovementItem.status == status)
    if domain:
        query = query.where(ImprovementItem.domain == domain)
    if kind:
        query = query.where(ImprovementItem.gap_kind == kind)
    return list(session.scalars(query.order_by(*SORTS.get(sort, SORTS["priority"]))))


def get_item(session: Session, organisation_id: int, item_id: int) -> ImprovementItem:
    item = session.get(ImprovementItem, item_id)
    if item is None or item.organisation_id != organisation_id:
        raise NotFoundError(item_id)
    return item


def update_item(
    session: Session,
    item: ImprovementItem,
    *,
    actor: Actor,
    owner: str,
    due_date: str,
    status: str,
    expected_version: int,
) -> ImprovementItem:
    """Owner, due date (YYYY-MM-DD or empty) and milestone status, with the same version check as answers."""
    if status not in {s.value for s in ItemStatus}:
        raise AssessmentError("status", _("choose planned, in progress, done or deferred"))
    if len(owner) > 200:
        raise AssessmentError("owner", _("longer than %(max)s characters", max=200))
    due: date | None = None
    if due_date.strip():
        try:
            due = date.fromisoformat(due_date.strip())
        except ValueError:
            raise AssessmentError("due_date", _("give a date as YYYY-MM-DD")) from None
    changed = session.execute(
        update(ImprovementItem)
        .where(ImprovementItem.id == item.id, ImprovementItem.version == expected_version)
        .values(
            owner=owner.strip(),
            due_date=due,
            status=status,
            version=expected_version + 1,
            completed_at=utcnow() if status == ItemStatus.DONE else None,
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(item)
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError("item", _("Someone else changed this item; reload and try again."), item.version)
    audit(
        session,
        actor,
        "assessment.plan_item_updated",
        organisation_id=item.organisation_id,
        object_type="improvement_item",
        object_id=item.id,
        details={
            "control_id": item.control_id,
            "owner": item.owner,
            "due_date": due_date.strip() or None,
            "status": item.status,
            "version": item.version,
        },
    )
    return item


@dataclass(frozen=True)
class YearProgress:
    total: int
    done: int
    by_status: dict[str, int]
    done_by_month: dict[str, int]

    @property
    def percent(self) -> int:
        return 0 if self.total == 0 else (100 * self.done) // self.total


def year_progress(items: list[ImprovementItem]) -> YearProgress:
    """Items by status and closed items per month (YYYY-MM), for the progress-across-the-year view."""
    by_status = Counter(item.status for item in items)
    months = Counter(item.completed_at.strftime("%Y-%m") for item in items if item.completed_at is not None)
    return YearProgress(
        total=len(items),
        done=by_status.get(ItemStatus.DONE, 0),
        by_status=dict(by_status),
        done_by_month=dict(sorted(months.items())),
    )


def add_finding_item(
    session: Session,
    actor: Actor,
    assessment: Assessment,
    *,
    control_id: str,
    title: str,
    found: int,
    priority: float,
    source: str,
) -> ImprovementItem:
    """An item of the firm's plan for ``control_id`` from a finding made outside the self-assessment
    (``source``, e.g. ``tlpt``): the maturity ``found`` shown by the test is the item's current level,
    its target at least the next level; an item already open for the control takes the finding's title
    and the higher priority. Audited under the firm."""
    control = service.view_of(session, assessment).control(control_id)
    if control is None:
        raise AssessmentError("control_id", _("Unknown control id %(id)s.", id=control_id))
    item = session.scalars(
        select(ImprovementItem).where(
            ImprovementItem.organisation_id == assessment.organisation_id,
            ImprovementItem.cycle_id == assessment.cycle_id,
            ImprovementItem.control_id == control_id,
        )
    ).first()
    if item is None:
        item = ImprovementItem(
            organisation_id=assessment.organisation_id,
            cycle_id=assessment.cycle_id,
            control_id=control_id,
            domain=control.domain,
            gap_kind=FINDING_KIND,
            current=found,
            target=min(found + 1, 5),
            priority=priority,
            title=title,
            status=ItemStatus.PLANNED,
            version=1,
        )
        session.add(item)
    else:
        item.title = f"{item.title} / {title}"
        item.current, item.priority = min(item.current, found), max(item.priority, priority)
        item.target = max(item.target, min(found + 1, 5))
        if item.status == ItemStatus.DONE:
            item.status, item.completed_at = ItemStatus.PLANNED, None
        item.version += 1
    session.flush()
    audit(
        session,
        actor,
        "assessment.plan_item_added",
        object_type="plan_item",
        object_id=item.id,
        details={"control": control_id, "source": source},
        organisation_id=assessment.organisation_id,
    )
    return item
