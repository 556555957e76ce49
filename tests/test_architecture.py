"""The layers of docs/architecture.md hold, and the contracts that check them catch a violation
(import-linter over the real package, then over a copy with a forbidden import added)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cyberdelta import capabilities

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "cyberdelta"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
ROUTE_MODULE_NAMES = ("routes.py", "pages.py", "web.py")


def _lint(source_root: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(source_root)}
    return subprocess.run(
        [str(LINT_IMPORTS), str(config), "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=source_root,
        check=False,
        timeout=300,
    )


def test_the_package_keeps_every_contract() -> None:
    answer = _lint(ROOT / "src", ROOT / "pyproject.toml")
    assert answer.returncode == 0, answer.stdout + answer.stderr
    assert "0 broken" in answer.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("platform/upward.py", "from cyberdelta.intel import tlp", "The platform imports no capability"),
        (
            "catalog/upward.py",
            "from cyberdelta.assessment import scoring",
            "Capabilities depend only downward",
        ),
        (
            "assessment/web_in_core.py",
            "from fastapi import Request",
            "Capability cores import neither FastAPI",
        ),
    ],
)
def test_a_violation_breaks_its_contract(tmp_path: Path, module: str, line: str, contract: str) -> None:
    copy = tmp_path / "src"
    shutil.copytree(PACKAGE, copy / "cyberdelta", ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "cyberdelta" / module).write_text(f'"""A deliberate violation."""\n\n{line}\n')
    answer = _lint(copy, ROOT / "pyproject.toml")
    assert answer.returncode != 0
    broken = [text for text in answer.stdout.splitlines() if "BROKEN" in text]
    assert any(contract in text for text in broken) or contract in answer.stdout.split("Broken contracts")[-1]


def test_every_capability_has_the_same_shape() -> None:
    for capability in capabilities.CAPABILITIES:
        folder = PACKAGE / capability.package.removeprefix("cyberdelta.")
        assert (folder / "capability.py").is_file(), capability.name
        outside_http = [
            path.relative_to(PACKAGE)
            for path in folder.rglob("*.py")
            if "http" not in path.relative_to(folder).parts
            and (path.name in ROUTE_MODULE_NAMES or path.stem.endswith(("_routes", "_pages")))
        ]
        assert not outside_http, outside_http


# Run in a process of its own, so that the graph is built from the tree on PYTHONPATH.
HTTP_IMPORTS_OF_CORES = """
import json, grimp
graph = grimp.build_graph("cyberdelta", cache_dir=None)
found = []
for module in sorted(graph.modules):
    parts = module.split(".")
    if len(parts) < 3 or parts[1] == "platform" or "http" in parts or parts[-1] == "capability":
        continue
    for imported in sorted(graph.find_modules_directly_imported_by(module)):
        if ".http" in imported and not imported.startswith("cyberdelta.platform."):
            found.append([module, imported])
print(json.dumps(found))
"""


def _http_imports_of_cores(source_root: Path) -> list[list[str]]:
    """Imports of an ``http`` module by a capability core (anything but ``http/`` and the manifest)."""
    answer = subprocess.run(
        [sys.executable, "-c", HTTP_IMPORTS_OF_CORES],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(source_root)},
        check=True,
        timeout=120,
    )
    found: list[list[str]] = json.loads(answer.stdout)
    return found


def test_no_capability_core_imports_an_http_module() -> None:
    assert _http_imports_of_cores(ROOT / "src") == []


def test_a_core_importing_an_http_module_is_caught(tmp_path: Path) -> None:
    copy = tmp_path / "src"
    shutil.copytree(PACKAGE, copy / "cyberdelta", ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "cyberdelta" / "benchmark" / "edge_in_core.py").write_text(
        '"""A deliberate violation."""\n\nfrom cyberdelta.benchmark.http import benchmarks\n'
    )
    assert _http_imports_of_cores(copy) == [
        ["cyberdelta.benchmark.edge_in_core", "cyberdelta.benchmark.http.benchmarks"]
    ]


CITATION_OUTSIDE_THE_REPOSITORY = re.compile(r"DESIGN(\.md)?\s*§|\bissues? #\d|lead's note")


def test_docstrings_and_comments_cite_what_a_reader_of_the_repository_can_open() -> None:
    """Standards and docs/… sections, not the design notes outside the repository or issue numbers."""
    found = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in PACKAGE.rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if CITATION_OUTSIDE_THE_REPOSITORY.search(line)
    ]
    assert found == []
