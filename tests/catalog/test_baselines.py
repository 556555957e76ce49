"""Resolved baseline catalogs (a profile resolved per the OSCAL profile resolution specification)
keep ``related`` links to controls of the full catalog that the baseline leaves out. They import
with a warning per such link, come back unchanged, and two of them can be compared."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from trestle.oscal.catalog import Catalog as TrestleCatalog

from cyberdelta.catalog import service
from cyberdelta.catalog.diff import diff_catalogs
from cyberdelta.platform.i18n import language
from cyberdelta.platform.settings import Settings
from tests.catalog.baselines import count_controls, full_catalog, low_baseline, resolved_baseline
from tests.catalog.trestle_cli import trestle_validate
from tests.factories import as_bytes
from tests.test_cli import run_cli

LIMIT = 50 * 1024 * 1024
FULL = full_catalog()
LOW = resolved_baseline(FULL, low_baseline, "SP 800-53-shaped LOW baseline", "1.0")


def moderate(identifier: str) -> bool:
    """Every base control but the last of each family, and their first two enhancements."""
    base, _dot, enhancement = identifier.partition(".")
    return int(base.rsplit("-", 1)[1]) < 20 and enhancement in ("", "1", "2")


MODERATE = resolved_baseline(FULL, moderate, "SP 800-53-shaped LOW baseline", "2.0")


def dangling(document: dict[str, Any]) -> int:
    """How many ``#`` links of the document name a control it does not contain."""
    present: set[str] = set()
    links: list[str] = []
    for node in document["catalog"]["groups"]:
        stack = list(node["controls"])
        while stack:
            control = stack.pop()
            present.add(control["id"])
            links.extend(link["href"][1:] for link in control.get("links", []))
            stack.extend(control.get("controls", []))
    return sum(1 for target in links if target not in present)


def test_the_baseline_is_what_trestle_accepts() -> None:
    TrestleCatalog.model_validate(LOW["catalog"])
    assert count_controls(LOW) == 16 * 10 * 2 and dangling(LOW) > 300


def test_a_resolved_baseline_imports_with_warnings_and_round_trips(
    session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with session_factory.begin() as session:
        version = service.import_catalog(session, as_bytes(LOW), "low.json", max_bytes=LIMIT)
        version_id = version.id
    with session_factory() as session:
        stored = service.get_version(session, "sp-800-53-shaped-low-baseline", "1.0")
        assert stored.id == version_id and stored.control_count == 320
        warnings = service.warnings_of(stored)
        assert len(warnings) == dangling(LOW)
        with language("en"):
            assert warnings[0].render() == (
                "$.catalog.groups[0].controls[0].links[0].href: link to #ac-2, which is not in this document"
            )
        with language("ja"):
            assert "リンク先 #ac-2 がこの文書内に存在しません" in warnings[0].render()
        exported = service.export_document(session, stored)
    assert exported == LOW
    trestle_validate(tmp_path, "catalogs", "low", exported)


def test_a_catalog_whose_links_all_resolve_has_no_warnings(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as session:
        version = service.import_catalog(session, as_bytes(full_catalog(4, 1)), "full.json", max_bytes=LIMIT)
        assert version.warnings_json == []


def test_two_baselines_compare(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as session:
        service.import_catalog(session, as_bytes(LOW), "low.json", max_bytes=LIMIT)
        service.import_catalog(session, as_bytes(MODERATE), "moderate.json", max_bytes=LIMIT)
    with session_factory() as session:
        old, new = (
            service.export_document(session, service.get_version(session, "sp-800-53-shaped-low-baseline", v))
            for v in ("1.0", "2.0")
        )
    result = diff_catalogs(old["catalog"], new["catalog"])
    added = {row.oscal_id for row in result.added}
    assert "ac-2" in added and "ac-1.2" in added and "ac-20" not in added
    assert result.removed == [] and result.changed == []


def test_the_catalog_page_shows_the_warnings(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with session_factory.begin() as session:
        service.import_catalog(session, as_bytes(LOW), "low.json", max_bytes=LIMIT)
    url = "/catalogs/sp-800-53-shaped-low-baseline/1.0"
    english = client.get(url, headers={"Accept": "text/html", "Accept-Language": "en"})
    assert english.status_code == 200
    assert f"{dangling(LOW)} import warnings" in english.text
    assert "link to #ac-2, which is not in this document" in english.text
    japanese = client.get(url, headers={"Accept": "text/html", "Accept-Language": "ja"})
    assert (
        "取り込み時の警告" in japanese.text and "リンク先 #ac-2 がこの文書内に存在しません" in japanese.text
    )


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_the_command_imports_baselines_and_compares_them(
    settings: Settings, tmp_path: Path, suffix: str
) -> None:
    import yaml

    low, mid = tmp_path / f"low{suffix}", tmp_path / f"moderate{suffix}"
    for path, document in ((low, LOW), (mid, MODERATE)):
        path.write_bytes(as_bytes(document) if suffix == ".json" else yaml.safe_dump(document).encode())
    imported = run_cli(settings, "catalog", "import", str(low))
    assert imported.returncode == 0, imported.stderr
    assert "Imported sp-800-53-shaped-low-baseline version 1.0 with 320 controls." in imported.stdout
    assert f"{dangling(LOW)} warnings" in imported.stdout
    assert "link to #ac-2, which is not in this document" in imported.stdout
    compared = run_cli(settings, "catalog", "diff", str(low), str(mid))
    assert compared.returncode == 0, compared.stderr
    added = count_controls(MODERATE) - count_controls(LOW)
    assert added > 0 and f"{added} added, 0 removed, 0 changed" in compared.stdout
