"""The ``cyberdelta`` command, run as a real process against the test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.catalog import service
from cyberdelta.platform.settings import Settings
from tests.factories import as_bytes, small_catalog

CLI = [sys.executable, "-m", "cyberdelta"]


def run_cli(settings: Settings, *args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CYBERDELTA_DATABASE_URL": settings.resolved_database_url,
        "CYBERDELTA_DATA_DIR": str(settings.data_dir),
        "CYBERDELTA_JOBS_MODE": settings.jobs_mode,
        "COLUMNS": "200",
    }
    return subprocess.run(
        [*CLI, "--lang", lang, *args], env=env, capture_output=True, text=True, check=False, timeout=120
    )


def test_import_list_export_and_diff(settings: Settings, tmp_path: Path) -> None:
    first, second = tmp_path / "v1.json", tmp_path / "v2.yaml"
    first.write_bytes(as_bytes(small_catalog("1.0")))
    changed = small_catalog("2.0")
    changed["catalog"]["groups"][0]["controls"].append({"id": "ac-3", "title": "Access enforcement"})
    import yaml

    second.write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    imported = run_cli(settings, "catalog", "import", str(first))
    assert imported.returncode == 0, imported.stderr
    assert "Imported small-test-catalog version 1.0 with 3 controls." in imported.stdout
    assert run_cli(settings, "catalog", "import", str(second)).returncode == 0

    listing = run_cli(settings, "catalog", "list")
    assert "small-test-catalog" in listing.stdout and "2.0" in listing.stdout

    exported = run_cli(settings, "catalog", "export", "small-test-catalog@1.0")
    assert json.loads(exported.stdout) == small_catalog("1.0")

    workbook = tmp_path / "catalog.xlsx"
    assert (
        run_cli(
            settings, "catalog", "export", "small-test-catalog", "--format", "xlsx", "--out", str(workbook)
        ).returncode
        == 0
    )
    assert workbook.read_bytes()[:2] == b"PK"

    diff = run_cli(settings, "catalog", "diff", "small-test-catalog@1.0", "small-test-catalog@2.0")
    assert "ac-3" in diff.stdout and "1 added, 0 removed, 0 changed" in diff.stdout
    file_diff = run_cli(settings, "catalog", "diff", str(first), str(second))
    assert "1 added, 0 removed, 0 changed" in file_diff.stdout


def test_user_errors_are_messages_not_tracebacks(
    settings: Settings, tmp_path: Path, session_factory: sessionmaker[Session]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"catalog": {', encoding="utf-8")
    result = run_cli(settings, "catalog", "import", str(broken))
    assert result.returncode == 1
    assert "broken.json was not imported" in result.stderr
    assert "malformed JSON at line 1" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    japanese = run_cli(settings, "catalog", "import", str(broken), lang="ja")
    assert "取り込まれませんでした" in japanese.stderr
    missing = run_cli(settings, "catalog", "export", "no-such-catalog")
    assert missing.returncode == 1 and "No catalog version matches no-such-catalog" in missing.stderr
    unreadable = run_cli(settings, "catalog", "import", str(tmp_path / "absent.json"))
    assert unreadable.returncode == 1 and "Traceback" not in unreadable.stderr
    with session_factory() as session:
        assert service.list_versions(session) == []


def test_help_is_available_on_every_command() -> None:
    from cyberdelta.cli import app as typer_app
    from tests.test_docs import cli_commands

    for command in cli_commands(typer_app):
        result = subprocess.run(
            [*CLI, *command.split(), "--help"], capture_output=True, text=True, check=False, timeout=60
        )
        assert result.returncode == 0, (command, result.stderr)
        assert "Usage" in result.stdout
