"""Year-over-year across catalog versions (issue #6): a later cycle pins a second version of the
built-in catalog in which GV-1.1's statement and GV-1.2's weight changed, GV-1.3 was only retitled,
GV-1.4 was withdrawn and GV-1.7 added. Changes since the previous cycle, the firm's and the peer
median's, are computed over the controls comparable between the versions only, and the pages say
which controls were left out and over how many controls a domain's change is computed."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment import service as assessment_service
from cyberdelta.assessment import transitions
from cyberdelta.assessment.catalog_view import catalog_view
from cyberdelta.assessment.models import Assessment, Cycle, Response
from cyberdelta.assessment.service import ResponseInput
from cyberdelta.assessment.workflow import Action
from cyberdelta.benchmark import disclosure, peer_groups
from cyberdelta.benchmark.compute import COUNTED_STATES, YOY_NEW, YOY_OLD
from cyberdelta.benchmark.disclosure import DEFAULT_RULES
from cyberdelta.benchmark.models import BenchmarkFigure
from cyberdelta.benchmark.publication import recompute
from cyberdelta.benchmark.service import industry_view, where_you_stand
from cyberdelta.benchmark.versions import Status, version_mapping
from cyberdelta.catalog.models import CatalogVersion
from cyberdelta.catalog.service import BUILTIN_KEY, builtin_document_bytes, import_catalog
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.permissions import Role
from tests.benchmark.conftest import World
from tests.benchmark.test_routes import sign_in
from tests.public_ids import public

NEW_VERSION = "2027.1"


def _control(document: dict[str, Any], control_id: str) -> dict[str, Any]:
    for group in document["catalog"]["groups"]:
        for sub in group.get("groups", []):
            for control in sub.get("controls", []):
                if control["id"] == control_id:
                    return dict[str, Any](control)
    raise KeyError(control_id)


def second_version(session: Session) -> CatalogVersion:
    """The built-in catalog with five edits, imported through the catalog service."""
    document = json.loads(builtin_document_bytes())
    catalog = document["catalog"]
    catalog["uuid"] = str(uuid.uuid4())
    catalog["metadata"]["version"] = NEW_VERSION
    gv1 = catalog["groups"][0]["groups"][0]
    by_id = {control["id"]: control for control in gv1["controls"]}
    by_id["gv-1.1"]["parts"][0]["prose"] += " The statement is reviewed every year."
    for prop in by_id["gv-1.2"]["props"]:
        if prop["name"] == "weight":
            prop["value"] = "3" if prop["value"] != "3" else "1"
    by_id["gv-1.3"]["title"] += " (retitled)"
    added = copy.deepcopy(by_id["gv-1.6"])
    added["id"] = "gv-1.7"
    added["props"] = [p for p in added["props"] if p["name"] != "label"] + [
        {"name": "label", "value": "GV-1.7"}
    ]
    for part in added.get("parts", []):
        part["id"] = part["id"].replace("gv-1.6", "gv-1.7")
    gv1["controls"] = [c for c in gv1["controls"] if c["id"] != "gv-1.4"] + [added]
    data = json.dumps(document, ensure_ascii=False).encode()
    return import_catalog(session, data, "catalog-v2.json", max_bytes=len(data) + 1, key=BUILTIN_KEY)


def maturity_of(index: int, control_id: str) -> int:
    """Varied but reproducible answers: differ by firm and by control."""
    return 1 + (index * 3 + sum(map(ord, control_id))) % 5


def submit_all(session: Session, cycle: Cycle, organisations: Iterable[int]) -> None:
    for index, organisation_id in enumerate(organisations):
        assessment = assessment_service.start_assessment(session, organisation_id, cycle)
        rows = {
            c.control_id: ResponseInput(maturity=maturity_of(index, c.control_id))
            for c in assessment_service.view_of(session, assessment).controls
        }
        assessment_service.apply_rows(session, assessment, rows, user_id=None)
        transitions.transition(session, assessment, Action.REQUEST_REVIEW, actor=Actor.console())
        transitions.transition(
            session, assessment, Action.SIGN_OFF, actor=Actor.console(), user_name="Approver"
        )


@pytest.fixture
def later(session_factory: sessionmaker[Session], world: World) -> int:
    """A third cycle on the second catalog version, every demo firm submitted, figures computed."""
    with transaction(session_factory) as session:
        version = second_version(session)
        cycle = assessment_service.ensure_cycle(session, "2028事務年度", version.id)
        submit_all(session, cycle, world.organisations)
        recompute(session, cycle)
        return cycle.id


def comparable_scores(
    session: Session, cycle: Cycle, domain: str, comparable: frozenset[str]
) -> dict[int, float]:
    """Each firm's weighted mean over the domain's comparable controls, from its stored answers."""
    view = catalog_view(session, cycle.catalog_version_id)
    weights = {
        c.control_id: c.weight for c in view.controls if c.domain == domain and c.control_id in comparable
    }
    rows = session.execute(
        select(Assessment.organisation_id, Response.control_id, Response.maturity, Response.not_applicable)
        .join(Response, Response.assessment_id == Assessment.id)
        .where(Assessment.cycle_id == cycle.id, Assessment.state.in_(COUNTED_STATES))
    ).all()
    sums: dict[int, list[float]] = {}
    for org, control_id, maturity, not_applicable in rows:
        if control_id in weights and maturity is not None and not not_applicable:
            total = sums.setdefault(org, [0.0, 0.0])
            total[0] += maturity * weights[control_id]
            total[1] += weights[control_id]
    return {org: weighted / weight for org, (weighted, weight) in sums.items() if weight}


def test_the_mapping_names_changed_new_and_withdrawn_controls_and_counts_per_domain(
    session_factory: sessionmaker[Session], world: World, later: int
) -> None:
    with transaction(session_factory) as session:
        cycle = session.get(Cycle, later)
        old_cycle = session.get(Cycle, world.cycles[-1])
        assert cycle is not None and old_cycle is not None
        mapping = version_mapping(session, old_cycle.catalog_version_id, cycle.catalog_version_id)
        statuses = {control_id: item.status for control_id, item in mapping.controls.items()}
        assert statuses == {
            "gv-1.1": Status.CHANGED,
            "gv-1.2": Status.CHANGED,
            "gv-1.4": Status.WITHDRAWN,
            "gv-1.7": Status.ADDED,
        }
        assert mapping.controls["gv-1.2"].fields == ("weight",)
        assert "gv-1.3" in mapping.comparable  # a new title alone keeps it comparable
        gv = mapping.domains["gv"]
        total = len(catalog_view(session, cycle.catalog_version_id).of_domain("gv"))
        assert (gv.total, gv.comparable, gv.changed, gv.added, gv.withdrawn) == (total, total - 3, 2, 1, 1)
        assert not gv.complete and mapping.domains["de"].complete
        assert (mapping.old_version, mapping.new_version) == ("2026.1", NEW_VERSION)
        same = version_mapping(session, old_cycle.catalog_version_id, old_cycle.catalog_version_id)
        assert same.identical and same.domains["gv"].comparable == total  # v1 has as many GV controls


def test_year_over_year_changes_are_computed_over_comparable_controls_only(
    session_factory: sessionmaker[Session], world: World, later: int
) -> None:
    with transaction(session_factory) as session:
        cycle, old_cycle = session.get(Cycle, later), session.get(Cycle, world.cycles[-1])
        assert cycle is not None and old_cycle is not None
        mapping = version_mapping(session, old_cycle.catalog_version_id, cycle.catalog_version_id)
        new = comparable_scores(session, cycle, "gv", mapping.comparable)
        old = comparable_scores(session, old_cycle, "gv", mapping.comparable)
        organisation = world.organisations[2]
        result = where_you_stand(session, cycle, organisation, peer_groups.ALL)
        gv = next(item for item in result.standings if item.key == "gv")
        assert gv.comparison is not None and gv.comparison.comparable == mapping.domains["gv"].comparable
        assert gv.own_change == pytest.approx(new[organisation] - old[organisation])
        # The ordinary GV score mixes in the changed and new controls; the change does not.
        assert gv.score is not None and gv.score - old[organisation] != pytest.approx(gv.own_change)
        # Published medians are rounded means of the 5 middle firms (docs/benchmark.md, "Disclosure control").
        median_change = round(
            disclosure.quantiles(sorted(new.values()), DEFAULT_RULES)[50].value
            - disclosure.quantiles(sorted(old.values()), DEFAULT_RULES)[50].value,
            1,
        )
        assert gv.median_change == pytest.approx(median_change)
        assert industry_view(session, cycle).trend["gv"] == pytest.approx(median_change)
        overall = result.standings[0]
        assert overall.comparison is not None
        assert overall.comparison.comparable == mapping.comparable_total


def test_recomputing_the_earlier_cycle_refreshes_the_later_cycles_comparison(
    session_factory: sessionmaker[Session], world: World, later: int
) -> None:
    def yoy_count(session: Session) -> int:
        return (
            session.scalar(
                select(func.count())
                .select_from(BenchmarkFigure)
                .where(BenchmarkFigure.cycle_id == later, BenchmarkFigure.scope.in_((YOY_NEW, YOY_OLD)))
            )
            or 0
        )

    with transaction(session_factory) as session:
        before = yoy_count(session)
        old_cycle = session.get(Cycle, world.cycles[-1])
        assert old_cycle is not None
        recompute(session, old_cycle)
        assert before > 0 and yoy_count(session) == before
        # The earlier cycles compare fully (the same version): they store no such figures.
        assert not session.scalar(
            select(func.count()).select_from(BenchmarkFigure).where(BenchmarkFigure.scope == YOY_NEW,
                                                                    BenchmarkFigure.cycle_id != later)
        )  # fmt: skip


def test_the_pages_say_which_controls_are_left_out_and_over_how_many_controls(
    session_factory: sessionmaker[Session], client: TestClient, world: World, later: int
) -> None:
    sign_in(session_factory, client, world.organisations[0], Role.SECURITY_OFFICER)
    page = client.get(
        f"/benchmark?cycle={public(client, 'cycle', later)}", headers={"Accept-Language": "en"}
    ).text
    assert "changed in catalog 2027.1 — not comparable" in page
    assert "new in this cycle" in page and "withdrawn in catalog 2027.1" in page
    assert "present in both catalog versions" in page
    assert 'data-control="gv-1.4"' in page and 'data-control="gv-1.3"' not in page
    previous = client.get(
        f"/benchmark?cycle={public(client, 'cycle', world.cycles[-1])}", headers={"Accept-Language": "en"}
    ).text
    assert "catalog-changes" not in previous and "present in both catalog versions" not in previous
    api = client.get(f"/api/v1/benchmark/position?cycle={public(client, 'cycle', later)}").json()
    gv = next(item for item in api["standings"] if item["key"] == "gv")
    assert gv["comparable_controls"] is not None and gv["change"] is not None
