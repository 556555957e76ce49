"""``cyberdelta exercise scenario import FILE`` / ``export KEY --out FILE`` as real processes on both
databases: the built-in scenario exports as the planners' workbook, an edited workbook imports as
the next version, a bad one is refused whole with every ``sheet!cell`` and nothing stored."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.settings import Settings
from tests.exercise.helpers import BUILTIN_KEY, edited, version_count
from tests.test_cli import run_cli


def test_export_edit_import_and_list(
    settings: Settings, tmp_path: Path, session_factory: sessionmaker[Session]
) -> None:
    mel = tmp_path / "mel.xlsx"
    exported = run_cli(settings, "exercise", "scenario", "export", BUILTIN_KEY, "--out", str(mel))
    assert exported.returncode == 0, exported.stderr
    assert load_workbook(mel)["MEL"]["A1"].value == "Order"

    def retitle(book: Workbook) -> None:
        book["MEL"]["H2"] = "Outflow alert from the cold wallet"

    changed = tmp_path / "changed.xlsx"
    changed.write_bytes(edited(mel.read_bytes(), retitle))
    imported = run_cli(settings, "exercise", "scenario", "import", str(changed))
    assert imported.returncode == 0, imported.stderr
    assert "Imported version 2: 29 injects, 6 decision points." in imported.stdout
    again = run_cli(settings, "exercise", "scenario", "import", str(changed))
    assert "Unchanged: version 2" in again.stdout

    document = tmp_path / "v1.json"
    first = run_cli(settings, "exercise", "scenario", "export", f"{BUILTIN_KEY}@1", "--out", str(document))
    assert first.returncode == 0, first.stderr
    assert '"title": "Unexplained outflow from the cold wallet"' in document.read_text(encoding="utf-8")

    listed = run_cli(settings, "exercise", "scenario", "list")
    assert BUILTIN_KEY in listed.stdout
    assert version_count(session_factory) == 2


def test_a_bad_workbook_is_refused_whole(
    settings: Settings, tmp_path: Path, session_factory: sessionmaker[Session]
) -> None:
    mel = tmp_path / "mel.xlsx"
    assert run_cli(settings, "exercise", "scenario", "export", BUILTIN_KEY, "--out", str(mel)).returncode == 0

    def spoil(book: Workbook) -> None:
        book["MEL"]["F3"] = "D+1 H+30"
        book["MEL"]["A4"] = 1
        book["MEL"]["R5"] = "zz-9.9"
        book["MEL"]["D6"] = "=A1"

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(edited(mel.read_bytes(), spoil))
    refused = run_cli(settings, "exercise", "scenario", "import", str(bad))
    assert refused.returncode == 1
    # A formula is refused before anything else is read.
    assert "MEL!D6: formulas are not accepted" in refused.stderr

    def spoil_without_formula(book: Workbook) -> None:
        spoil(book)
        book["MEL"]["D6"] = ""

    bad.write_bytes(edited(mel.read_bytes(), spoil_without_formula))
    refused = run_cli(settings, "exercise", "scenario", "import", str(bad))
    assert refused.returncode == 1
    for expected in ("MEL!F3: days run 0–30, hours 0–23", "MEL!A4: order number 1 appears twice",
                     "MEL!R5: unknown control zz-9.9"):  # fmt: skip
        assert expected in refused.stderr, refused.stderr
    assert version_count(session_factory) == 1
    missing = run_cli(
        settings, "exercise", "scenario", "export", "no-such", "--out", str(tmp_path / "x.xlsx")
    )
    assert missing.returncode == 1
    assert "No scenario no-such." in missing.stderr
