"""``cyberdelta admin create``, ``org create``, ``member add``, ``token create`` and ``demo``, run as
real processes against the test database: links and tokens are printed and work."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy import service
from cyberdelta.tenancy.models import Invitation, Membership, Organisation, User
from tests.test_cli import run_cli


def _link(output: str) -> str:
    return next(line.strip() for line in output.splitlines() if "/auth/enrol/" in line)


def test_admin_org_and_member_commands_print_working_invitation_links(
    settings: Settings, client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    admin = run_cli(settings, "admin", "create", "root@operator.example")
    assert admin.returncode == 0, admin.stderr
    created = run_cli(
        settings,
        "org",
        "create",
        "bitexample",
        "--kind",
        "exchange",
        "--name-ja",
        "ビット例",
        "--name-en",
        "Bit Example",
        "--admin",
        "admin@bitexample.jp",
    )
    assert created.returncode == 0, created.stderr
    member = run_cli(
        settings, "member", "add", "bitexample", "ciso@bitexample.jp", "--role", "security_officer",
        "--email-language", "ja",
    )  # fmt: skip
    assert member.returncode == 0, member.stderr
    for output in (admin.stdout, created.stdout, member.stdout):
        path = _link(output).removeprefix(settings.base_url)
        assert client.get(path).status_code == 200
    with transaction(session_factory) as session:
        roles = sorted((row.email, row.role) for row in session.scalars(select(Invitation)))
        assert roles == [
            ("admin@bitexample.jp", "org_admin"),
            ("ciso@bitexample.jp", "security_officer"),
            ("root@operator.example", "platform_admin"),
        ]
        assert service.get_organisation_by_slug(session, "operator") is not None
        ciso = service.get_user_by_email(session, "ciso@bitexample.jp")
        assert ciso is not None and ciso.email_language == "ja"
    listed = run_cli(settings, "org", "list")
    assert "bitexample" in listed.stdout and "operator" in listed.stdout


def test_commands_refuse_bad_input_with_a_message_naming_the_field(settings: Settings) -> None:
    wrong_role = run_cli(
        settings,
        "org",
        "create",
        "isac-x",
        "--kind",
        "isac",
        "--name-ja",
        "x",
        "--name-en",
        "x",
        "--admin",
        "not-an-email",
    )
    assert (
        wrong_role.returncode == 1 and "email" in wrong_role.stderr and "Traceback" not in wrong_role.stderr
    )
    missing = run_cli(settings, "member", "add", "nobody", "a@b.jp", "--role", "viewer")
    assert run_cli(settings, "admin", "create", "root@operator.example").returncode == 0  # the operator
    bad_language = run_cli(
        settings, "member", "add", "operator", "a@b.jp", "--role", "platform_admin", "--email-language", "fr"
    )
    assert bad_language.returncode == 1 and "email_language" in bad_language.stderr
    assert missing.returncode == 1 and "--org" in missing.stderr
    bad = run_cli(settings, "token", "create", "--org", "nobody", "--permission", "intel:everything")
    assert bad.returncode == 1 and "--permission" in bad.stderr


def test_token_create_prints_a_token_that_the_api_accepts(
    settings: Settings, client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    created = run_cli(
        settings,
        "org",
        "create",
        "jp-isac",
        "--kind",
        "isac",
        "--name-ja",
        "ISAC",
        "--name-en",
        "ISAC",
        "--admin",
        "a@isac.example",
    )
    assert created.returncode == 0, created.stderr
    printed = run_cli(
        settings,
        "token",
        "create",
        "--org",
        "jp-isac",
        "--permission",
        "intel:read",
        "--permission",
        "intel:write",
        "--expires",
        "30",
    )
    assert printed.returncode == 0, printed.stderr
    raw = printed.stdout.strip()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and me.json()["permissions"] == ["intel:read", "intel:write"]


def test_demo_creates_the_demo_tenants_once_and_prints_the_admin_link(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    first = run_cli(settings, "demo")
    second = run_cli(settings, "demo")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "/auth/enrol/" in first.stdout and "/auth/enrol/" in second.stdout
    with transaction(session_factory) as session:
        slugs = {row.slug for row in session.scalars(select(Organisation))}
        assert {"operator", "fsa", "jvcea", "jpcrypto-isac", "sakura-exchange"} <= slugs
        exchange = service.get_organisation_by_slug(session, "sakura-exchange")
        assert exchange is not None
        roles = {m.role for m in service.members_of(session, exchange.id)}
        assert roles == {"org_admin", "security_officer", "contributor", "executive_approver", "viewer"}
        # A member for every role of each demo organisation: 2 each at the FSA, JVCEA and the ISAC,
        # 5 at each of the 7 named exchanges.
        assert len(session.scalars(select(Membership)).all()) == 3 * 2 + 7 * 5
        assert session.scalar(select(User).where(User.email == "admin@cyberdelta.example")) is not None
