"""Manifest of the signing-guard capability (docs/signing.md): independent checks of what a
multisig signer is about to sign. Its commands work with no database, on an air-gapped machine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cyberdelta.platform.capability import Capability

if TYPE_CHECKING:
    import typer


def _commands() -> Sequence[tuple[str, typer.Typer]]:
    from cyberdelta.signing.commands import sign_check_app

    return [("sign-check", sign_check_app)]


CAPABILITY = Capability(name="signing", package="cyberdelta.signing", commands=_commands)
