"""Control mappings (OSCAL 1.2 mapping collections) and NIST CSF 2.0 crosswalks: imported all or
nothing with errors naming the JSON path, shown per control, exported unchanged and accepted by
compliance-trestle; the built-in catalog ships its own CSF 2.0 crosswalk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.catalog import mappings, service
from cyberdelta.catalog.csf import canonical, carried_subcategories, csf_core
from cyberdelta.catalog.errors import CatalogImportError, MappingExistsError
from cyberdelta.catalog.models import CatalogVersion, ControlMapping, ControlMappingEntry
from cyberdelta.catalog.publishing import publish_mapping
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.i18n import language
from cyberdelta.platform.settings import Settings
from tests.catalog.baselines import full_catalog
from tests.catalog.mapping_documents import mapping_collection
from tests.catalog.trestle_cli import trestle_validate
from tests.factories import NS, as_bytes, small_catalog
from tests.test_cli import run_cli

LIMIT = 50 * 1024 * 1024
SUBCATEGORIES = [item.id for item in csf_core().subcategories]


def _large(session: Session) -> CatalogVersion:
    """1,280 controls and enhancements shaped like SP 800-53 rev5."""
    return service.import_catalog(session, as_bytes(full_catalog()), "sp800-53.json", max_bytes=LIMIT)


def _crosswalk_pairs() -> list[tuple[str, str, str]]:
    """Each base control to two CSF 2.0 subcategories, each enhancement through its statement."""
    pairs = []
    for family_index, family in enumerate(("ac", "au", "ia", "ir")):
        for number in range(1, 21):
            first = SUBCATEGORIES[(family_index * 20 + number) % len(SUBCATEGORIES)]
            second = SUBCATEGORIES[(family_index * 20 + number + 50) % len(SUBCATEGORIES)]
            pairs.append((f"{family}-{number}", first, "intersects-with"))
            pairs.append((f"{family}-{number}", second.lower(), "subset-of"))
            pairs.append((f"{family}-{number}.1_smt", first, "superset-of"))
    return pairs


def test_the_csf_core_has_every_subcategory_with_both_titles() -> None:
    core = csf_core()
    assert (len(core.functions), len(core.categories), len(core.subcategories)) == (6, 22, 106)
    assert core.subcategory("GV.OC-01") is not None and core.subcategory("PR.AC-01") is None
    assert all(
        item.title_en and item.title_ja and item.title_en != item.title_ja for item in core.subcategories
    )
    assert canonical("gv.oc-01") == "GV.OC-01" and canonical("GV.OC-1") is None


def test_a_catalog_carries_csf_subcategories_in_props_and_links() -> None:
    body = {
        "props": [
            {"name": "csf-2.0", "ns": NS, "value": "GV.OC-01"},
            {"name": "nist-csf", "value": "pr.aa-01"},
            {"name": "csf", "value": "PR.AC-01"},  # CSF 1.1, not a CSF 2.0 subcategory
            {"name": "label", "value": "DE.CM-01"},  # not a CSF prop
        ],
        "links": [
            {"href": "https://csrc.nist.gov/projects/cybersecurity-framework#DE.AE-02", "rel": "reference"},
            {"href": "#ac-2", "rel": "related"},
        ],
    }
    assert carried_subcategories(body) == ["GV.OC-01", "PR.AA-01", "DE.AE-02"]


def test_the_builtin_crosswalk_covers_every_control_and_agrees_with_its_props(
    session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with session_factory.begin() as session:
        version = service.ensure_builtin_catalog(session)
        service.ensure_builtin_catalog(session)
        (stored,) = mappings.mappings_of(session, version.id)
        crosswalk = mappings.csf_crosswalk(session, version.id)
        controls = service.controls_of(session, version.id)
        entries = session.scalars(
            select(ControlMappingEntry).where(ControlMappingEntry.mapping_id == stored.id)
        ).all()
        document = stored.document_json
    assert stored.csf and stored.other_side == "NIST Cybersecurity Framework (CSF) 2.0"
    assert {control.oscal_id for control in controls} == set(crosswalk)
    assert all(csf_core().subcategory(entry.other_id) for entry in entries)
    for control in controls:
        from_props = [p["value"] for p in control.body_json.get("props", []) if p["name"] == "csf-2.0"]
        assert sorted(
            {entry.other_id for entry in entries if entry.control_id == control.oscal_id}
        ) == sorted(from_props)
    trestle_validate(tmp_path, "mapping-collections", "cssa-csf", document)


def test_a_large_crosswalk_imports_with_statements_counted_for_their_control(
    session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    document = mapping_collection(_crosswalk_pairs())
    with session_factory.begin() as session:
        version = _large(session)
        stored = publish_mapping(
            session, Actor.console(), as_bytes(document), "crosswalk.json", version, max_bytes=LIMIT
        )
        crosswalk = mappings.csf_crosswalk(session, version.id)
        relationships = {
            (entry.control_id, entry.other_id): entry.relationship
            for entry in session.scalars(
                select(ControlMappingEntry).where(ControlMappingEntry.mapping_id == stored.id)
            )
        }
        audited = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "catalog.mapping_imported")
        ).one()
    assert stored.csf and stored.entry_count == 240
    assert crosswalk["ac-1"] == [SUBCATEGORIES[1], SUBCATEGORIES[51]]
    assert crosswalk["ac-1.1"] == [SUBCATEGORIES[1]]  # its statement ac-1.1_smt
    assert relationships["ac-1.1", SUBCATEGORIES[1]] == "superset-of"
    assert (
        audited.details["entries"] == 240 and audited.details["catalog"] == "sp-800-53-shaped-catalog@5.1.1"
    )
    trestle_validate(tmp_path, "mapping-collections", "large", document)


def test_a_collection_from_csf_to_the_catalog_is_read_the_other_way_round(
    session_factory: sessionmaker[Session],
) -> None:
    document = mapping_collection([("ac-1", "GV.PO-01", "subset-of")], reversed_sides=True)
    with session_factory.begin() as session:
        version = _small(session)
        stored = mappings.import_mapping(
            session, as_bytes(document), "from-csf.json", version, max_bytes=LIMIT
        )
        entry = session.scalars(
            select(ControlMappingEntry).where(ControlMappingEntry.mapping_id == stored.id)
        ).one()
    # "GV.PO-01 is a subset of ac-1" read from the control's side: ac-1 is a superset of GV.PO-01.
    assert (entry.control_id, entry.other_id, entry.relationship) == ("ac-1", "GV.PO-01", "superset-of")


def test_a_mapping_to_another_catalog_is_kept_but_is_no_csf_crosswalk(
    session_factory: sessionmaker[Session],
) -> None:
    document = mapping_collection([("ac-1", "A.5.15", "equivalent-to")], target_title="ISO/IEC 27001:2022")
    with session_factory.begin() as session:
        version = _small(session)
        stored = mappings.import_mapping(session, as_bytes(document), "iso.json", version, max_bytes=LIMIT)
        items = mappings.mapped_items(session, version.id, "ac-1")
        crosswalk = mappings.csf_crosswalk(session, version.id)
    assert not stored.csf and stored.other_side == "ISO/IEC 27001:2022"
    assert [(item.other_id, item.relationship, item.csf) for item in items] == [
        ("A.5.15", "equivalent-to", False)
    ]
    assert "ac-1" not in crosswalk


def _small(session: Session) -> CatalogVersion:
    return service.import_catalog(session, as_bytes(small_catalog("1.0")), "small.json", max_bytes=LIMIT)


def _problems(session_factory: sessionmaker[Session], data: bytes, name: str = "bad.json") -> list[str]:
    with session_factory.begin() as session:
        version_id = _small(session).id
    with pytest.raises(CatalogImportError) as caught, session_factory.begin() as session:
        mappings.import_mapping(
            session, data, name, session.get_one(CatalogVersion, version_id), max_bytes=LIMIT
        )
    with session_factory() as session:
        assert session.scalar(select(func.count(ControlMapping.id))) == 0
        assert session.scalar(select(func.count(ControlMappingEntry.id))) == 0
    with language("en"):
        return [problem.render() for problem in caught.value.problems]


def test_unknown_controls_and_csf_ids_are_refused_naming_the_json_path(
    session_factory: sessionmaker[Session],
) -> None:
    document = mapping_collection(
        [("ac-1", "GV.OC-01", "intersects-with"), ("zz-9", "GV.OC-02", "intersects-with")], name="bad-control"
    )
    assert _problems(session_factory, as_bytes(document)) == [
        "$.mapping-collection.mappings[0].maps[1].sources[0].id-ref: no control or part zz-9 in "
        "small-test-catalog@1.0 (one side of a mapping must be this catalog)"
    ]


def test_a_csf_1_1_id_is_not_a_csf_2_0_subcategory(session_factory: sessionmaker[Session]) -> None:
    document = mapping_collection(
        [("ac-1", "GV.OC-01", "intersects-with"), ("ac-2", "PR.AC-01", "subset-of")]
    )
    assert _problems(session_factory, yaml.safe_dump(document).encode(), "bad.yaml") == [
        "$.mapping-collection.mappings[0].maps[1].targets[0].id-ref: "
        "PR.AC-01 is not a NIST CSF 2.0 subcategory"
    ]


def test_a_schema_error_names_its_innermost_cause(session_factory: sessionmaker[Session]) -> None:
    document = mapping_collection([("ac-1", "GV.OC-01", "intersects-with")])
    document["mapping-collection"]["mappings"][0]["maps"][0]["targets"] = []
    del document["mapping-collection"]["provenance"]["status"]
    problems = _problems(session_factory, as_bytes(document))
    assert "$.mapping-collection.provenance.status: schema: Field required" in problems
    assert any(
        line.startswith(
            "$.mapping-collection.mappings[0].maps[0].targets: schema: List should have at least 1"
        )
        for line in problems
    )


def test_a_collection_is_imported_once_per_version(session_factory: sessionmaker[Session]) -> None:
    data = as_bytes(mapping_collection([("ac-1", "GV.OC-01", "intersects-with")]))
    with session_factory.begin() as session:
        version = _small(session)
        mappings.import_mapping(session, data, "a.json", version, max_bytes=LIMIT)
        version_id = version.id
    with pytest.raises(MappingExistsError), session_factory.begin() as session:
        mappings.import_mapping(
            session, data, "a.json", session.get_one(CatalogVersion, version_id), max_bytes=LIMIT
        )


def test_cli_imports_and_exports_a_mapping_unchanged(settings: Settings, tmp_path: Path) -> None:
    catalog = tmp_path / "small.json"
    catalog.write_bytes(as_bytes(small_catalog("1.0")))
    document = mapping_collection(
        [("ac-1", "GV.PO-01", "intersects-with"), ("ac-2", "PR.AA-05", "subset-of")]
    )
    source = tmp_path / "crosswalk.yaml"
    source.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    assert run_cli(settings, "catalog", "import", str(catalog)).returncode == 0
    imported = run_cli(
        settings, "catalog", "import-mapping", str(source), "--catalog", "small-test-catalog@1.0"
    )
    assert imported.returncode == 0, imported.stderr
    assert "Imported 2 mapping entries for small-test-catalog@1.0" in imported.stdout
    exported = run_cli(
        settings, "catalog", "export-mapping", "small-test-catalog", "--out", str(tmp_path / "out.json")
    )
    assert exported.returncode == 0, exported.stderr
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8")) == document
    again = run_cli(
        settings, "catalog", "import-mapping", str(source), "--catalog", "small-test-catalog", lang="ja"
    )
    assert again.returncode != 0 and "既に" in again.stderr + again.stdout
