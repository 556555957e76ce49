"""The ``cyberdelta`` executable starts the offline signing guard without the platform, and hands
every other command to the full command line (docs/signing.md, "Speed")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
sys.argv = ["cyberdelta", *sys.argv[1:]]
from cyberdelta.launcher import main
try:
    main()
except SystemExit as stop:
    code = stop.code
else:
    code = 0
loaded = sorted(name for name in ("sqlalchemy", "fastapi", "huey", "trestle", "cyberdelta.capabilities",
                                  "cyberdelta.cli") if name in sys.modules)
print("LOADED", code, ",".join(loaded))
"""


def _launch(*arguments: str) -> tuple[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *arguments], capture_output=True, text=True, timeout=120, check=False
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("LOADED"))
    parts = line.split(" ")
    return parts[1], parts[2] if len(parts) > 2 else ""


def test_sign_check_loads_no_platform_part(tmp_path: Path) -> None:
    code, loaded = _launch("--lang", "en", "sign-check", "safe", "--help")
    assert code == "0" and loaded == ""


def test_other_commands_run_through_the_whole_command_line() -> None:
    code, loaded = _launch("--lang", "en", "db", "--help")
    assert code == "0" and "cyberdelta.cli" in loaded.split(",") and "cyberdelta.capabilities" in loaded


def test_the_console_script_is_the_launcher() -> None:
    script = Path(sys.executable).parent / "cyberdelta"
    done = subprocess.run([script, "sign-check", "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "safe" in done.stdout and "psbt" in done.stdout
