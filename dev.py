#!/usr/bin/env python3
"""Bootstrap for a fresh clone: needs nothing but Python 3.11.

    python3 dev.py serve   set up, migrate, load demo data, serve http://localhost:8000
    python3 dev.py test    set up, then ruff, mypy --strict, the import contracts and the whole pytest suite

Both create ``.venv`` on first use and reinstall only when pyproject.toml or
constraints.txt change. The test command installs Debian's Chromium and poppler-utils with apt-get
when they are missing (browser tests drive Chromium through Playwright; pdftoppm rasterises a
report page to look at its chart).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
STAMP = VENV / ".cyberdelta-install"


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    completed = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=False)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def install_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_venv() -> None:
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"CyberDelta needs Python 3.11, this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    fingerprint = install_fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    packages = sum(1 for line in (ROOT / "constraints.txt").read_text().splitlines() if "==" in line)
    print(
        f"Installing the {packages} pinned packages into .venv (the first run takes a few minutes;"
        " later runs reinstall only when pyproject.toml or constraints.txt change)…",
        flush=True,
    )
    run(
        BIN / "python",
        "-m",
        "pip",
        "install",
        "--progress-bar",
        "off",
        "--disable-pip-version-check",
        "-c",
        ROOT / "constraints.txt",
        "-e",
        f"{ROOT}[dev]",
    )
    STAMP.write_text(fingerprint)


# Debian packages the test suite drives: the browser, and poppler's pdftoppm to look at PDF pages.
SYSTEM_PACKAGES = {"chromium": "chromium", "pdftoppm": "poppler-utils"}


def ensure_system_packages() -> None:
    missing = [package for command, package in SYSTEM_PACKAGES.items() if not shutil.which(command)]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit(f"Missing Debian packages: install them with `apt-get install -y {' '.join(missing)}`.")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    wait = "DPkg::Lock::Timeout=600"
    run("apt-get", "-o", wait, "update", "-qq", env=env)
    run("apt-get", "-o", wait, "install", "-y", "-qq", *missing, "fonts-noto-cjk", env=env)


def serve() -> None:
    ensure_venv()
    # Passkeys need a secure context whose host can be the relying party id: http://localhost is
    # one (an IP address is not), and its cookies cannot be Secure over plain http.
    env = dict(os.environ)
    env.setdefault("CYBERDELTA_BASE_URL", "http://localhost:8000")
    env.setdefault("CYBERDELTA_COOKIE_SECURE", "false")
    run(BIN / "cyberdelta", "demo", "--orgs", "30", "--cycles", "2", env=env)
    run(BIN / "cyberdelta", "serve", "--host", "127.0.0.1", "--port", "8000", env=env)


def test(extra: list[str]) -> None:
    ensure_venv()
    ensure_system_packages()
    run(BIN / "ruff", "check", "src", "tests", "benchmarks", "scripts", "dev.py")
    run(BIN / "ruff", "format", "--check", "src", "tests", "benchmarks", "scripts", "dev.py")
    run(BIN / "mypy")
    run(BIN / "lint-imports", "--no-cache")  # the layer contracts in pyproject.toml
    run(BIN / "python", "-m", "pytest", *extra)


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "serve":
        serve()
    elif command == "test":
        test(sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
