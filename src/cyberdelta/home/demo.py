"""Everything ``cyberdelta demo`` loads, in one transaction (README "Tour"; docs/home.md): the tenants
and members (:mod:`cyberdelta.auth.demo`), the synthetic industry (:mod:`cyberdelta.benchmark.demo`),
the named exchanges in every demo cycle (:mod:`cyberdelta.home.demo_industry`) and the hub's
intelligence (:mod:`cyberdelta.intel.demo`). Idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from cyberdelta.auth.demo import SignInLink, create_demo, sign_in_links
from cyberdelta.benchmark.demo import DemoResult, populate
from cyberdelta.home.demo_industry import IndustryResult, load_industry
from cyberdelta.intel.demo import IntelResult, load_intel
from cyberdelta.platform.settings import Settings


@dataclass(frozen=True)
class Loaded:
    admin_link: str | None
    synthetic: DemoResult
    industry: IndustryResult
    intel: IntelResult | None
    links: list[SignInLink]


def load(
    session: Session, settings: Settings, *, orgs: int, cycles: int, now: datetime, links: bool = False
) -> Loaded:
    admin_link = create_demo(session, settings)
    synthetic = populate(session, orgs=orgs, cycles=cycles, recompute_benchmarks=False)
    industry = load_industry(session, synthetic.cycles, now.date(), refresh=synthetic.created_assessments > 0)
    intel = load_intel(session, now)
    return Loaded(admin_link, synthetic, industry, intel, sign_in_links(session, settings) if links else [])
