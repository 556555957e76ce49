"""Documentation is checked: every CLI command appears in the README or docs/ (Datasette's habit)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from typer.main import get_command

from cyberdelta.cli import app

ROOT = Path(__file__).resolve().parent.parent


def cli_commands(application: typer.Typer) -> list[str]:
    """Every leaf command as it is typed, e.g. ``catalog import``."""
    found: list[str] = []

    def walk(command: Any, prefix: list[str]) -> None:
        children = getattr(command, "commands", None)
        if children:
            for name, sub in children.items():
                walk(sub, [*prefix, name])
        else:
            found.append(" ".join(prefix))

    walk(get_command(application), [])
    return sorted(found)


def documentation() -> str:
    texts = [(ROOT / "README.md").read_text(encoding="utf-8")]
    texts += [path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").rglob("*.md"))]
    return "\n".join(texts)


def test_every_cli_command_is_documented() -> None:
    text = documentation()
    missing = [command for command in cli_commands(app) if f"cyberdelta {command}" not in text]
    assert not missing, f"undocumented commands: {missing}"


def test_readme_starts_with_the_two_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```sh") + 1 : lines.index("```")]
    assert [line.split("#")[0].strip() for line in block] == ["python3 dev.py serve", "python3 dev.py test"]


def test_ci_runs_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 dev.py test" in script
