"""Importing, storing and exporting catalogs: round trips, versions, immutability, the built-in catalog."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from trestle.oscal.catalog import Catalog as TrestleCatalog

from cyberdelta.catalog import service
from cyberdelta.catalog.errors import CatalogNotFoundError, VersionExistsError
from cyberdelta.catalog.models import CatalogVersion, Control, ImmutableCatalogError
from cyberdelta.catalog.tree import NS, first_prop
from tests.factories import as_bytes, large_catalog, small_catalog

LIMIT = 64 * 1024 * 1024


def import_and_export(
    factory: sessionmaker[Session], document: dict[str, Any], **kwargs: Any
) -> dict[str, Any]:
    with factory.begin() as session:
        version = service.import_catalog(session, as_bytes(document), "input.json", max_bytes=LIMIT, **kwargs)
    with factory() as session:
        return service.export_document(session, session.get_one(CatalogVersion, version.id))


def assert_valid_oscal(document: dict[str, Any]) -> None:
    """compliance-trestle's OSCAL models accept the export (serialised and read back as JSON)."""
    text = json.dumps(document, ensure_ascii=False)
    TrestleCatalog.model_validate(json.loads(text)["catalog"])


def test_small_catalog_round_trip(session_factory: sessionmaker[Session]) -> None:
    document = small_catalog()
    exported = import_and_export(session_factory, document)
    assert exported == document
    assert_valid_oscal(exported)


def test_large_multi_level_catalog_round_trip(session_factory: sessionmaker[Session]) -> None:
    document = large_catalog(domains=6, areas=3, controls_per_area=6, enhancements=2)
    exported = import_and_export(session_factory, document)
    assert exported == document
    assert_valid_oscal(exported)
    with session_factory() as session:
        version = service.get_version(session, "large-generated-catalog")
        assert version.control_count == 6 * 3 * 6 * 3
        enhancement = service.get_control(session, version.id, "f00-a0-1.2")
        assert enhancement is not None and enhancement.depth == 1
        parent = session.get_one(Control, enhancement.parent_control_id)
        assert parent.oscal_id == "f00-a0-1"


def test_builtin_catalog_is_complete_bilingual_and_round_trips(
    session_factory: sessionmaker[Session],
) -> None:
    shipped = json.loads(service.builtin_document_bytes())
    with session_factory.begin() as session:
        version = service.ensure_builtin_catalog(session)
        again = service.ensure_builtin_catalog(session)
        assert again.id == version.id
    with session_factory() as session:
        exported = service.export_document(session, session.get_one(CatalogVersion, version.id))
        controls = service.controls_of(session, version.id)
    assert exported == shipped
    assert_valid_oscal(exported)
    assert 100 <= len(controls) <= 150
    domains = [group["id"] for group in shipped["catalog"]["groups"]]
    assert domains == ["gv", "id", "pr", "de", "rs", "tp", "cx"]
    for control in controls:
        assert control.title_ja and control.statement and control.statement_ja, control.oscal_id
        assert control.level in ("basic", "desirable"), control.oscal_id
        assert first_prop(control.body_json, "csf-2.0", NS), control.oscal_id


def test_yaml_import_equals_json_import(session_factory: sessionmaker[Session]) -> None:
    document = small_catalog()
    with session_factory.begin() as session:
        version = service.import_catalog(
            session, yaml.safe_dump(document, allow_unicode=True).encode(), "small.yaml", max_bytes=LIMIT
        )
        assert service.export_document(session, version) == document


def test_a_new_version_sits_beside_the_old_one(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as session:
        service.import_catalog(session, as_bytes(small_catalog("1.0")), "v1.json", max_bytes=LIMIT)
        service.import_catalog(session, as_bytes(small_catalog("1.1")), "v2.json", max_bytes=LIMIT)
    with session_factory() as session:
        assert [row.version for row in service.list_versions(session)] == ["1.0", "1.1"]
        assert service.get_version(session, "small-test-catalog").version == "1.1"
        assert service.resolve_reference(session, "small-test-catalog@1.0").version == "1.0"
        with pytest.raises(CatalogNotFoundError):
            service.resolve_reference(session, "small-test-catalog@9")


def test_a_published_version_cannot_be_imported_again(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as session:
        service.import_catalog(session, as_bytes(small_catalog("1.0")), "v1.json", max_bytes=LIMIT)
    with pytest.raises(VersionExistsError), session_factory.begin() as session:
        service.import_catalog(session, as_bytes(small_catalog("1.0")), "again.json", max_bytes=LIMIT)


def test_published_content_cannot_be_modified_through_the_application(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory.begin() as session:
        version = service.import_catalog(session, as_bytes(small_catalog()), "v.json", max_bytes=LIMIT)
        version_id = version.id
    with pytest.raises(ImmutableCatalogError), session_factory.begin() as session:
        control = session.scalars(select(Control).where(Control.version_id == version_id)).first()
        assert control is not None
        control.title = "changed"
        session.flush()
    with session_factory() as session:
        assert (
            session.scalar(select(Control.title).where(Control.oscal_id == "ac-1")) == "Policy and procedures"
        )


def test_export_rebuilds_from_rows_not_from_a_stored_copy(session_factory: sessionmaker[Session]) -> None:
    """The tree is reassembled from the stored groups and controls: a row changed underneath (by
    a direct SQL update, which bypasses the application's guard) shows in the export."""
    with session_factory.begin() as session:
        version = service.import_catalog(session, as_bytes(small_catalog()), "v.json", max_bytes=LIMIT)
    with session_factory.begin() as session:
        body = session.scalar(select(Control.body_json).where(Control.oscal_id == "ac-2"))
        assert body is not None
        session.execute(
            update(Control).where(Control.oscal_id == "ac-2").values(body_json={**body, "title": "X"})
        )
    with session_factory() as session:
        exported = service.export_document(session, session.get_one(CatalogVersion, version.id))
    assert exported["catalog"]["groups"][0]["controls"][1]["title"] == "X"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("AC-1", {"ac-1", "ac-1.1"}),
        ("ａｃ－２", {"ac-2"}),
        ("方針", {"ac-1"}),
        ("ACCOUNT management", {"ac-2"}),
        ("policy define", {"ac-1"}),
        ("100%", set()),
        ("", set()),
    ],
)
def test_search_is_width_and_case_insensitive(
    session_factory: sessionmaker[Session], query: str, expected: set[str]
) -> None:
    with session_factory.begin() as session:
        version = service.import_catalog(session, as_bytes(small_catalog()), "v.json", max_bytes=LIMIT)
        found = {control.oscal_id for control in service.search_controls(session, version.id, query)}
    assert found == expected
