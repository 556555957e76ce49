"""Feedback report PDFs (issue #6 item 6): a firm's report holds its own position and gaps and no
other exchange's name; the industry report marks suppressed cells; the CLI writes them all."""

from __future__ import annotations

import subprocess
import sys
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment.models import Cycle
from cyberdelta.benchmark.feedback import firm_pdf, industry_pdf, peers_do_better
from cyberdelta.benchmark.models import BenchmarkPosition
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy.models import Organisation
from tests.benchmark.conftest import DEMO_ORGS, World


def text_of(pdf: bytes) -> str:
    """The PDF's text with line breaks of narrow table cells folded into spaces."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages).split())


def test_a_firms_report_shows_its_position_and_names_no_other_firm(
    session_factory: sessionmaker[Session], world: World
) -> None:
    with transaction(session_factory) as session:
        cycle = session.get(Cycle, world.cycles[-1])
        firms = list(session.scalars(select(Organisation).where(Organisation.id.in_(world.organisations))))
        me = next(firm for firm in firms if firm.id == world.organisations[0])
        text = text_of(firm_pdf(session, cycle, me, "en"))  # type: ignore[arg-type]
        better = peers_do_better(session, cycle, me.id)  # type: ignore[arg-type]
        japanese = text_of(firm_pdf(session, cycle, me, "ja"))  # type: ignore[arg-type]
    assert me.name_en in text and "Where you stand" in text and "What peers typically do better" in text
    assert all(item.maturity < item.median for item in better)
    if better:
        assert better[0].label in text
    for other in firms:
        if other.id != me.id:
            assert other.name_en not in text and other.slug not in text
    assert me.name_ja in japanese and "自社の位置づけ" in japanese


def test_the_industry_report_marks_suppressed_cells(
    session_factory: sessionmaker[Session], world: World
) -> None:
    with transaction(session_factory) as session:
        cycle = session.get(Cycle, world.cycles[-1])
        text = text_of(industry_pdf(session, cycle, "en"))  # type: ignore[arg-type]
    assert "Industry view" in text and "not enough peers" in text and "Demo Exchange" not in text


def test_the_cli_writes_every_report_with_progress(settings: Settings, world: World, tmp_path: Path) -> None:
    env = {"CYBERDELTA_DATABASE_URL": settings.resolved_database_url, "CYBERDELTA_DATA_DIR": str(tmp_path),
           "CYBERDELTA_SECRET_KEY": "k" * 48, "PATH": "/usr/bin:/bin"}  # fmt: skip
    command = [sys.executable, "-m", "cyberdelta", "--lang", "en", "benchmark", "feedback"]
    done = subprocess.run(
        [*command, "--cycle", str(world.cycles[-1]), "--out", str(tmp_path / "out"), "--language", "en"],
        capture_output=True, text=True, env=env, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    files = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert len(files) == DEMO_ORGS + 1 and f"industry-{world.cycles[-1]}-en.pdf" in files
    assert f"{DEMO_ORGS + 1} reports written" in done.stdout
    bad = subprocess.run(
        [*command, "--cycle", "999999"], capture_output=True, text=True, env=env, check=False
    )
    assert (
        bad.returncode != 0 and "unknown cycle" in (bad.stdout + bad.stderr) and "Traceback" not in bad.stderr
    )


def test_the_cli_reports_a_firm_whose_report_fails_and_writes_the_others(
    settings: Settings, session_factory: sessionmaker[Session], world: World, tmp_path: Path
) -> None:
    cycle = world.cycles[-1]
    with transaction(session_factory) as session:
        broken = session.scalar(
            select(BenchmarkPosition).where(
                BenchmarkPosition.cycle_id == cycle,
                BenchmarkPosition.organisation_id == world.organisations[2],
            )
        )
        assert broken is not None
        broken.ranks = {"all": {"overall": ["not a number", 50]}}  # a damaged stored row
        firm = session.get(Organisation, world.organisations[2])
        assert firm is not None
    env = {"CYBERDELTA_DATABASE_URL": settings.resolved_database_url, "CYBERDELTA_DATA_DIR": str(tmp_path),
           "CYBERDELTA_SECRET_KEY": "k" * 48, "PATH": "/usr/bin:/bin", "COLUMNS": "300"}  # fmt: skip
    command = [
        sys.executable,
        "-m",
        "cyberdelta",
        "--lang",
        "en",
        "benchmark",
        "feedback",
        "--cycle",
        str(cycle),
    ]
    done = subprocess.run(
        [*command, "--out", str(tmp_path / "out"), "--language", "en"],
        capture_output=True, text=True, env=env, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"The report of {firm.name_en} could not be created: ValueError" in done.stderr
    files = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert len(files) == DEMO_ORGS and not any(firm.slug in name for name in files)
