"""The ``cyberdelta demo`` command: demonstration data across every capability (docs/home.md, a demo
that can be walked end to end; README "Tour")."""

from __future__ import annotations

from typing import Annotated

import typer

from cyberdelta.catalog.commands import prepared_engine
from cyberdelta.platform.console import out, settings
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.db.engine import make_session_factory, transaction
from cyberdelta.platform.i18n import gettext as _


def demo(
    orgs: Annotated[int, typer.Option(help="Synthetic exchanges to create (0–5000).", min=0, max=5000)] = 0,
    cycles: Annotated[int, typer.Option(help="Assessment cycles to fill (1–10).", min=1, max=10)] = 2,
    sign_in_links: Annotated[
        bool, typer.Option("--sign-in-links", help="Print a sign-in or enrolment link for every demo member.")
    ] = False,
) -> None:
    """Load demonstration data: the built-in catalog; the operator, FSA, JVCEA, JPCrypto-ISAC and
    named exchanges with a member for every role; ``--cycles`` assessment cycles in which the named
    exchanges take part (accepted in past cycles; draft, in review, submitted, returned and
    accepted in the current one); with ``--orgs N`` a synthetic industry of N more exchanges; the
    benchmarks; and the intelligence hub's alert collection. Idempotent."""
    from cyberdelta.home.demo import load

    config = settings()
    engine = prepared_engine(config)
    with transaction(make_session_factory(engine)) as session:
        loaded = load(session, config, orgs=orgs, cycles=cycles, now=utcnow(), links=sign_in_links)
    result, industry, links, link = loaded.synthetic, loaded.industry, loaded.links, loaded.admin_link
    out.print(
        _(
            "Demo data loaded: %(orgs)s exchanges, %(cycles)s cycles, %(created)s new assessments.",
            orgs=len(result.organisations) + len(industry.states),
            cycles=len(result.cycles),
            created=result.created_assessments,
        )
    )
    if links:
        out.print(_("Sign-in links of the demo members (enrolment links are for one use):"))
        for item in links:
            out.print(
                f"{item.organisation} | {item.role.value} | {item.email} | {item.url}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
    elif link is not None:
        out.print(_("Sign in as the platform admin: open this one-time link and create a passkey:"))
        out.print(link, markup=False, highlight=False, soft_wrap=True)
