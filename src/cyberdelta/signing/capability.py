"""Manifest of the signing-guard capability (docs/signing.md): independent checks of what a
multisig signer is about to sign. Its commands work with no database, on an air-gapped machine; in
the platform a firm registers its wallets and policies and keeps the record of every check."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from cyberdelta.platform.capability import Capability, Mount

if TYPE_CHECKING:
    import typer


def _models() -> Sequence[ModuleType]:
    from cyberdelta.signing import models

    return [models]


def _routers() -> Sequence[Mount]:
    from cyberdelta.signing.http import hub_report, records_api, signing, usage

    return [
        Mount(signing.pages),
        Mount(signing.api),
        Mount(records_api.api),
        Mount(usage.pages),
        Mount(hub_report.pages),
    ]


def _template_globals() -> Mapping[str, Any]:
    from cyberdelta.signing.http.usage import signing_usage

    # The assessment workspace shows it under the cx-2.x controls (docs/signing.md).
    return {"signing_usage": signing_usage}


def _commands() -> Sequence[tuple[str, typer.Typer]]:
    from cyberdelta.signing.commands import sign_check_app

    return [("sign-check", sign_check_app)]


CAPABILITY = Capability(
    name="signing",
    package="cyberdelta.signing",
    models=_models,
    routers=_routers,
    commands=_commands,
    template_globals=_template_globals,
)
