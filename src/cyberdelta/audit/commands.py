"""``cyberdelta audit …``: verify and export the hash-chained audit trail."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cyberdelta.platform.audit import service as audit
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.tenancy.commands import _print, _unit

audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the hash chain; report the first modified, deleted or reordered entry (exit status 1)."""
    _config, session = _unit()
    with session, session.begin():
        result = audit.verify(session)
    if result.problem is None:
        _print(_("The audit chain is intact: %(count)s entries.", count=result.entries))
        return
    _print(
        _(
            "The audit chain is broken at entry %(sequence)s: %(reason)s",
            sequence=result.problem.sequence,
            reason=result.problem.reason,
        )
    )
    raise typer.Exit(1)


@audit_app.command("export")
def audit_export(
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Output file (default: standard output).")
    ] = None,
) -> None:
    """Write every entry as JSON lines, oldest first, with their hashes."""
    _config, session = _unit()
    with session, session.begin():
        lines = [line + "\n" for line in audit.export_lines(session)]
    data = "".join(lines).encode()
    if out_file is None:
        sys.stdout.buffer.write(data)
    else:
        out_file.write_bytes(data)
