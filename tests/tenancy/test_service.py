"""Organisations and memberships: slugs are unique, roles must exist in the organisation's kind."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy import service
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Role
from cyberdelta.tenancy.service import TenancyError
from tests.accounts_factories import make_member, make_organisation


def test_an_organisation_is_found_by_slug_and_id(session_factory: sessionmaker[Session]) -> None:
    with transaction(session_factory) as session:
        created = service.create_organisation(
            session, slug="bitexample", kind="exchange", name_ja="ビット例", name_en="Bit Example"
        )
    with transaction(session_factory) as session:
        by_slug = service.get_organisation_by_slug(session, "bitexample")
        assert by_slug is not None and by_slug.id == created.id
        assert service.get_organisation(session, created.id) is not None
        assert service.get_organisation_by_slug(session, "nobody") is None


@pytest.mark.parametrize(
    ("field", "arguments"),
    [
        ("slug", {"slug": "Bad Slug", "kind": "exchange", "name_ja": "a", "name_en": "a"}),
        ("kind", {"slug": "ok-slug", "kind": "bank", "name_ja": "a", "name_en": "a"}),
        ("name", {"slug": "ok-slug", "kind": "isac", "name_ja": " ", "name_en": "a"}),
    ],
)
def test_invalid_organisations_are_refused_naming_the_field(
    session_factory: sessionmaker[Session], field: str, arguments: dict[str, str]
) -> None:
    with pytest.raises(TenancyError) as raised, transaction(session_factory) as session:
        service.create_organisation(session, **arguments)
    assert raised.value.field == field
    with transaction(session_factory) as session:
        assert service.list_organisations(session) == []


def test_a_duplicate_slug_is_refused(session_factory: sessionmaker[Session]) -> None:
    with transaction(session_factory) as session:
        make_organisation(session, OrganisationKind.ISAC, slug="jpcrypto-isac")
    with pytest.raises(TenancyError, match="slug"), transaction(session_factory) as session:
        make_organisation(session, OrganisationKind.ISAC, slug="jpcrypto-isac")


def test_a_user_belongs_to_several_organisations_with_one_role_each(
    session_factory: sessionmaker[Session],
) -> None:
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        isac = make_organisation(session, OrganisationKind.ISAC)
        user = make_member(session, exchange, Role.SECURITY_OFFICER, email="Ciso@Example.jp")
        make_member(session, isac, Role.ANALYST, email="ciso@example.jp")
    with transaction(session_factory) as session:
        roles = {(m.organisation_id, m.role) for m in service.memberships_of(session, user.id)}
        assert roles == {(exchange.id, "security_officer"), (isac.id, "analyst")}


def test_a_role_foreign_to_the_kind_is_refused(session_factory: sessionmaker[Session]) -> None:
    with transaction(session_factory) as session:
        supervisor = make_organisation(session, OrganisationKind.SUPERVISOR)
    with pytest.raises(TenancyError) as raised, transaction(session_factory) as session:
        make_member(session, supervisor, Role.CONTRIBUTOR)
    assert raised.value.field == "role"
