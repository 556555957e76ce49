"""Recovery codes, lock-out after failed sign-ins, session time-outs, sign-out everywhere, step-up."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.app import create_app
from cyberdelta.auth import recovery
from cyberdelta.auth.models import AuthSession, RecoveryCode
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy.models import OrganisationKind, User
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import anonymous_csrf, make_member, make_organisation, sign_in_client


def _member(session_factory: sessionmaker[Session]) -> tuple[User, list[str]]:
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        user = make_member(session, exchange, Role.SECURITY_OFFICER, email="ciso@example.jp")
        codes = recovery.new_codes(session, user.id)
    return user, codes


def test_recovery_codes_are_hashed_and_work_once(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _user, codes = _member(session_factory)
    with transaction(session_factory) as session:
        stored = {row.code_hash for row in session.scalars(select(RecoveryCode))}
    assert len(stored) == 10 and not stored & set(codes)
    token = anonymous_csrf(client)
    form = {"email": "ciso@example.jp", "code": codes[0].lower(), "csrf_token": token}
    signed_in = client.post("/auth/recover", data=form, follow_redirects=False)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/account"
    assert client.get("/api/v1/me").json()["role"] == "security_officer"

    client.cookies.clear()
    again = client.post("/auth/recover", data={**form, "csrf_token": anonymous_csrf(client)})
    assert again.status_code == 400 and "code:" in again.text


def test_repeated_failures_lock_the_client_out(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _user, codes = _member(session_factory)
    token = anonymous_csrf(client)
    for _attempt in range(5):
        wrong = client.post(
            "/auth/recover", data={"email": "ciso@example.jp", "code": "WRONG", "csrf_token": token}
        )
        assert wrong.status_code == 400
    locked = client.post(
        "/auth/recover", data={"email": "ciso@example.jp", "code": codes[1], "csrf_token": token}
    )
    assert locked.status_code == 429
    # The account is locked, not everyone behind the address (OWASP ASVS 5.0 V6.3): a passkey sign-in
    # from it still starts.
    assert client.post("/auth/sign-in/options", headers={"X-CSRF-Token": token}).status_code == 200
    with transaction(session_factory) as session:
        assert all(row.used_at is None for row in session.scalars(select(RecoveryCode)))


def test_idle_and_absolute_timeouts_end_a_session(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        user = make_member(session, exchange, Role.VIEWER)
    sign_in_client(client, user, exchange)
    assert client.get("/api/v1/me").status_code == 200
    with transaction(session_factory) as session:
        session.execute(update(AuthSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    assert client.get("/api/v1/me").status_code == 401
    sign_in_client(client, user, exchange)
    with transaction(session_factory) as session:
        session.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.get("/api/v1/me").status_code == 401


def test_sign_out_everywhere_ends_every_session(
    app: object, session_factory: sessionmaker[Session], client: TestClient
) -> None:
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        user = make_member(session, exchange, Role.VIEWER)
    with TestClient(client.app) as laptop:
        sign_in_client(laptop, user, exchange)
        sign_in_client(client, user, exchange)
        out = client.post("/auth/sign-out-everywhere", follow_redirects=False)
        assert out.status_code == 303
        assert laptop.get("/api/v1/me").status_code == 401
        assert client.get("/api/v1/me").status_code == 401


def test_key_management_needs_a_recent_passkey_assertion(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        admin = make_member(session, exchange, Role.ORG_ADMIN)
    sign_in_client(client, admin, exchange)
    assert client.get("/org/tokens").status_code == 200
    with transaction(session_factory) as session:
        session.execute(update(AuthSession).values(stepped_up_at=utcnow() - timedelta(minutes=6)))
    page = client.get("/org/tokens", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/auth/step-up?next=/org/tokens"
    api = client.get("/api/v1/tokens")
    assert api.status_code == 403
    assert client.get("/account").status_code == 200  # signed in all the same


def test_the_session_cookie_is_host_prefixed_secure_httponly_and_samesite(
    settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    _user, codes = _member(session_factory)
    secure = settings.model_copy(update={"cookie_secure": True, "base_url": "https://testserver"})
    with TestClient(create_app(secure, engine=engine), base_url="https://testserver") as https:
        form = {"email": "ciso@example.jp", "code": codes[2], "csrf_token": anonymous_csrf(https)}
        answer = https.post("/auth/recover", data=form, follow_redirects=False)
        assert answer.status_code == 303
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("__Host-cd_session=")
        assert all(flag in cookie for flag in ("Secure", "HttpOnly", "SameSite=lax", "Path=/"))
        assert "Domain" not in cookie
        assert https.get("/api/v1/me").json()["role"] == "security_officer"


def test_an_attackers_own_sign_ins_do_not_reset_the_count_against_another_account(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    """Twelve wrong codes for the victim, each followed by the attacker signing in to an account of
    their own: the victim's account locks after five all the same."""
    _victim, victim_codes = _member(session_factory)
    with transaction(session_factory) as session:
        other = make_organisation(session, OrganisationKind.EXCHANGE)
        attacker = make_member(session, other, Role.CONTRIBUTOR, email="attacker@example.jp")
        attacker_codes = recovery.new_codes(session, attacker.id)
    answers = []
    for attempt in range(10):
        client.cookies.clear()
        token = anonymous_csrf(client)
        wrong = client.post(
            "/auth/recover", data={"email": "ciso@example.jp", "code": "WRONG", "csrf_token": token}
        )
        answers.append(wrong.status_code)
        client.cookies.clear()
        own = {
            "email": "attacker@example.jp",
            "code": attacker_codes[attempt],
            "csrf_token": anonymous_csrf(client),
        }
        client.post("/auth/recover", data=own, follow_redirects=False)
    assert answers[:5] == [400] * 5 and set(answers[5:]) == {429}
    client.cookies.clear()
    right = {"email": "ciso@example.jp", "code": victim_codes[0], "csrf_token": anonymous_csrf(client)}
    assert client.post("/auth/recover", data=right).status_code == 429


def test_one_accounts_failures_do_not_lock_everyone_behind_the_same_address(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _member(session_factory)
    with transaction(session_factory) as session:
        colleague = make_member(
            session,
            make_organisation(session, OrganisationKind.EXCHANGE),
            Role.CONTRIBUTOR,
            "colleague@example.jp",
        )
        colleague_codes = recovery.new_codes(session, colleague.id)
    token = anonymous_csrf(client)
    for _attempt in range(6):
        client.post("/auth/recover", data={"email": "ciso@example.jp", "code": "WRONG", "csrf_token": token})
    form = {"email": "colleague@example.jp", "code": colleague_codes[0], "csrf_token": token}
    assert client.post("/auth/recover", data=form, follow_redirects=False).status_code == 303


def test_after_a_recovery_code_the_session_may_enrol_a_new_passkey_without_a_step_up(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _user, codes = _member(session_factory)
    form = {"email": "ciso@example.jp", "code": codes[0], "csrf_token": anonymous_csrf(client)}
    assert client.post("/auth/recover", data=form, follow_redirects=False).status_code == 303
    page = client.get("/account")
    csrf = page.text.split('name="csrf-token" content="')[1].split('"')[0]
    options = client.post("/account/passkeys/options", headers={"X-CSRF-Token": csrf}, follow_redirects=False)
    assert options.status_code == 200 and "challenge" in options.json()
    # Only enrolment: other key management still needs a passkey confirmation.
    codes_page = client.post("/account/recovery-codes", data={"csrf_token": csrf}, follow_redirects=False)
    assert codes_page.status_code == 303 and "/auth/step-up" in codes_page.headers["location"]
