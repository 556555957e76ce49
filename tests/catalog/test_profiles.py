"""OSCAL profiles: resolved over a stored catalog into a new version (OSCAL profile resolution
specification: select, set parameters, alter), summarised, and the built-in catalog's ``basic``
level written as a profile that compliance-trestle validates and resolves to those controls."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.catalog import profile_versions, service
from cyberdelta.catalog.errors import CatalogImportError
from cyberdelta.catalog.profiles import catalog_urn, level_profile, resolve_profile, summarise
from cyberdelta.catalog.publishing import publish_profile
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.i18n import language
from cyberdelta.platform.settings import Settings
from tests.catalog.baselines import full_catalog
from tests.catalog.trestle_cli import trestle_validate
from tests.factories import as_bytes, metadata
from tests.test_cli import run_cli

LIMIT = 50 * 1024 * 1024
SOURCE = full_catalog()
SELECTED = ["ac-1", "ac-2", "au-3", "ia-5"]


def profile(**changes: Any) -> dict[str, Any]:
    """A tailoring profile: four controls of the AC, AU and IA families with their enhancements,
    one of them left out again, two parameters set and two controls altered."""
    body: dict[str, Any] = {
        "uuid": "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "metadata": metadata("Exchange tailoring of SP 800-53", "2026.1"),
        "imports": [
            {
                "href": "https://example.org/sp800-53-catalog.json",
                "include-controls": [{"with-ids": SELECTED, "with-child-controls": "yes"}],
                "exclude-controls": [{"with-ids": ["ac-2.3"]}],
            }
        ],
        "merge": {"as-is": True},
        "modify": {
            "set-parameters": [
                {"param-id": "ac-1_prm_1", "values": ["quarterly"]},
                {"param-id": "ia-5_prm_1", "values": ["every 90 days"]},
            ],
            "alters": [
                {
                    "control-id": "ac-2",
                    "adds": [
                        {
                            "position": "ending",
                            "parts": [
                                {
                                    "id": "ac-2_exchange",
                                    "name": "guidance",
                                    "prose": "Hot-wallet signer accounts are reviewed monthly.",
                                }
                            ],
                        }
                    ],
                },
                {"control-id": "au-3", "removes": [{"by-id": "au-3_gdn"}]},
            ],
        },
    }
    body.update(changes)
    return {"profile": body}


def controls(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def visit(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            found[node["id"]] = node
            visit(node.get("controls") or [])

    def visit_groups(groups: list[dict[str, Any]]) -> None:
        for group in groups:
            visit_groups(group.get("groups") or [])
            visit(group.get("controls") or [])

    visit_groups(document["catalog"].get("groups") or [])
    visit(document["catalog"].get("controls") or [])
    return found


@pytest.fixture
def source(session_factory: sessionmaker[Session]) -> str:
    with session_factory.begin() as session:
        version = service.import_catalog(session, as_bytes(SOURCE), "sp800-53.json", max_bytes=LIMIT)
        return f"{version.catalog.key}@{version.version}"


def test_resolution_selects_sets_and_alters() -> None:
    resolved = controls(resolve_profile(profile(), SOURCE, "p.json", "sp@5"))
    expected = ["ac-1", "ac-1.1", "ac-1.2", "ac-1.3", "ac-2", "ac-2.1", "ac-2.2", "au-3", "au-3.1"]
    expected += ["au-3.2", "au-3.3", "ia-5", "ia-5.1", "ia-5.2", "ia-5.3"]
    assert sorted(resolved) == sorted(expected)
    assert resolved["ac-1"]["params"][0]["values"] == ["quarterly"]
    assert resolved["ia-5"]["params"][0]["values"] == ["every 90 days"]
    assert resolved["ac-2"]["parts"][-1]["id"] == "ac-2_exchange"
    assert [part["id"] for part in resolved["au-3"]["parts"]] == ["au-3_smt"]
    assert resolved["ac-1"]["links"] == controls(SOURCE)["ac-1"]["links"]


def test_a_profile_is_resolved_into_a_version_that_keeps_it(
    session_factory: sessionmaker[Session], source: str, tmp_path: Path
) -> None:
    data = yaml.safe_dump(profile(), allow_unicode=True).encode()
    with session_factory.begin() as session:
        version = publish_profile(
            session, Actor.console(), data, "tailoring.yaml", catalog_reference=source, max_bytes=LIMIT
        )
        version_id = version.id
    with session_factory() as session:
        stored = service.get_version(session, "exchange-tailoring-of-sp-800-53", "2026.1")
        assert stored.id == version_id and stored.control_count == 15
        assert stored.profile_json == profile()
        origin = profile_versions.source_of(session, stored)
        assert origin is not None and f"{origin.catalog.key}@{origin.version}" == source
        with language("en"):
            rendered = [problem.render() for problem in service.warnings_of(stored)]
        assert any("link to #ac-3, which is not in this document" in line for line in rendered)
        document = service.export_document(session, stored)
        summary = summarise(profile(), document)
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "catalog.profile_imported")
        ).one()
    assert summary.selected[:3] == ["ac-1", "ac-1.1", "ac-1.2"] and len(summary.selected) == 15
    assert summary.set_parameters == [("ac-1_prm_1", "quarterly"), ("ia-5_prm_1", "every 90 days")]
    assert [(a.control_id, a.adds, a.removes) for a in summary.alterations] == [
        ("ac-2", ("parts ac-2_exchange (ending)",), ()),
        ("au-3", (), ("by-id au-3_gdn",)),
    ]
    assert entry.details["source"] == source and entry.details["controls"] == 15
    trestle_validate(tmp_path, "catalogs", "resolved", document)
    trestle_validate(tmp_path, "profiles", "tailoring", profile())
    assert document["catalog"]["metadata"]["links"] == [
        {"href": "https://example.org/sp800-53-catalog.json", "rel": "resolution-source"}
    ]


def test_a_profile_with_two_imports_is_refused(session_factory: sessionmaker[Session], source: str) -> None:
    twice = profile()
    twice["profile"]["imports"].append(copy.deepcopy(twice["profile"]["imports"][0]))
    with pytest.raises(CatalogImportError) as refused, session_factory.begin() as session:
        profile_versions.import_profile(
            session, as_bytes(twice), "p.json", catalog_reference=source, max_bytes=LIMIT
        )
    with language("en"):
        assert [problem.render() for problem in refused.value.problems] == [
            "$.profile.imports: the profile is resolved against one stored catalog, so it needs "
            "exactly one import (it has 2)"
        ]


def test_a_schema_error_in_a_profile_names_its_path() -> None:
    broken = profile()
    broken["profile"]["modify"]["set-parameters"][0]["param-id"] = "not an id"
    with pytest.raises(CatalogImportError) as refused:
        from cyberdelta.catalog.profiles import read_profile

        read_profile(as_bytes(broken), "p.json", LIMIT)
    with language("ja"):
        text = refused.value.render()
    assert "p.json は取り込まれませんでした" in text
    assert "$.profile.modify.set-parameters[0].param-id" in text


def test_the_builtin_basic_level_as_a_profile(session_factory: sessionmaker[Session], tmp_path: Path) -> None:
    """trestle validates the profile, and resolving it over the catalog gives the basic controls."""
    with session_factory.begin() as session:
        builtin = service.ensure_builtin_catalog(session)
        document = service.export_document(session, builtin)
        reference = (builtin.catalog.key, builtin.version)
    written = level_profile(document, "basic", catalog_urn(*reference))
    basic = [row_id for row_id, node in controls(document).items() if _level(node) == "basic"]
    assert written["profile"]["imports"][0]["include-controls"][0]["with-ids"] == basic
    assert 0 < len(basic) < len(controls(document))
    trestle_validate(tmp_path, "profiles", "basic", written)
    resolved = controls(resolve_profile(written, document, "basic.json", "builtin"))
    assert sorted(resolved) == sorted(basic)
    assert all(
        resolved[i] == controls(document)[i] for i in basic if not controls(document)[i].get("controls")
    )


def _level(node: dict[str, Any]) -> str | None:
    return next((p["value"] for p in node.get("props") or [] if p["name"] == "level"), None)


def test_profile_pages_and_the_basic_profile_download(
    client: TestClient, session_factory: sessionmaker[Session], source: str
) -> None:
    with session_factory.begin() as session:
        profile_versions.import_profile(
            session, as_bytes(profile()), "p.json", catalog_reference=source, max_bytes=LIMIT
        )
        builtin = service.ensure_builtin_catalog(session)
        builtin_url = f"/catalogs/{builtin.catalog.key}/{builtin.version}"
        api = f"/api/v1/catalogs/{builtin.catalog.key}/versions/{builtin.version}/profile"
    url = "/catalogs/exchange-tailoring-of-sp-800-53/2026.1"
    english = client.get(f"{url}/profile", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert english.status_code == 200
    assert "Selected controls (15 / 1280)" in english.text and "ac-2_exchange" in english.text
    assert "every 90 days" in english.text and "by-id au-3_gdn" in english.text
    japanese = client.get(f"{url}/profile", headers={"Accept": "text/html", "Accept-Language": "ja"})
    assert "選択された管理策" in japanese.text and "変更された管理策" in japanese.text
    tree = client.get(url, headers={"Accept": "text/html", "Accept-Language": "en"})
    assert "What the profile selects and alters" in tree.text
    page = client.get(builtin_url, headers={"Accept": "text/html", "Accept-Language": "en"})
    assert f"{api}?level=basic" in page.text
    download = client.get(api, params={"level": "basic"})
    assert (
        download.status_code == 200 and download.headers["content-type"] == "application/oscal.profile+json"
    )
    assert download.json()["profile"]["merge"] == {"as-is": True}
    assert client.get(api, params={"level": "none"}).status_code == 404
    not_a_profile = client.get(f"{builtin_url}/profile", headers={"Accept": "text/html"})
    assert not_a_profile.status_code == 404


def test_the_commands_import_a_profile_and_export_a_level(
    settings: Settings, tmp_path: Path, session_factory: sessionmaker[Session]
) -> None:
    with session_factory.begin() as session:
        service.ensure_builtin_catalog(session)
    catalog, tailoring = tmp_path / "sp800-53.json", tmp_path / "tailoring.json"
    catalog.write_bytes(as_bytes(SOURCE))
    tailoring.write_bytes(as_bytes(profile()))
    assert run_cli(settings, "catalog", "import", str(catalog)).returncode == 0
    imported = run_cli(
        settings, "catalog", "import-profile", str(tailoring), "--catalog", "sp-800-53-shaped-catalog"
    )
    assert imported.returncode == 0, imported.stderr
    assert "Imported exchange-tailoring-of-sp-800-53 version 2026.1 with 15 controls." in imported.stdout
    assert "The profile sets 2 parameters and alters 2 controls." in imported.stdout
    japanese = run_cli(
        settings, "catalog", "export", "cyberdelta-cssa", "--format", "oscal-profile", lang="ja"
    )
    assert japanese.returncode == 0, japanese.stderr
    written = json.loads(japanese.stdout)["profile"]
    assert written["imports"][0]["href"].startswith("#")
    assert written["back-matter"]["resources"][0]["rlinks"][0]["href"].startswith("urn:cyberdelta:catalog:")


def test_what_the_resolver_skips_is_an_import_warning(
    session_factory: sessionmaker[Session], source: str
) -> None:
    """A parameter the catalog lacks, or an alter of a control not selected, is not applied; the
    resolved version says so instead of dropping it silently."""
    lax = profile()
    lax["profile"]["modify"]["set-parameters"][1]["param-id"] = "ia-5_prm_9"
    lax["profile"]["modify"]["alters"][0]["control-id"] = "sc-1"
    with session_factory.begin() as session:
        version = profile_versions.import_profile(
            session, as_bytes(lax), "p.json", catalog_reference=source, max_bytes=LIMIT
        )
        with language("en"):
            rendered = [problem.render() for problem in service.warnings_of(version)]
        with language("ja"):
            japanese = service.warnings_of(version)[0].render()
    assert rendered[0] == (
        "$.profile: the profile resolver reports: SetParameter for param_id ia-5_prm_9 not found in catalog"
    )
    assert any("refers to control sc-1" in line for line in rendered[:3])
    assert japanese.startswith("$.profile: プロファイルの解決器からの報告:")


def test_include_all_with_an_exclusion_and_no_merge() -> None:
    """Without ``merge`` the resolved catalog is flat: the selected controls without groups."""
    body = profile()
    body["profile"]["imports"][0] = {
        "href": "https://example.org/sp800-53-catalog.json",
        "include-all": {},
        "exclude-controls": [{"with-ids": ["ac-1"]}],
    }
    del body["profile"]["merge"]
    resolved = resolve_profile(body, SOURCE, "p.json", "sp@5")
    assert "groups" not in resolved["catalog"]
    assert len(controls(resolved)) == len(controls(SOURCE)) - 1 and "ac-1" not in controls(resolved)
