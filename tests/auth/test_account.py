"""A member's own account: passkeys named, renamed, revoked (never the last one), other users'
answering 404; the language of the member's e-mails."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.auth.models import Passkey
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import OrganisationKind, User
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_member, make_organisation, sign_in_client
from tests.public_ids import public


def test_passkeys_are_renamed_and_revoked_but_never_the_last(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        user = make_member(session, exchange, Role.VIEWER)
        laptop = Passkey(user_id=user.id, credential_id="laptop", public_key=b"k", name="Laptop")
        phone = Passkey(user_id=user.id, credential_id="phone", public_key=b"k", name="Phone")
        session.add_all([laptop, phone])
    sign_in_client(client, user, exchange)
    client.cookies.set("cd_lang", "en")
    assert "Laptop" in client.get("/account").text

    renamed = client.post(
        f"/account/passkeys/{public(client, 'passkey', laptop.id)}/rename", data={"name": "仕事用ノート"}
    )
    assert renamed.status_code == 200 and "仕事用ノート" in renamed.text
    empty = client.post(
        f"/account/passkeys/{public(client, 'passkey', laptop.id)}/rename", data={"name": "  "}
    )
    assert empty.status_code == 400 and "name:" in empty.text

    assert client.post(f"/account/passkeys/{public(client, 'passkey', phone.id)}/revoke").status_code == 200
    last = client.post(f"/account/passkeys/{public(client, 'passkey', laptop.id)}/revoke")
    assert last.status_code == 400 and "passkey:" in last.text
    with transaction(session_factory) as session:
        rows = {
            row.credential_id: (row.name, row.revoked_at is None) for row in session.scalars(select(Passkey))
        }
    assert rows == {"laptop": ("仕事用ノート", True), "phone": ("Phone", False)}


def test_a_member_chooses_the_language_of_their_emails_and_the_change_is_audited(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        user = make_member(session, exchange, Role.CONTRIBUTOR)
    sign_in_client(client, user, exchange)
    client.cookies.set("cd_lang", "en")
    page = client.get("/account")
    assert 'name="email_language"' in page.text and '<option value="" selected>' in page.text

    chosen = client.post("/account/email-language", data={"email_language": "ja"}, follow_redirects=False)
    assert chosen.status_code == 303 and chosen.headers["location"] == "/account"
    assert '<option value="ja" lang="ja" selected>' in client.get("/account").text
    refused = client.post("/account/email-language", data={"email_language": "fr"})
    assert refused.status_code == 400 and "email_language:" in refused.text
    for again in ("ja", ""):  # the same choice again is not a change; then back to both languages
        assert client.post("/account/email-language", data={"email_language": again}).status_code == 200
    with transaction(session_factory) as session:
        stored = session.get(User, user.id)
        audited = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "auth.email_language_changed")
            .order_by(AuditEntry.sequence)
        ).all()
    assert stored is not None and stored.email_language is None
    changes = [(entry.details["from"], entry.details["to"]) for entry in audited]
    assert changes == [("both", "ja"), ("ja", "both")]
    assert {entry.actor_user_id for entry in audited} == {user.id}
