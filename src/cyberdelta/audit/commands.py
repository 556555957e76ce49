"""``cyberdelta audit …``: verify and export the hash-chained audit trail."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from cyberdelta.audit import checkpointing
from cyberdelta.platform import i18n
from cyberdelta.platform.audit import service as audit
from cyberdelta.platform.audit.checkpoint_keys import CheckpointKeyError, generate_key, load_public_key
from cyberdelta.platform.audit.checkpoints import (
    CheckpointFormatError,
    CheckpointVerification,
    read_checkpoint_file,
)
from cyberdelta.platform.console import UserError
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy.commands import _print, _unit

audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(
    checkpoints: Annotated[
        Path | None,
        typer.Option(help="Also check these signed checkpoints (JSON lines from `audit checkpoint`)."),
    ] = None,
    public_key: Annotated[
        list[str] | None,
        typer.Option(
            help="A trusted Ed25519 public key (PEM or base64); repeatable. Default: the configured key's."
        ),
    ] = None,
) -> None:
    """Walk the hash chain; report the first modified, deleted or reordered entry (exit status 1).
    With ``--checkpoints``, also report any checkpoint the chain no longer matches (re-hashed after
    an edit, or truncated)."""
    config, session = _unit()
    with session, session.begin():
        result = audit.verify(session)
        verification = _verify_checkpoints(config, session, checkpoints, public_key or [])
    if verification is not None:
        for problem in verification.problems:
            _print(i18n.pick(problem.message_en, problem.message_ja))
    if result.problem is None and (verification is None or verification.ok):
        _print(_("The audit chain is intact: %(count)s entries.", count=result.entries))
        if verification is not None:
            _print(_("%(count)s signed checkpoints hold.", count=verification.checked))
        return
    if result.problem is None:
        raise typer.Exit(1)
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


def _verify_checkpoints(
    config: Settings, session: Session, path: Path | None, keys: list[str]
) -> CheckpointVerification | None:
    if path is None:
        return None
    try:
        trusted = [load_public_key(value) for value in keys] or [
            checkpointing.signing_key(config).public_key()
        ]
        found = read_checkpoint_file(path)
    except (CheckpointKeyError, CheckpointFormatError, OSError) as error:
        raise UserError(f"--checkpoints: {error}") from None
    return checkpointing.verify(session, found, trusted)


@audit_app.command("checkpoint")
def audit_checkpoint(
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Checkpoint file (default: CYBERDELTA_AUDIT_CHECKPOINT_FILE)."),
    ] = None,
) -> None:
    """Sign the chain's current head with the checkpoint key and append it to the checkpoint file;
    copy that file off this host."""
    config, session = _unit()
    path = out_file or config.resolved_checkpoint_file
    try:
        key = checkpointing.signing_key(config)
    except (CheckpointKeyError, OSError) as error:
        raise UserError(f"CYBERDELTA_AUDIT_CHECKPOINT_KEY: {error}") from None
    with session, session.begin():
        made = checkpointing.checkpoint(session, key, path)
    _print(_("Checkpoint at entry %(sequence)s written to %(path)s.", sequence=made.sequence, path=str(path)))


@audit_app.command("keygen")
def audit_keygen() -> None:
    """Print a new Ed25519 key pair for signing checkpoints (shown once; store the private key as a
    secret, outside the database)."""
    _print(generate_key().operator_text())
