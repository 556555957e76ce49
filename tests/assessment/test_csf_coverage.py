"""The CSF 2.0 coverage of an assessment: each subcategory met, partly, gap or not answered from
the answers to the controls the catalog maps to it (docs/assessment.md, "CSF 2.0 coverage")."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment.csf_coverage import Coverage, csf_coverage, subcategory_status
from cyberdelta.assessment.models import Assessment
from cyberdelta.catalog import mappings, service
from cyberdelta.catalog.models import CatalogVersion
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import Organisation
from cyberdelta.tenancy.permissions import Role
from tests.assessment.helpers import answer_all, reload
from tests.assessment.test_routes import member
from tests.catalog.mapping_documents import mapping_collection
from tests.factories import as_bytes
from tests.public_ids import public

C = Coverage


def test_a_subcategory_status_follows_its_applicable_controls() -> None:
    assert subcategory_status([C.MET, C.MET]) is C.MET
    assert subcategory_status([C.MET, C.GAP]) is C.PARTLY
    assert subcategory_status([C.MET, C.UNANSWERED]) is C.PARTLY
    assert subcategory_status([C.GAP, C.UNANSWERED]) is C.GAP
    assert subcategory_status([C.UNANSWERED]) is C.UNANSWERED
    assert subcategory_status([C.NOT_APPLICABLE, C.MET]) is C.MET
    assert subcategory_status([C.NOT_APPLICABLE]) is C.NOT_APPLICABLE
    assert subcategory_status([]) is C.UNMAPPED


def _crosswalk(factory: sessionmaker[Session], assessment: Assessment) -> None:
    """gv-1 and gv-2 → GV.PO-01; gv-1 and cx-1 → GV.RR-02; cx-1 → PR.AA-01; cx-2 → DE.CM-01."""
    pairs = [
        ("gv-1", "GV.PO-01", "intersects-with"),
        ("gv-2", "GV.PO-01", "intersects-with"),
        ("gv-1", "GV.RR-02", "subset-of"),
        ("cx-1", "GV.RR-02", "subset-of"),
        ("cx-1", "PR.AA-01", "equivalent-to"),
        ("cx-2", "DE.CM-01", "intersects-with"),
        ("cx-2", "DE.CM-03", "no-relationship"),
    ]
    with transaction(factory) as session:
        version = session.get_one(CatalogVersion, reload(session, assessment).cycle.catalog_version_id)
        data = as_bytes(mapping_collection(pairs))
        mappings.import_mapping(session, data, "crosswalk.json", version, max_bytes=len(data))


def _statuses(factory: sessionmaker[Session], assessment: Assessment) -> dict[str, Coverage]:
    with factory() as session:
        result = csf_coverage(session, reload(session, assessment))
    return {row.subcategory.id: row.status for group in result.categories for row in group.rows}


def test_answers_decide_the_coverage_of_each_subcategory(
    session_factory: sessionmaker[Session], assessment: Assessment
) -> None:
    _crosswalk(session_factory, assessment)
    assert _statuses(session_factory, assessment)["GV.PO-01"] is C.UNANSWERED
    # gv-1 (basic) at 1 is a baseline gap; gv-2 at 4 and cx-1 at 4 are met; cx-2 is N/A.
    answer_all(session_factory, assessment, {"gv-1": 1, "gv-2": 4, "cx-1": 4, "cx-2": None})
    statuses = _statuses(session_factory, assessment)
    assert statuses["GV.PO-01"] is C.PARTLY
    assert statuses["GV.RR-02"] is C.PARTLY
    assert statuses["PR.AA-01"] is C.MET
    assert statuses["DE.CM-01"] is C.NOT_APPLICABLE
    assert statuses["DE.CM-03"] is C.UNMAPPED  # no-relationship covers nothing
    assert statuses["GV.OC-01"] is C.UNMAPPED
    assert len(statuses) == 106


def test_the_coverage_page_in_both_languages(
    client: TestClient, session_factory: sessionmaker[Session], exchange: Organisation, assessment: Assessment
) -> None:
    _crosswalk(session_factory, assessment)
    answer_all(session_factory, assessment, {"gv-1": 1, "gv-2": 1})
    member(session_factory, exchange, Role.CONTRIBUTOR, client)
    path = f"/assessment/{public(client, 'assessment', assessment.id)}/csf"
    japanese = client.get(path, headers={"Accept-Language": "ja"})
    assert japanese.status_code == 200
    assert "CSF 2.0 の網羅状況" in japanese.text and "ギャップ" in japanese.text
    row = japanese.text.split('id="GV.PO-01"', 1)[1].split("</tr>", 1)[0]
    assert "ギャップ" in row and "GV-1" in row and "GV-2" in row
    english = client.get(path, headers={"Accept-Language": "en"})
    assert "Policy for managing cybersecurity risks" in english.text and "not answered" in english.text


def test_the_builtin_catalog_covers_csf_through_its_own_crosswalk(
    session_factory: sessionmaker[Session],
) -> None:
    with transaction(session_factory) as session:
        version = service.ensure_builtin_catalog(session)
        crosswalk = mappings.csf_crosswalk(session, version.id)
    covered = {subcategory for items in crosswalk.values() for subcategory in items}
    assert len(covered) >= 80 and {"GV.RR-01", "PR.AA-01", "RS.MA-01"} <= covered
