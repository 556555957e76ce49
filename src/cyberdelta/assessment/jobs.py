"""Background rendering of PDF reports with huey (docs/architecture.md, "Background jobs").

The job runs on the app's one huey queue (:mod:`cyberdelta.platform.jobs`); its progress lives in the
``assessment_report_job`` table so that any app process can answer the page's poll (docs/architecture.md,
"Background jobs":
nothing only in one process's memory). The rendered PDF is stored under ``data_dir/reports`` by its
SHA-256.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy.orm import Session

from cyberdelta.assessment import service
from cyberdelta.assessment.errors import NotFoundError
from cyberdelta.assessment.models import Assessment, ReportJob
from cyberdelta.assessment.plan import refresh_plan
from cyberdelta.assessment.report import render_pdf
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.jobs import enqueue as enqueue_task
from cyberdelta.platform.jobs import session_factory
from cyberdelta.platform.settings import Language, Settings


def report_path(data_dir: Path, sha256: str) -> Path:
    return data_dir / "reports" / f"{sha256}.pdf"


def run_report_job(database_url: str, data_dir: str, job_id: int) -> None:
    """Render one report, writing progress to its job row in short transactions of their own."""
    factory = session_factory(database_url)

    def progress(percent: int) -> None:
        with transaction(factory) as session:
            job = session.get(ReportJob, job_id)
            if job is not None:
                job.progress, job.status = percent, "running"

    try:
        progress(5)
        with transaction(factory) as session:
            job = session.get(ReportJob, job_id)
            if job is None:
                return
            organisation_id, assessment_id = job.organisation_id, job.assessment_id
            language: Language = "en" if job.language == "en" else "ja"
            refresh_plan(session, service.get_assessment(session, organisation_id, assessment_id))
        # Rendering only reads, so the progress updates (other transactions) never wait for it.
        with transaction(factory) as session:
            assessment = service.get_assessment(session, organisation_id, assessment_id)
            pdf = render_pdf(session, assessment, language, progress, refresh=False)
        digest = hashlib.sha256(pdf).hexdigest()
        target = report_path(Path(data_dir), digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".part")
        temporary.write_bytes(pdf)
        temporary.replace(target)
        with transaction(factory) as session:
            job = session.get(ReportJob, job_id)
            if job is not None:
                job.status, job.progress, job.sha256, job.finished_at = "done", 100, digest, utcnow()
    except Exception as error:  # the job row must say it failed, whatever the cause
        with transaction(factory) as session:
            job = session.get(ReportJob, job_id)
            if job is not None:
                job.status, job.error, job.finished_at = "failed", type(error).__name__, utcnow()
        raise


def start_report(
    session: Session, settings: Settings, actor: Actor, assessment: Assessment, language: Language
) -> ReportJob:
    """Create the job row (committed by the caller) — the task is enqueued by :func:`enqueue` after
    commit; audited as ``assessment.report_requested`` (the download is audited as an export)."""
    job = ReportJob(
        organisation_id=assessment.organisation_id, assessment_id=assessment.id, language=language
    )
    session.add(job)
    session.flush()
    audit(
        session,
        actor,
        "assessment.report_requested",
        organisation_id=assessment.organisation_id,
        object_type="report_job",
        object_id=job.id,
        details={"assessment": assessment.id, "language": language},
    )
    return job


def enqueue(settings: Settings, job_id: int) -> None:
    """Hand the job to huey (in immediate mode this renders right away)."""
    enqueue_task(settings, run_report_job, settings.resolved_database_url, str(settings.data_dir), job_id)


def get_job(session: Session, organisation_id: int, job_id: int) -> ReportJob:
    job = session.get(ReportJob, job_id)
    if job is None or job.organisation_id != organisation_id:
        raise NotFoundError(job_id)
    return job
