"""The demo can be walked end to end (docs/home.md): the named exchanges take part in the current cycle
at every step of the workflow, past cycles give year-over-year figures and Sakura's position, the
hub holds intelligence for members, every demo member gets a sign-in link, and a second run adds
nothing."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment.models import Assessment, Cycle
from cyberdelta.intel.models import IntelObject
from cyberdelta.intel.tlp import Tlp
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.screening.addresses.chains import parse
from cyberdelta.screening.addresses.model import Address
from cyberdelta.tenancy.models import User
from cyberdelta.tenancy.permissions import Role
from tests.home.demo_world import load_demo, sign_in_as
from tests.public_ids import public
from tests.test_cli import run_cli


def _counts(factory: sessionmaker[Session]) -> tuple[int, int, int]:
    with transaction(factory) as session:
        return (
            session.scalar(select(func.count()).select_from(Assessment)) or 0,
            session.scalar(select(func.count()).select_from(IntelObject)) or 0,
            session.scalar(select(func.count()).select_from(Cycle)) or 0,
        )


def test_the_named_exchanges_stand_at_every_step_of_the_current_cycle_and_a_second_run_adds_nothing(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    first = load_demo(session_factory, settings)
    before = _counts(session_factory)
    load_demo(session_factory, settings)
    assert _counts(session_factory) == before
    assert first.industry.states == {
        "sakura-exchange": "draft",
        "fuji-coin": "in_review",
        "kaede-trade": "returned",
        "momiji-bitcoin": "submitted",
        "tsubaki-crypto": "accepted",
        "ume-digital": "accepted",
        "kiri-markets": "accepted",
    }
    with transaction(session_factory) as session:
        levels = set(session.scalars(select(IntelObject.tlp)))
        query = select(IntelObject.body).where(IntelObject.stix_type == "x-crypto-wallet-address")
        wallets = [json.loads(body) for body in session.scalars(query)]

        # The workflow steps and publications are audited as the demo members who made them.
        def actors(action: str) -> set[str]:
            users = select(AuditEntry.actor_user_id).where(AuditEntry.action == action)
            return {user.email for user in session.scalars(select(User).where(User.id.in_(users)))}

        assert "executive.approver@kaede-trade.example" in actors("assessment.sign_off")
        assert actors("assessment.return") == {"inspector@fsa.example"}
        assert "analyst@jpcrypto-isac.example" in actors("intel.publish")
    assert {level.value for level in Tlp} <= levels
    assert {w["chain"] for w in wallets} == {"bitcoin", "ethereum", "tron"}
    for wallet in wallets:  # every generated address is valid on its chain (the screening normalisers)
        assert isinstance(parse(wallet["chain"], wallet["address"]), Address), wallet


def test_sakura_can_walk_cycles_its_benchmark_position_and_the_hub(
    settings: Settings, session_factory: sessionmaker[Session], client: TestClient
) -> None:
    loaded = load_demo(session_factory, settings)
    past_cycle = loaded.synthetic.cycles[0]
    sign_in_as(client, session_factory, "sakura-exchange", Role.SECURITY_OFFICER)
    cycles = client.get("/cycles")
    assert cycles.status_code == 200
    assert (
        "2026 administrative year (demo)" in cycles.text and "2025 administrative year (demo)" in cycles.text
    )
    sign_in_as(client, session_factory, "sakura-exchange", Role.EXECUTIVE_APPROVER)
    position = client.get("/benchmark", params={"cycle": public(client, "cycle", past_cycle)})
    assert position.status_code == 200
    assert 'id="standings"' in position.text and 'id="not-included"' not in position.text
    feed = client.get("/intel")
    assert feed.status_code == 200
    assert "TraderTraitor" in feed.text and "sakura-exchange-login.example" in feed.text


def test_demo_sign_in_links_print_one_working_link_per_member_and_role(
    settings: Settings, client: TestClient
) -> None:
    done = run_cli(settings, "demo", "--sign-in-links")
    assert done.returncode == 0, done.stderr
    rows = [line.split(" | ") for line in done.stdout.splitlines() if line.count(" | ") == 3]
    members = {(slug, role) for slug, role, _email, _url in rows}
    assert ("operator", "platform_admin") in members
    assert ("fsa", "inspector") in members and ("jpcrypto-isac", "analyst") in members
    for role in ("org_admin", "security_officer", "contributor", "executive_approver", "viewer"):
        assert ("sakura-exchange", role) in members
    assert len(members) == len(rows)
    for _slug, _role, email, url in rows[:3]:
        page = client.get(url.removeprefix(settings.base_url.rstrip("/")))
        assert page.status_code == 200 and email in page.text
