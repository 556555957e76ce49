"""Feedback reports of a whole cycle as one background job (docs/benchmark.md: "generated for all
participants in one background job with a progress bar in page and CLI").

The job runs on the app's huey queue (:mod:`cyberdelta.platform.jobs`, so ``Settings.jobs_mode`` governs
it as it does the report and recomputation jobs); its progress,
files and failures live in :class:`~cyberdelta.benchmark.feedback_models.FeedbackRun`. The PDFs
go to ``data_dir/feedback/run-<id>/`` with a ZIP of them all. A firm whose PDF cannot be made is
listed in ``failures`` (the others still get theirs); the run then ends as ``done`` with failures.
"""

from __future__ import annotations

import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.assessment.models import Cycle
from cyberdelta.benchmark import feedback
from cyberdelta.benchmark.feedback_models import FeedbackRun
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.jobs import enqueue as enqueue_task
from cyberdelta.platform.jobs import session_factory
from cyberdelta.platform.settings import Language, Settings
from cyberdelta.tenancy.models import Organisation

# A queued or running run that has not moved for this long was lost (the process stopped).
STALE = timedelta(minutes=15)
ACTIVE = ("queued", "running")


class FeedbackRunError(DomainError, ValueError):
    """A feedback run that cannot start now (one is already running for the cycle)."""

    status = 409

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def run_folder(data_dir: Path, run_id: int) -> Path:
    return data_dir / "feedback" / f"run-{run_id}"


def zip_name(run: FeedbackRun) -> str:
    return f"feedback-{run.cycle_id}-{run.language}.zip"


def active_run(session: Session, cycle_id: int) -> FeedbackRun | None:
    """The cycle's queued or running run; one that stopped moving is marked failed first."""
    run = session.scalar(select(FeedbackRun).where(FeedbackRun.active_cycle_id == cycle_id))
    if run is not None and utcnow() - run.updated_at > STALE:
        run.status, run.error, run.active_cycle_id, run.finished_at = "failed", "interrupted", None, utcnow()
        session.flush()
        return None
    return run


def start_run(session: Session, cycle: Cycle, code: Language, *, actor: Actor) -> FeedbackRun:
    """A new run of the cycle (committed by the caller, then :func:`enqueue`), audited; refused
    while another run of the same cycle is queued or running (the unique ``active_cycle_id``
    refuses it at commit too, should two supervisors press the button at the same moment)."""
    running = active_run(session, cycle.id)
    if running is not None:
        raise FeedbackRunError(
            "cycle",
            _(
                "feedback reports for this cycle are already being created (run %(id)s, started %(when)s); "
                "wait until it has finished",
                id=running.id,
                when=running.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            ),
        )
    run = FeedbackRun(
        cycle_id=cycle.id, active_cycle_id=cycle.id, language=code, started_by_user_id=actor.user_id
    )
    session.add(run)
    session.flush()
    audit(
        session,
        actor,
        "benchmark.feedback_start",
        object_type="benchmark_feedback_run",
        object_id=run.id,
        details={"cycle_id": cycle.id, "language": code},
    )
    return run


def runs_of(session: Session, cycle_id: int, limit: int = 10) -> list[FeedbackRun]:
    return list(
        session.scalars(
            select(FeedbackRun)
            .where(FeedbackRun.cycle_id == cycle_id)
            .order_by(FeedbackRun.id.desc())
            .limit(limit)
        )
    )


def get_run(session: Session, run_id: int) -> FeedbackRun | None:
    return session.get(FeedbackRun, run_id)


def organisations_of(session: Session, run: FeedbackRun) -> dict[int, Organisation]:
    """The firms named by the run's files and failures, by id (for the page)."""
    ids = [item["organisation_id"] for item in run.files + run.failures if item.get("organisation_id")]
    if not ids:
        return {}
    return {org.id: org for org in session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}


def file_path(data_dir: Path, run: FeedbackRun, name: str) -> Path | None:
    """The stored file of a finished run, only by a name the run itself recorded."""
    names = {item["file"] for item in run.files} | {zip_name(run)}
    if run.status != "done" or name not in names:
        return None
    path = run_folder(data_dir, run.id) / name
    return path if path.is_file() else None


def record_download(session: Session, run: FeedbackRun, name: str, *, actor: Actor) -> None:
    audit(
        session,
        actor,
        "benchmark.feedback_download",
        object_type="benchmark_feedback_run",
        object_id=run.id,
        details={"cycle_id": run.cycle_id, "file": name},
    )


def _update(database_url: str, run_id: int, **changes: Any) -> None:
    with transaction(session_factory(database_url)) as session:
        run = session.get(FeedbackRun, run_id)
        if run is not None:
            for key, value in changes.items():
                setattr(run, key, value)
            run.updated_at = utcnow()


def run_feedback(database_url: str, data_dir: str, run_id: int) -> None:
    """Write the industry report and every counted firm's report, one progress update per file."""
    factory = session_factory(database_url)
    try:
        with transaction(factory) as session:
            run = session.get(FeedbackRun, run_id)
            if run is None:
                return
            cycle = _cycle(session, run.cycle_id)
            code: Language = "en" if run.language == "en" else "ja"
            cycle_id = cycle.id
            firms = [(firm.id, firm.slug) for firm in feedback.firms_with_position(session, cycle)]
        folder = run_folder(Path(data_dir), run_id)
        folder.mkdir(parents=True, exist_ok=True)
        total = len(firms) + 1
        _update(database_url, run_id, status="running", total=total, done=0)
        files: list[dict[str, Any]] = []
        failures: list[dict[str, Any]] = []
        industry = f"industry-{cycle_id}-{code}.pdf"
        with transaction(factory) as session:
            cycle = _cycle(session, cycle_id)
            (folder / industry).write_bytes(feedback.industry_pdf(session, cycle, code))
        files.append({"file": industry, "organisation_id": None})
        _update(database_url, run_id, done=1, files=list(files))
        for index, (organisation_id, slug) in enumerate(firms, start=2):
            name = f"feedback-{cycle_id}-{slug}-{code}.pdf"
            try:
                with transaction(factory) as session:
                    organisation = session.get(Organisation, organisation_id)
                    if organisation is None:
                        raise LookupError(organisation_id)
                    pdf = feedback.firm_pdf(session, _cycle(session, cycle_id), organisation, code)
                (folder / name).write_bytes(pdf)
                files.append({"file": name, "organisation_id": organisation_id})
            except Exception as error:  # one firm's failure is reported and the others go on
                failures.append({"organisation_id": organisation_id, "slug": slug, "error": _error(error)})
            _update(database_url, run_id, done=index, files=list(files), failures=list(failures))
        archive_path = folder / f"feedback-{cycle_id}-{code}.zip"
        with zipfile.ZipFile(archive_path.with_suffix(".part"), "w") as archive:
            for item in files:
                archive.write(folder / item["file"], arcname=item["file"])
        archive_path.with_suffix(".part").replace(archive_path)
        _update(database_url, run_id, status="done", active_cycle_id=None, finished_at=utcnow())
    except Exception as error:  # the run row must say it failed, whatever the cause
        _update(
            database_url,
            run_id,
            status="failed",
            error=_error(error),
            active_cycle_id=None,
            finished_at=utcnow(),
        )
        raise


def _cycle(session: Session, cycle_id: int) -> Cycle:
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:  # deleting a cycle deletes its runs (foreign key cascade)
        raise LookupError(cycle_id)
    return cycle


def _error(error: Exception) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}"[:500] if text else type(error).__name__


def enqueue(settings: Settings, run_id: int) -> None:
    """Hand the committed run to huey (in immediate mode it runs right away)."""
    enqueue_task(settings, run_feedback, settings.resolved_database_url, str(settings.data_dir), run_id)
