"""compliance-trestle's own ``trestle validate`` command run on a document, in a trestle workspace."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

TRESTLE = Path(sys.executable).parent / "trestle"


def trestle_validate(workspace: Path, kind: str, name: str, document: dict[str, Any]) -> None:
    if not (workspace / ".trestle").exists():
        subprocess.run([TRESTLE, "init"], cwd=workspace, check=True, capture_output=True)
    folder = workspace / kind / name
    folder.mkdir(parents=True)
    path = folder / f"{kind[:-1]}.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [TRESTLE, "validate", "-f", str(path)], cwd=workspace, capture_output=True, text=True
    )
    assert done.returncode == 0 and "VALID" in done.stdout, done.stdout + done.stderr
