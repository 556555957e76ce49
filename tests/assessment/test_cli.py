"""``cyberdelta demo`` (idempotent, with a partly filled assessment) and ``cyberdelta assessment report``."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment import service
from cyberdelta.assessment.models import Response
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy.service import get_organisation_by_slug
from tests.test_cli import run_cli


def test_demo_twice_then_a_pdf_report_from_the_command_line(
    settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    for _run in range(2):
        done = run_cli(settings, "demo")
        assert done.returncode == 0, done.stderr
    with transaction(session_factory) as session:
        sakura = get_organisation_by_slug(session, "sakura-exchange")
        assert sakura is not None
        # The named exchange: accepted last year, a draft now (one per cycle, however often run).
        [draft, accepted] = service.list_assessments(session, sakura.id)
        assert (draft.state, accepted.state) == ("draft", "accepted")
        answered = session.scalar(select(func.count()).where(Response.assessment_id == draft.id)) or 0
        total = len(service.view_of(session, draft).controls)
    assert 0 < answered < total
    output = tmp_path / "demo.pdf"
    report = run_cli(
        settings, "assessment", "report", "sakura-exchange", "--output", str(output), "--language", "en"
    )
    assert report.returncode == 0, report.stderr
    text = "".join(page.extract_text() for page in PdfReader(str(output)).pages)
    assert "Sakura Exchange" in text and "Governance" in text


def test_unknown_organisation_and_language_are_user_errors(settings: Settings) -> None:
    missing = run_cli(settings, "assessment", "report", "nobody")
    assert missing.returncode == 1 and "nobody" in missing.stderr and "Traceback" not in missing.stderr
    wrong = run_cli(settings, "assessment", "report", "nobody", "--language", "fr")
    assert wrong.returncode == 1 and "language" in wrong.stderr
