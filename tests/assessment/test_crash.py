"""A process killed in the middle of an Excel import or a sign-off leaves the previous state: the
work happens in one transaction, and a real child process is SIGKILLed before it commits."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment import exports, service, transitions
from cyberdelta.assessment.models import Assessment, Response, WorkflowEvent
from cyberdelta.assessment.workflow import Action
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from tests.assessment.helpers import answer_all, reload

CHILD = """
import os, signal, sys
from pathlib import Path
from cyberdelta.assessment import exports, service, transitions
from cyberdelta.assessment.workflow import Action
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import make_engine, make_session_factory, transaction
url, organisation_id, assessment_id, step, workbook = sys.argv[1:6]
with transaction(make_session_factory(make_engine(url))) as session:
    found = service.get_assessment(session, int(organisation_id), int(assessment_id))
    if step == "import":
        exports.import_workbook(session, found, Path(workbook).read_bytes(), None)
    else:
        transitions.transition(session, found, Action.SIGN_OFF, actor=Actor.console(), user_name="CEO")
    session.flush()
    print("written, not committed", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def kill_during(settings: Settings, assessment: Assessment, step: str, workbook: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHILD), settings.resolved_database_url,
         str(assessment.organisation_id), str(assessment.id), step, str(workbook)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == -9, done.stderr
    assert "written, not committed" in done.stdout


def test_a_killed_import_and_a_killed_sign_off_change_nothing(
    settings: Settings, session_factory: sessionmaker[Session], assessment: Assessment, tmp_path: Path
) -> None:
    answer_all(session_factory, assessment, {"gv-1": 1, "gv-2": 2, "cx-1": 3, "cx-2": 4})
    with transaction(session_factory) as session:
        book = load_workbook(BytesIO(exports.export_workbook(session, reload(session, assessment))))
    for cell in ("D3", "D4"):
        book["GV"][cell] = 5
    workbook = tmp_path / "filled.xlsx"
    buffer = BytesIO()
    book.save(buffer)
    workbook.write_bytes(buffer.getvalue())
    kill_during(settings, assessment, "import", workbook)
    with transaction(session_factory) as session:
        assert {r.control_id: r.maturity for r in session.scalars(select(Response))} == {
            "gv-1": 1, "gv-2": 2, "cx-1": 3, "cx-2": 4,
        }  # fmt: skip
        found = reload(session, assessment)
        transitions.transition(session, found, Action.REQUEST_REVIEW, actor=Actor.console())
    kill_during(settings, assessment, "sign_off", workbook)
    with transaction(session_factory) as session:
        found = reload(session, assessment)
        assert (found.state, found.snapshot, found.signed_off_at) == ("in_review", None, None)
        assert [e.action for e in session.scalars(select(WorkflowEvent))] == ["request_review"]
        assert service.summary(session, found).unanswered == []
