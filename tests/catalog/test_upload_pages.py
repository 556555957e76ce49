"""The catalog pages that import: an OSCAL profile with its source catalog, and a mapping
collection; all or nothing over real HTTP, in the reader's language, for the operator only; and
the pages that show mappings (catalog tree, control page with its CSF 2.0 subcategories)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.catalog import service
from cyberdelta.catalog.models import CatalogVersion, ControlMapping
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_member, make_organisation, sign_in_client
from tests.catalog.baselines import full_catalog
from tests.catalog.mapping_documents import mapping_collection
from tests.catalog.test_profiles import profile
from tests.factories import as_bytes, small_catalog

JSON = "application/json"
LIMIT = 1024 * 1024


def operator(client: TestClient, factory: sessionmaker[Session], role: Role = Role.PLATFORM_ADMIN) -> None:
    kind = OrganisationKind.OPERATOR if role is Role.PLATFORM_ADMIN else OrganisationKind.EXCHANGE
    with transaction(factory) as session:
        organisation = make_organisation(session, kind)
        user = make_member(session, organisation, role)
        session.expunge_all()
    sign_in_client(client, user, organisation)


def _count(factory: sessionmaker[Session], model: type[CatalogVersion] | type[ControlMapping]) -> int:
    with factory() as session:
        return session.scalar(select(func.count(model.id))) or 0


def test_a_profile_and_its_source_catalog_are_imported_from_the_page(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    operator(client, session_factory)
    form = client.get("/catalogs/profiles/new", headers={"Accept-Language": "en"})
    assert form.status_code == 200 and "Import an OSCAL profile" in form.text
    files = {
        "profile": ("tailoring.yaml", as_bytes(profile()), JSON),
        "catalog_file": ("sp800-53.json", as_bytes(full_catalog()), JSON),
    }
    done = client.post("/catalogs/profiles", files=files, follow_redirects=False)
    assert done.status_code == 303, done.text
    page = client.get(done.headers["location"], headers={"Accept-Language": "en"})
    assert "Selected controls" in page.text and "ac-2.1" in page.text and "quarterly" in page.text
    with session_factory() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {"catalog.imported", "catalog.profile_imported"} <= actions


def test_a_refused_profile_stores_neither_it_nor_its_source_catalog(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    operator(client, session_factory)
    before = _count(session_factory, CatalogVersion)
    bad = profile()
    bad["profile"]["imports"][0]["include-controls"][0]["with-ids"] = []
    files = {
        "profile": ("bad.json", as_bytes(bad), JSON),
        "catalog_file": ("sp800-53.json", as_bytes(full_catalog(controls_per_family=4)), JSON),
    }
    refused = client.post("/catalogs/profiles", files=files, headers={"Accept-Language": "ja"})
    assert refused.status_code == 422
    assert "bad.json は取り込まれませんでした" in refused.text
    assert "$.profile.imports[0].include-controls[0].with-ids" in refused.text
    assert "何も保存していません。" in refused.text
    assert _count(session_factory, CatalogVersion) == before


def test_a_profile_needs_a_source(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    operator(client, session_factory)
    files = {"profile": ("tailoring.json", as_bytes(profile()), JSON)}
    refused = client.post("/catalogs/profiles", files=files, headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and "source: choose a stored catalog version" in refused.text


def test_only_the_operator_imports(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    assert client.get("/catalogs/profiles/new", follow_redirects=False).status_code == 303
    operator(client, session_factory, Role.SECURITY_OFFICER)
    assert client.get("/catalogs/profiles/new").status_code == 403


def test_a_mapping_is_imported_from_the_page_and_shown(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with session_factory.begin() as session:
        service.import_catalog(session, as_bytes(small_catalog("1.0")), "small.json", max_bytes=LIMIT)
    operator(client, session_factory)
    document = mapping_collection(
        [("ac-1", "GV.PO-01", "intersects-with"), ("ac-1.1", "A.5.1", "subset-of")],
        target_title="NIST CSF 2.0 and ISO",
    )
    document["mapping-collection"]["mappings"][0]["maps"][1]["targets"][0]["id-ref"] = "GV.PO-02"
    done = client.post(
        "/catalogs/small-test-catalog/1.0/mappings",
        files={"file": ("csf.json", as_bytes(document), JSON)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    tree = client.get("/catalogs/small-test-catalog/1.0", headers={"Accept-Language": "ja"})
    assert "SP 800-53-shaped catalog to NIST CSF 2.0" in tree.text and "2 件" in tree.text
    control = client.get("/catalogs/small-test-catalog/1.0/controls/ac-1", headers={"Accept-Language": "ja"})
    assert "対応する NIST CSF 2.0 サブカテゴリ" in control.text
    assert "GV.PO-01" in control.text and "サイバーセキュリティリスク管理の方針が定められ" in control.text
    english = client.get("/catalogs/small-test-catalog/1.0/controls/ac-1", headers={"Accept-Language": "en"})
    assert "Policy for managing cybersecurity risks is established" in english.text
    exported = client.get(
        f"/api/v1/catalogs/small-test-catalog/versions/1.0/mappings/{document['mapping-collection']['uuid']}"
    )
    assert exported.status_code == 200 and exported.json() == document


def test_a_refused_mapping_lists_every_problem_and_stores_nothing(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with session_factory.begin() as session:
        service.import_catalog(session, as_bytes(small_catalog("1.0")), "small.json", max_bytes=LIMIT)
    operator(client, session_factory)
    document = mapping_collection(
        [("ac-9", "GV.PO-01", "intersects-with"), ("ac-1", "ID.XX-01", "subset-of")]
    )
    refused = client.post(
        "/catalogs/small-test-catalog/1.0/mappings",
        files={"file": ("csf.json", as_bytes(document), JSON)},
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 422
    assert (
        "$.mapping-collection.mappings[0].maps[0].sources[0].id-ref: no control or part ac-9" in refused.text
    )
    assert _count(session_factory, ControlMapping) == 0
