"""Assessment operations (docs/assessment.md, "Scoring"): the only place with assessment queries. Every
function takes
the acting organisation and answers :class:`NotFoundError` for another organisation's objects.
The caller owns the transaction (one per operation; a failure leaves stored data untouched).
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cyberdelta.assessment import scoring
from cyberdelta.assessment.catalog_view import CatalogView, catalog_view
from cyberdelta.assessment.errors import AssessmentError, ConflictError, FrozenError, NotFoundError
from cyberdelta.assessment.models import Assessment, Cycle, Response, RiskProfile
from cyberdelta.assessment.targets import Band, DomainTarget, InherentRiskProfile, domain_targets
from cyberdelta.assessment.workflow import State, is_editable
from cyberdelta.catalog.models import Catalog, CatalogVersion
from cyberdelta.catalog.service import get_control
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.i18n import gettext as _

MAX_TEXT = 4000


class Latest(enum.Enum):
    """The default comparison of a new cycle: the cycle opened last."""

    CYCLE = "latest"


LATEST = Latest.CYCLE


# --- cycles and assessments -------------------------------------------------------------------


def latest_cycle(session: Session) -> Cycle | None:
    """The most recently opened cycle: the default comparison of a new one."""
    return session.scalar(select(Cycle).order_by(Cycle.id.desc()).limit(1))


def new_cycle(
    session: Session, name: str, catalog_version_id: int, previous_cycle_id: int | Latest | None = LATEST
) -> Cycle:
    """Add a cycle comparing with ``previous_cycle_id`` (the latest cycle unless said)."""
    if previous_cycle_id is LATEST:
        latest = latest_cycle(session)
        previous_cycle_id = latest.id if latest is not None else None
    cycle = Cycle(name=name, catalog_version_id=catalog_version_id, previous_cycle_id=previous_cycle_id)
    session.add(cycle)
    session.flush()
    return cycle


def ensure_cycle(session: Session, name: str, catalog_version_id: int) -> Cycle:
    cycle = session.scalar(select(Cycle).where(Cycle.name == name))
    return cycle if cycle is not None else new_cycle(session, name, catalog_version_id)


def catalog_of(session: Session, assessment: Assessment) -> tuple[str, str]:
    """(catalog key, version label) of the assessment's cycle."""
    row = session.execute(
        select(Catalog.key, CatalogVersion.version)
        .join(CatalogVersion, CatalogVersion.catalog_id == Catalog.id)
        .where(CatalogVersion.id == assessment.cycle.catalog_version_id)
    ).one()
    return row[0], row[1]


def view_of(session: Session, assessment: Assessment) -> CatalogView:
    return catalog_view(session, assessment.cycle.catalog_version_id)


def start_assessment(session: Session, organisation_id: int, cycle: Cycle) -> Assessment:
    """The organisation's open assessment in ``cycle``, created (revision 1) when there is none."""
    found = latest_assessment(session, organisation_id, cycle.id)
    if found is not None:
        return found
    assessment = Assessment(organisation_id=organisation_id, cycle_id=cycle.id, revision=1, state=State.DRAFT)
    assessment.cycle = cycle
    view = catalog_view(session, cycle.catalog_version_id)
    assessment.targets = _target_snapshot(session, organisation_id, [d.code for d in view.domains])
    session.add(assessment)
    session.flush()
    return assessment


def latest_assessment(
    session: Session, organisation_id: int, cycle_id: int | None = None
) -> Assessment | None:
    query = select(Assessment).where(Assessment.organisation_id == organisation_id)
    if cycle_id is not None:
        query = query.where(Assessment.cycle_id == cycle_id)
    return session.scalar(query.order_by(Assessment.cycle_id.desc(), Assessment.revision.desc()).limit(1))


def list_assessments(session: Session, organisation_id: int) -> list[Assessment]:
    return list(
        session.scalars(
            select(Assessment)
            .where(Assessment.organisation_id == organisation_id)
            .order_by(Assessment.cycle_id.desc(), Assessment.revision.desc())
        )
    )


def get_assessment(session: Session, organisation_id: int, assessment_id: int) -> Assessment:
    assessment = session.get(Assessment, assessment_id)
    if assessment is None or assessment.organisation_id != organisation_id:
        raise NotFoundError(assessment_id)
    return assessment


# --- inherent-risk profile --------------------------------------------------------------------

PROFILE_FIELDS = {field.name: field for field in dataclasses.fields(InherentRiskProfile)}


def get_profile(session: Session, organisation_id: int) -> InherentRiskProfile:
    row = session.scalar(select(RiskProfile).where(RiskProfile.organisation_id == organisation_id))
    if row is None:
        return InherentRiskProfile()
    return parse_profile(row.answers)


def parse_profile(values: dict[str, Any]) -> InherentRiskProfile:
    """Checks every answer; raises :class:`AssessmentError` naming the first bad field."""
    parsed: dict[str, Any] = {}
    for name, value in values.items():
        if name not in PROFILE_FIELDS:
            continue
        kind = PROFILE_FIELDS[name].type
        if kind == "Band":
            if str(value) not in {band.value for band in Band}:
                raise AssessmentError(name, _("choose small, medium or large"))
            parsed[name] = Band(str(value))
        elif kind == "bool":
            parsed[name] = value in (True, "true", "on", "1", "yes")
        else:
            try:
                number = int(str(value))
            except ValueError:
                raise AssessmentError(name, _("a whole number is required")) from None
            upper = 100 if name == "hot_wallet_percent" else 100000
            if not 0 <= number <= upper:
                raise AssessmentError(name, _("must be between 0 and %(max)s", max=upper))
            parsed[name] = number
    return InherentRiskProfile(**parsed)


def profile_answers(profile: InherentRiskProfile) -> dict[str, Any]:
    """The profile as stored JSON (bands as their text)."""
    answers = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    return {k: (v.value if isinstance(v, Band) else v) for k, v in answers.items()}


def save_profile(session: Session, organisation_id: int, profile: InherentRiskProfile) -> None:
    """Store the answers and refresh the targets of the organisation's editable assessments."""
    answers = profile_answers(profile)
    row = session.scalar(select(RiskProfile).where(RiskProfile.organisation_id == organisation_id))
    if row is None:
        session.add(RiskProfile(organisation_id=organisation_id, answers=answers))
    else:
        row.answers = answers
        row.updated_at = utcnow()
    session.flush()
    for assessment in list_assessments(session, organisation_id):
        if is_editable(State(assessment.state)):
            codes = [d.code for d in view_of(session, assessment).domains]
            assessment.targets = _target_snapshot(session, organisation_id, codes)


def _target_snapshot(session: Session, organisation_id: int, codes: list[str]) -> dict[str, Any]:
    targets = domain_targets(get_profile(session, organisation_id), tuple(codes))
    return {code: {"target": t.target, "rating": t.rating, "points": t.points} for code, t in targets.items()}


def explained_targets(session: Session, assessment: Assessment) -> dict[str, DomainTarget]:
    """Targets with reasons in the current language (from the live profile while editable)."""
    codes = tuple(d.code for d in view_of(session, assessment).domains)
    return domain_targets(get_profile(session, assessment.organisation_id), codes)


# --- responses --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseInput:
    maturity: int | None = None
    not_applicable: bool = False
    na_reason: str = ""
    comment: str = ""
    owner: str = ""
    target_override: int | None = None
    target_reason: str = ""


def responses_of(session: Session, assessment: Assessment) -> dict[str, Response]:
    rows = session.scalars(select(Response).where(Response.assessment_id == assessment.id))
    return {row.control_id: row for row in rows}


def answers_of(responses: dict[str, Response]) -> dict[str, scoring.Answer]:
    return {key: scoring.Answer(row.maturity, row.not_applicable) for key, row in responses.items()}


def validate_response(data: ResponseInput) -> ResponseInput:
    if data.maturity is not None and not scoring.MATURITY_MIN <= data.maturity <= scoring.MATURITY_MAX:
        raise AssessmentError("maturity", _("choose a maturity from 0 to 5"))
    if data.not_applicable and not data.na_reason.strip():
        raise AssessmentError("na_reason", _("N/A needs a reason"))
    if data.target_override is not None:
        if not scoring.MATURITY_MIN <= data.target_override <= scoring.MATURITY_MAX:
            raise AssessmentError("target_override", _("choose a target from 0 to 5"))
        if not data.target_reason.strip():
            raise AssessmentError("target_reason", _("a changed target needs a reason"))
    for name in ("na_reason", "comment", "target_reason"):
        if len(getattr(data, name)) > MAX_TEXT:
            raise AssessmentError(name, _("longer than %(max)s characters", max=MAX_TEXT))
    if len(data.owner) > 200:
        raise AssessmentError("owner", _("longer than %(max)s characters", max=200))
    if data.not_applicable:
        return dataclasses.replace(data, maturity=None, na_reason=data.na_reason.strip())
    return dataclasses.replace(data, na_reason="")


def require_editable(assessment: Assessment) -> None:
    """Refuse any change to a submission that has been signed off: its answers, evidence, targets
    and profile are what the approver signed (the sign-off snapshot keeps them)."""
    if not is_editable(State(assessment.state)):
        raise FrozenError(
            "state", _("The assessment is %(state)s and can no longer be changed.", state=assessment.state)
        )


def save_response(
    session: Session,
    assessment: Assessment,
    control_id: str,
    data: ResponseInput,
    *,
    expected_version: int,
    user_id: int | None,
) -> Response:
    """Save one answer if nobody saved it since ``expected_version`` was read, else :class:`ConflictError`."""
    require_editable(assessment)
    if get_control(session, assessment.cycle.catalog_version_id, control_id) is None:
        raise AssessmentError("control_id", _("Unknown control id %(id)s.", id=control_id))
    clean = validate_response(data)
    values = dataclasses.asdict(clean) | {"updated_at": utcnow(), "updated_by_user_id": user_id}
    existing = session.scalar(
        select(Response).where(Response.assessment_id == assessment.id, Response.control_id == control_id)
    )
    if existing is None:
        if expected_version != 0:
            raise _conflict(control_id, 0)
        row = Response(assessment_id=assessment.id, control_id=control_id, version=1, **values)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            raise _conflict(control_id, 1) from None
        return row
    # Compare-and-set in one statement, so two writers cannot both succeed (no lost update).
    result = session.execute(
        update(Response)
        .where(Response.id == existing.id, Response.version == expected_version)
        .values(version=expected_version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(existing)
        raise _conflict(control_id, existing.version)
    session.refresh(existing)
    return existing


def _conflict(control_id: str, version: int) -> ConflictError:
    return ConflictError(
        control_id,
        _(
            "Someone else changed this answer after you opened it. Reload to see their version, "
            "then make your change again."
        ),
        version,
    )


def apply_rows(
    session: Session, assessment: Assessment, rows: dict[str, ResponseInput], user_id: int | None
) -> int:
    """Apply imported answers (already validated) over the stored ones; returns how many changed."""
    require_editable(assessment)
    existing = responses_of(session, assessment)
    for control_id, data in rows.items():
        clean = validate_response(data)
        row = existing.get(control_id)
        values = dataclasses.asdict(clean) | {"updated_at": utcnow(), "updated_by_user_id": user_id}
        if row is None:
            session.add(Response(assessment_id=assessment.id, control_id=control_id, version=1, **values))
        else:
            values["target_override"], values["target_reason"] = row.target_override, row.target_reason
            for key, value in values.items():
                setattr(row, key, value)
            row.version += 1
    session.flush()
    return len(rows)


# --- scores -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    domains: dict[str, float | None]
    overall: float | None
    progress: dict[str, scoring.Progress]
    unanswered: list[str]
    targets: dict[str, int]
    ratings: dict[str, int]


def summary(session: Session, assessment: Assessment, view: CatalogView | None = None) -> Summary:
    view = view or view_of(session, assessment)
    answers = answers_of(responses_of(session, assessment))
    specs = view.specs
    domain_scores = scoring.domain_scores(specs, answers)
    for domain in view.domains:
        domain_scores.setdefault(domain.code, None)
    weights = {domain.code: domain.weight for domain in view.domains}
    return Summary(
        domains=domain_scores,
        overall=scoring.overall_score(domain_scores, weights),
        progress=scoring.progress(specs, answers),
        unanswered=scoring.unanswered(specs, answers),
        targets={code: int(t["target"]) for code, t in assessment.targets.items()},
        ratings={code: int(t["rating"]) for code, t in assessment.targets.items()},
    )
