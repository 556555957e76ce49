"""The ``cyberdelta demo`` command: demonstration data across every capability."""

from __future__ import annotations

from typing import Annotated

import typer

from cyberdelta.catalog.commands import prepared_engine
from cyberdelta.platform.console import out, settings
from cyberdelta.platform.db.engine import make_session_factory, transaction
from cyberdelta.platform.i18n import gettext as _


def demo(
    orgs: Annotated[int, typer.Option(help="Synthetic exchanges to create (0–5000).", min=0, max=5000)] = 0,
    cycles: Annotated[int, typer.Option(help="Assessment cycles to fill (0–10).", min=0, max=10)] = 2,
) -> None:
    """Load demonstration data (the built-in catalog, demo organisations and members, a partly
    filled self-assessment of the first demo exchange) and, with ``--orgs N``, a synthetic industry
    of N exchanges over ``--cycles`` accepted cycles with their benchmarks."""
    from cyberdelta.assessment.demo import load_demo
    from cyberdelta.auth.demo import create_demo
    from cyberdelta.benchmark.demo import populate

    config = settings()
    engine = prepared_engine(config)
    with transaction(make_session_factory(engine)) as session:
        link = create_demo(session, config)
        load_demo(session)
        # Without --orgs the demo stays as small as before (one exchange's assessment).
        result = populate(session, orgs=orgs, cycles=cycles) if orgs else None
    out.print(_("Demo data loaded."))
    if result is not None:
        out.print(
            _(
                "Demo data loaded: %(orgs)s exchanges, %(cycles)s cycles, %(created)s new assessments.",
                orgs=len(result.organisations),
                cycles=len(result.cycles),
                created=result.created_assessments,
            )
        )
    if link is not None:
        out.print(_("Sign in as the platform admin: open this one-time link and create a passkey:"))
        out.print(link, markup=False, highlight=False, soft_wrap=True)
