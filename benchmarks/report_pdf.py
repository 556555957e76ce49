"""Time to render the full PDF report of an assessment of the built-in catalog (goal: under 10 s).

    .venv/bin/python benchmarks/report_pdf.py [--database-url URL]

Builds a throw-away SQLite database (or uses the given one), imports the built-in catalog, answers
every control, attaches evidence, and renders the Japanese and English PDFs, printing the times.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from cyberdelta.assessment import evidence, report, service
from cyberdelta.assessment.service import ResponseInput
from cyberdelta.assessment.targets import InherentRiskProfile
from cyberdelta.catalog.service import ensure_builtin_catalog
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import make_engine, make_session_factory, transaction
from cyberdelta.platform.db.migrate import upgrade
from cyberdelta.tenancy.service import create_organisation


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = arguments.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        engine = make_engine(url)
        upgrade(engine)
        factory = make_session_factory(engine)
        chooser = random.Random(5)
        with transaction(factory) as session:
            organisation = create_organisation(
                session, slug=f"bench-{chooser.randint(0, 10**6)}", kind="exchange", name_ja="ベンチ取引所",
                name_en="Bench Exchange",
            )  # fmt: skip
            service.save_profile(
                session, organisation.id, InherentRiskProfile(hot_wallet_percent=20, chains=8)
            )
            cycle = service.ensure_cycle(
                session, f"bench-{organisation.id}", ensure_builtin_catalog(session).id
            )
            assessment = service.start_assessment(session, organisation.id, cycle)
            view = service.view_of(session, assessment)
            link = evidence.add_link(
                session,
                organisation.id,
                url="https://example.jp/policy",
                title="規程集",
                actor=Actor.console(),
            )
            for control in view.controls:
                data = ResponseInput(maturity=chooser.randint(0, 5), comment="運用状況を確認済み")
                service.save_response(
                    session, assessment, control.control_id, data, expected_version=0, user_id=None
                )
            evidence.attach(
                session, Actor.console(), assessment, link, [c.control_id for c in view.controls[:40]]
            )
            controls = len(view.controls)
        for code in ("ja", "en"):
            with transaction(factory) as session:
                found = service.get_assessment(session, organisation.id, assessment.id)
                started = time.perf_counter()
                pdf = report.render_pdf(session, found, code)
                elapsed = time.perf_counter() - started
            print(f"report_pdf[{code}]: {controls} controls, {len(pdf) / 1024:.0f} KiB, {elapsed:.2f} s")
        engine.dispose()


if __name__ == "__main__":
    main()
