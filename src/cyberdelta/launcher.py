"""The ``cyberdelta`` executable (docs/architecture.md, "Capabilities"). The signing guard's
``sign-check`` runs on an air-gapped signing machine, one check per transaction, so it starts
without loading the platform (no database, no web framework, no other capability: docs/signing.md,
"Speed"); every other command goes to :func:`cyberdelta.cli.main`."""

from __future__ import annotations

import os
import sys


def _language(arguments: list[str]) -> tuple[str | None, list[str]]:
    """The root ``--lang`` option, if it comes first, and the arguments after it."""
    if arguments and arguments[0].startswith("--lang="):
        return arguments[0].split("=", 1)[1], arguments[1:]
    if len(arguments) >= 2 and arguments[0] == "--lang":
        return arguments[1], arguments[2:]
    return None, arguments


def main() -> None:
    lang, rest = _language(sys.argv[1:])
    if rest[:1] != ["sign-check"]:
        from cyberdelta.cli import main as full

        full()
        return
    from cyberdelta.platform import i18n
    from cyberdelta.signing.commands import sign_check_app

    chosen = i18n.parse_language(lang) if lang else None
    i18n.set_language(chosen or ("ja" if os.environ.get("LANG", "").startswith("ja") else "en"))
    sign_check_app(args=rest[1:], prog_name="cyberdelta sign-check")
