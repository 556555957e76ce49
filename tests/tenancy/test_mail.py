"""Invitation e-mail through a real SMTP server (aiosmtpd on loopback, started by the test), in the
language chosen for the person."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.app import create_app
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy import service
from cyberdelta.tenancy.models import OrganisationKind, User
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_member, make_organisation, sign_in_client


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd hook)
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def test_an_invitation_is_emailed_when_smtp_is_configured(
    smtp: tuple[int, Inbox], settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    port, inbox = smtp
    configured = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_sender": "noreply@cyberdelta.example"}
    )
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE, name_en="Sakura Exchange")
        admin = make_member(session, exchange, Role.ORG_ADMIN)
    with TestClient(create_app(configured, engine=engine)) as client:
        sign_in_client(client, admin, exchange)
        client.cookies.set("cd_lang", "en")
        page = client.post("/org/invitations", data={"email": "New.Member@Example.jp", "role": "contributor"})
    assert page.status_code == 200 and "It was also sent by e-mail." in page.text
    [(recipients, message)] = inbox.messages
    assert recipients == ["new.member@example.jp"]
    assert message["From"] == "noreply@cyberdelta.example"
    assert "Sakura Exchange" in subject(message) and message["Content-Language"] == "ja, en"
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    link = next(line for line in body.decode().splitlines() if "/auth/enrol/" in line)
    assert link in page.text
    assert client.get(link.removeprefix(configured.base_url)).status_code == 200


def test_the_invitation_goes_in_the_language_chosen_for_the_person_unless_they_chose_one(
    smtp: tuple[int, Inbox], settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    port, inbox = smtp
    configured = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})
    with transaction(session_factory) as session:
        exchange = make_organisation(
            session, OrganisationKind.EXCHANGE, name_en="Sakura", name_ja="さくら取引所"
        )
        admin = make_member(session, exchange, Role.ORG_ADMIN)
        chose = service.get_or_create_user(session, "chose.english@example.jp")
        service.set_email_language(session, chose, "en")
    with TestClient(create_app(configured, engine=engine)) as client:
        sign_in_client(client, admin, exchange)
        client.cookies.set("cd_lang", "en")
        for email in ("new.person@example.jp", "chose.english@example.jp"):
            page = client.post(
                "/org/invitations", data={"email": email, "role": "viewer", "email_language": "ja"}
            )
            assert page.status_code == 200
        refused = client.post(
            "/org/invitations", data={"email": "odd@example.jp", "role": "viewer", "email_language": "fr"}
        )
    assert refused.status_code == 400 and "email_language:" in refused.text
    received = {rcpts[0]: message for rcpts, message in inbox.messages}
    assert sorted(received) == ["chose.english@example.jp", "new.person@example.jp"]
    japanese, english = received["new.person@example.jp"], received["chose.english@example.jp"]
    assert japanese["Content-Language"] == "ja" and "さくら取引所" in subject(japanese)
    assert "Sakura" not in subject(japanese) and "/auth/enrol/" in text_of(japanese)
    assert (
        english["Content-Language"] == "en"
        and subject(english) == "[CyberDelta] Your invitation to CyberDelta (Sakura)"
    )
    with transaction(session_factory) as session:
        languages = {user.email: user.email_language for user in session.scalars(select(User))}
    assert languages["new.person@example.jp"] == "ja" and languages["chose.english@example.jp"] == "en"
    assert "odd@example.jp" not in languages  # refused: nobody was created


def subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def text_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def test_without_smtp_the_link_is_only_shown(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        admin = make_member(session, exchange, Role.ORG_ADMIN)
    sign_in_client(client, admin, exchange)
    client.cookies.set("cd_lang", "en")
    page = client.post("/org/invitations", data={"email": "x@example.jp", "role": "viewer"})
    assert "/auth/enrol/" in page.text and "sent by e-mail" not in page.text
    refused = client.post("/org/invitations", data={"email": "x@example.jp", "role": "inspector"})
    assert refused.status_code == 400 and "role:" in refused.text
