"""``cyberdelta token …``: API tokens for machine clients."""

from __future__ import annotations

from typing import Annotated

import typer

from cyberdelta.auth.tokens import create_api_token
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.tenancy.commands import _organisation, _print, _unit
from cyberdelta.tenancy.permissions import Permission, parse_permission
from cyberdelta.tenancy.service import TenancyError

token_app = typer.Typer(help="API tokens for machine clients.", no_args_is_help=True)


@token_app.command("create")
def token_create(
    org: Annotated[str, typer.Option(help="Organisation slug.")],
    permission: Annotated[list[str], typer.Option(help="A permission, e.g. intel:read; repeatable.")],
    expires: Annotated[
        int | None, typer.Option(help="Days until the token expires (default: never).")
    ] = None,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
) -> None:
    """Create an API token and print it (it is shown only this once)."""
    parsed: list[Permission] = []
    for value in permission:
        item = parse_permission(value)
        if item is None:
            known = ", ".join(p.value for p in Permission)
            raise TenancyError(
                "--permission", _("unknown permission %(value)s (known: %(known)s)", value=value, known=known)
            )
        parsed.append(item)
    _config, session = _unit()
    with session, session.begin():
        organisation = _organisation(session, org)
        _token, raw = create_api_token(
            session,
            organisation_id=organisation.id,
            name=name,
            permissions=parsed,
            actor=Actor.console(),
            expires_in_days=expires,
        )
    _print(raw)
