"""``cyberdelta admin|org|member|token|audit`` commands (docs/accounts.md). Links and tokens are printed once.

Each command is one transaction, audited as the console's (``channel: cli``, no acting person).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from cyberdelta.platform import console, i18n
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.console import out
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy import administration, invitations, mail, service
from cyberdelta.tenancy.models import Invitation, Organisation
from cyberdelta.tenancy.service import TenancyError, ensure_operator

admin_app = typer.Typer(help="Platform administrators.", no_args_is_help=True)
org_app = typer.Typer(help="Organisations (tenants).", no_args_is_help=True)
member_app = typer.Typer(help="Members of organisations.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for machine clients.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)


def _unit() -> tuple[Settings, Session]:
    """Settings and a session on an up-to-date schema (the caller commits)."""
    return console.unit()


def _print(text: str) -> None:
    console.print_plain(text)


def _invite(
    session: Session, config: Settings, organisation: Organisation, email: str, role: str, language: str = ""
) -> str:
    invitation, url = administration.invite(
        session, config, Actor.console(), organisation, email, role, language
    )
    return _mail(session, config, invitation, url, organisation)


def _mail(
    session: Session, config: Settings, invitation: Invitation, url: str, organisation: Organisation
) -> str:
    if mail.send_invitation(config, invitations.invited_user(session, invitation), url, organisation):
        _print(_("The invitation was e-mailed to %(email)s.", email=invitation.email))
    return url


def _organisation(session: Session, slug: str) -> Organisation:
    found = service.get_organisation_by_slug(session, slug)
    if found is None:
        raise TenancyError("--org", _("no organisation has the slug %(slug)s", slug=slug))
    return found


@admin_app.command("create")
def admin_create(email: Annotated[str, typer.Argument(help="E-mail address of the platform admin.")]) -> None:
    """Invite a platform administrator (the operator organisation is created when missing)."""
    config, session = _unit()
    with session, session.begin():
        url = _invite(session, config, ensure_operator(session), email, "platform_admin")
    _print(_("One-time invitation link (valid %(days)s days):", days=config.invitation_days))
    _print(url)


@org_app.command("create")
def org_create(
    slug: Annotated[str, typer.Argument(help="Short stable name, e.g. bitexample.")],
    kind: Annotated[str, typer.Option(help="exchange, sro, isac, supervisor, operator or tlpt_provider.")],
    name_ja: Annotated[str, typer.Option("--name-ja", help="Japanese name.")],
    name_en: Annotated[str, typer.Option("--name-en", help="English name.")],
    admin: Annotated[str, typer.Option(help="E-mail address of its first administrator.")],
) -> None:
    """Create an organisation and print the invitation link of its first administrator."""
    config, session = _unit()
    with session, session.begin():
        organisation, invitation, url = administration.found_organisation(
            session,
            config,
            Actor.console(),
            slug=slug,
            kind=kind,
            name_ja=name_ja,
            name_en=name_en,
            admin_email=admin,
        )
        _mail(session, config, invitation, url, organisation)
    _print(_("Created %(slug)s. One-time invitation link for %(email)s:", slug=slug, email=admin))
    _print(url)


@org_app.command("list")
def org_list() -> None:
    """List every organisation."""
    _config, session = _unit()
    with session, session.begin():
        rows = [
            (o.slug, o.kind, i18n.pick(o.name_en, o.name_ja)) for o in service.list_organisations(session)
        ]
    table = Table(_("Slug"), _("Kind"), _("Name"))
    for row in rows:
        table.add_row(*row)
    out.print(table)


@member_app.command("add")
def member_add(
    org: Annotated[str, typer.Argument(help="Organisation slug.")],
    email: Annotated[str, typer.Argument(help="E-mail address of the new member.")],
    role: Annotated[str, typer.Option(help="Role in the organisation, e.g. security_officer.")],
    email_language: Annotated[
        str, typer.Option(help="Language of e-mails to the member: ja, en, or empty for both.")
    ] = "",
) -> None:
    """Invite a member with a role and print the one-time invitation link."""
    config, session = _unit()
    with session, session.begin():
        url = _invite(session, config, _organisation(session, org), email, role, email_language)
    _print(_("One-time invitation link (valid %(days)s days):", days=config.invitation_days))
    _print(url)
