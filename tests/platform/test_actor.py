"""Services write their own audit entries with the actor the edge gives them
(docs/architecture.md, "Actors and the audit trail"): no HTTP module touches the trail, and one
action leaves the same entry from a page as from the command line."""

from __future__ import annotations

import ast
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.actor import Actor, ActorKind, Channel
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy.permissions import Role
from tests.intel.stix_factories import make_hub
from tests.intel.test_pages import signed_in
from tests.test_cli import run_cli

SOURCE = Path(__file__).resolve().parents[2] / "src" / "cyberdelta"
MODULE = "cyberdelta.platform.audit.service"
WRITERS = {"record", "audit"}  # the functions of MODULE that append entries


def _writes_audit(path: Path) -> list[str]:
    """The lines of ``path`` that import one of the trail's writing functions, or call one
    through the module (reading the trail, as its own pages do, is fine)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == MODULE:
            found += [f"{path.relative_to(SOURCE)}:{node.lineno}" for a in node.names if a.name in WRITERS]
        elif isinstance(node, ast.ImportFrom) and f"{node.module}.service" == MODULE:
            aliases |= {a.asname or a.name for a in node.names if a.name == "service"}
        elif isinstance(node, ast.Import):
            aliases |= {a.asname or a.name for a in node.names if a.name == MODULE}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in WRITERS
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            found.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    return found


def test_no_http_module_no_command_module_and_no_web_plumbing_writes_the_audit_trail() -> None:
    edge = [
        *SOURCE.glob("*/http/*.py"),
        *(SOURCE / "platform" / "web").rglob("*.py"),
        *SOURCE.glob("*/commands.py"),
        SOURCE / "cli.py",
    ]
    assert len(edge) > 40
    assert [line for path in edge for line in _writes_audit(path)] == []


def test_the_check_sees_a_handler_that_would_write_the_trail(tmp_path: Path) -> None:
    handler = SOURCE / "intel" / "http" / "_probe.py"
    handler.write_text(
        "from cyberdelta.platform.audit.service import record\n"
        "from cyberdelta.platform.audit import service as trail\n"
        "def handler(session):\n"
        "    trail.entries(session)\n"
        "    trail.audit(session)\n",
        encoding="utf-8",
    )
    try:
        assert _writes_audit(handler) == ["intel/http/_probe.py:1", "intel/http/_probe.py:5"]
    finally:
        handler.unlink()


def test_an_actor_records_its_channel_token_and_client() -> None:
    token = Actor(
        ActorKind.TOKEN, Channel.API, organisation_id=7, token_id=3, token_creator_id=9, client="192.0.2.1"
    )
    assert token.audit_details() == {
        "channel": "api",
        "api_token_id": 3,
        "api_token_creator_id": 9,
        "client": "192.0.2.1",
    }
    assert Actor.console().audit_details() == {"channel": "cli"}
    signed_in = Actor(ActorKind.ANONYMOUS, Channel.WEB, client="192.0.2.1").as_person(5, 7)
    assert (signed_in.kind, signed_in.user_id, signed_in.organisation_id) == (ActorKind.PERSON, 5, 7)


def test_creating_a_collection_audits_alike_from_the_page_and_the_command_line(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.isac_id, Role.ANALYST)
    answer = client.post(
        "/intel/collections",
        data={
            "title": "From the page",
            "alias": "page",
            "default_tlp": "green",
            "members_read": "yes",
            "members_write": "yes",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    created = run_cli(settings, "intel", "collection-create", "From the console", "--alias", "console",
                      "--default-tlp", "green")  # fmt: skip
    assert created.returncode == 0, created.stderr
    with session_factory() as session:
        page, console = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "intel.collection_created")
            .order_by(AuditEntry.sequence)
        ).all()
    assert page.details["channel"] == "web" and console.details["channel"] == "cli"
    assert page.actor_user_id is not None and console.actor_user_id is None
    assert page.request_id is not None and "client" in page.details
    shared = {"title", "title_ja", "alias", "default_tlp", "public_read", "members_read", "members_write"}
    assert set(page.details) - {"channel", "client"} == set(console.details) - {"channel"} == shared
    assert (page.object_type, console.object_type) == ("intel_collection", "intel_collection")
