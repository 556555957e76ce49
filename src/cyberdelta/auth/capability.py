"""Manifest of the accounts capability: passkeys, sessions, step-up, recovery and API tokens
(docs/accounts.md). It installs the app's authenticator."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

import typer

from cyberdelta.platform.capability import Capability, Mount

if TYPE_CHECKING:
    from fastapi import FastAPI


def _models() -> Sequence[ModuleType]:
    from cyberdelta.auth import models

    return [models]


def _routers() -> Sequence[Mount]:
    from cyberdelta.auth.http import account, api, sign_in, tokens

    return [
        Mount(sign_in.router),
        Mount(account.router),
        Mount(api.router),
        Mount(tokens.pages),
        Mount(tokens.api),
    ]


def _commands() -> Sequence[tuple[str, typer.Typer]]:
    from cyberdelta.auth.commands import token_app

    return [("token", token_app)]


def _configure(app: FastAPI) -> None:
    from cyberdelta.auth.http.authenticator import AccountsAuthenticator

    app.state.authenticator = AccountsAuthenticator()


CAPABILITY = Capability(
    name="auth",
    package="cyberdelta.auth",
    models=_models,
    routers=_routers,
    commands=_commands,
    configure_app=_configure,
)
