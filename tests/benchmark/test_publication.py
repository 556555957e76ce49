"""Publications on both databases (docs/benchmark.md, "Publications" and "Reconstruction audit"):
an acceptance alone changes nothing anyone sees, five new submissions make a publication, the
audit passes over every publication of the cycle (in the suite and as ``cyberdelta benchmark
audit``), a refused publication leaves the visible figures alone and says why, and every export
publishes exactly the numbers of the pages and the API."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pydantic import ValidationError
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment.models import Cycle
from cyberdelta.benchmark import jobs, peer_groups
from cyberdelta.benchmark.compute import load_population
from cyberdelta.benchmark.demo import FIRST_YEAR, populate
from cyberdelta.benchmark.disclosure import DEFAULT_RULES
from cyberdelta.benchmark.feedback import industry_pdf
from cyberdelta.benchmark.history import History
from cyberdelta.benchmark.models import BenchmarkPublication
from cyberdelta.benchmark.publication import publish, publish_if_due, records
from cyberdelta.benchmark.reconstruction import audit
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.supervision.models import CycleSchedule
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Role
from tests.benchmark.conftest import World
from tests.benchmark.test_attacks import record_from_response
from tests.benchmark.test_routes import new_organisation, sign_in
from tests.public_ids import public
from tests.test_cli import run_cli

OPEN = date(FIRST_YEAR, 5, 1)  # the demo cycle is open from April to June


def figures_json(client: TestClient, cycle_id: int) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/benchmark/figures?cycle={public(client, 'cycle', cycle_id)}")
    assert response.status_code == 200
    figures: list[dict[str, Any]] = response.json()["figures"]
    return figures


def analyst(factory: sessionmaker[Session], client: TestClient) -> None:
    sign_in(factory, client, new_organisation(factory, OrganisationKind.SRO), Role.ANALYST)


def members_of(session: Session, cycle: Cycle) -> dict[str, list[str]]:
    """What a reader may know: which submission is in which peer group."""
    return {firm.member: firm.groups for firm in load_population(session, cycle).values()}


def test_one_acceptance_changes_nothing_and_five_make_a_publication_the_reader_cannot_split(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        cycle_id = populate(session, orgs=5, cycles=1).cycles[0]
    analyst(session_factory, client)
    first = figures_json(client, cycle_id)
    with transaction(session_factory) as session:
        cycle = session.get_one(Cycle, cycle_id)
        first_members = members_of(session, cycle)
        populate(session, orgs=6, cycles=1, recompute_benchmarks=False)  # a sixth acceptance
        assert not publish_if_due(session, cycle, today=OPEN)
    assert figures_json(client, cycle_id) == first  # nothing anyone sees changed
    with transaction(session_factory) as session:
        cycle = session.get_one(Cycle, cycle_id)
        populate(session, orgs=10, cycles=1, recompute_benchmarks=False)
        assert publish_if_due(session, cycle, today=OPEN)  # five new since the last publication
        members = members_of(session, cycle)
    second = figures_json(client, cycle_id)
    overall = next(f for f in second if (f["peer_group"], f["scope"]) == (peer_groups.ALL, "overall"))
    assert overall["count"] == 10
    reader = History(
        [record_from_response(first, first_members, 1), record_from_response(second, members, 2)]
    )
    result = audit(reader)
    assert result.passed and result.solves > 0, result.findings


def test_the_audit_passes_on_every_publication_and_from_the_command_line(
    settings: Settings, session_factory: sessionmaker[Session], world: World
) -> None:
    with transaction(session_factory) as session:
        for cycle_id in world.cycles:
            result = audit(History(records(session, cycle_id)))
            assert result.passed and result.figures > 0, result.findings
    done = run_cli(settings, "benchmark", "audit", str(world.cycles[-1]))
    assert done.returncode == 0, done.stderr
    assert "solver runs" in done.stdout and "No firm's value" in done.stdout
    assert run_cli(settings, "benchmark", "audit", "999999").returncode != 0
    made = run_cli(settings, "benchmark", "publish", str(world.cycles[-1]))
    assert made.returncode == 0 and "publication 2 made" in made.stdout, made.stderr
    with transaction(session_factory) as session:
        assert len(records(session, world.cycles[-1])) == 2


def test_a_publication_the_audit_refuses_is_not_made_and_the_supervisor_sees_why(
    client: TestClient, session_factory: sessionmaker[Session], world: World
) -> None:
    cycle_id = world.cycles[-1]
    sign_in(
        session_factory,
        client,
        new_organisation(session_factory, OrganisationKind.SUPERVISOR),
        Role.INSPECTOR,
    )
    before = figures_json(client, cycle_id)
    strict = replace(DEFAULT_RULES, score_width=4.0)  # stricter than what was published
    with transaction(session_factory) as session:
        result = publish(session, session.get_one(Cycle, cycle_id), "manual", strict)
        assert not result.made and result.audit.findings
        stored = session.scalars(
            select(BenchmarkPublication)
            .where(BenchmarkPublication.cycle_id == cycle_id)
            .order_by(BenchmarkPublication.number)
        ).all()
        assert [row.made for row in stored][-1] is False and stored[-1].findings
    assert figures_json(client, cycle_id) == before
    client.cookies.set("cd_lang", "en")
    page = client.get(f"/benchmark/industry?cycle={public(client, 'cycle', cycle_id)}").text
    assert "was not made" in page
    assert "the published figures would place" in page
    client.cookies.set("cd_lang", "ja")
    assert (
        "公表は行われませんでした"
        in client.get(f"/benchmark/industry?cycle={public(client, 'cycle', cycle_id)}").text
    )


def _number(value: str) -> str:
    return value.removeprefix(">=").removeprefix("<=")


def test_every_export_publishes_exactly_what_the_pages_publish(
    client: TestClient, session_factory: sessionmaker[Session], world: World
) -> None:
    cycle_id = world.cycles[-1]
    sign_in(
        session_factory,
        client,
        new_organisation(session_factory, OrganisationKind.SUPERVISOR),
        Role.INSPECTOR,
    )
    api = {(f["peer_group"], f["scope"], f["key"]): f for f in figures_json(client, cycle_id)}
    base = f"/benchmark/industry/{public(client, 'cycle', cycle_id)}"
    rows = list(csv.DictReader(io.StringIO(client.get(f"{base}.csv").text)))
    sheet = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").content))["benchmark"]
    header = [cell.value for cell in sheet[1]]
    book = [
        dict(zip(header, [cell.value for cell in row], strict=True)) for row in sheet.iter_rows(min_row=2)
    ]
    assert len(rows) == len(book) == len(api)
    for row, cells in zip(rows, book, strict=True):
        figure = api[(row["peer_group"], row["scope"], row["key"])]
        assert row["status"].startswith("published") == figure["published"]
        for name in ("p10", "p25", "median", "p75", "p90"):
            value = figure.get(name)
            coded = (figure.get("coded") or {}).get(name)
            if value is None:
                assert row[name] == "" and cells[name] in (None, "")
                continue
            assert float(_number(row[name])) == value and round(value, 1) == value  # no unrounded float
            if coded:
                assert row[name] == cells[name] == (">=" if coded == "at-least" else "<=") + f"{value:g}"
            else:
                assert cells[name] == value
        if figure["published"] and figure.get("gap_share") is not None:
            assert (
                float(_number(row["gap_share_percent"])) == figure["gap_share"]
                and figure["gap_share"] % 10 == 0
            )
    # The industry page and the industry PDF show the same medians (one decimal).
    client.cookies.set("cd_lang", "en")
    page = client.get(f"/benchmark/industry?cycle={public(client, 'cycle', cycle_id)}").text
    with transaction(session_factory) as session:
        pdf = industry_pdf(session, session.get_one(Cycle, cycle_id), "en")
    text = " ".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(pdf)).pages)
    for (group, scope, _key), figure in api.items():
        if scope in ("overall", "domain") and group == peer_groups.ALL and figure["published"]:
            shown = f"{figure['median']:.1f}"
            assert shown in page and shown in text
    assert "Why some cells show no number" in page


def test_a_filter_or_peer_group_chosen_to_make_a_group_small_shows_nothing_more(
    client: TestClient, session_factory: sessionmaker[Session], world: World
) -> None:
    """An exchange asks for every peer group, and the figures API with filters it does not offer:
    a group of fewer than 5 (or one isolating fewer than 5 against the others) carries no number,
    every number an exchange sees is one the analysts' /figures shows too, and no parameter makes
    a group smaller."""
    cycle_id = world.cycles[-1]
    analyst(session_factory, client)
    published = {(f["peer_group"], f["scope"], f["key"]): f for f in figures_json(client, cycle_id)}
    cycle = public(client, "cycle", cycle_id)
    narrowed = client.get(f"/api/v1/benchmark/figures?cycle={cycle}&group=custody:large&min_count=1&key=gv")
    assert narrowed.status_code == 200 and narrowed.json()["figures"] == list(published.values())
    sign_in(session_factory, client, world.organisations[0], Role.SECURITY_OFFICER)
    for group in peer_groups.all_groups():
        position = client.get(f"/api/v1/benchmark/position?cycle={cycle}&group={group}").json()
        for standing in position["standings"]:
            peers = standing["peers"]
            if peers is None:
                continue
            scope = "overall" if standing["key"] == "overall" else "domain"
            shown = published[(group, scope, standing["key"])]
            assert {k: v for k, v in shown.items() if k in peers} == peers
            if not peers["published"]:
                assert set(peers) == {"published", "reason"}  # no number at all
            else:
                assert peers["count"] >= 5
    assert (
        client.get(
            f"/api/v1/benchmark/position?cycle={public(client, 'cycle', cycle_id)}&group=custody:tiny"
        ).status_code
        == 422
    )


def test_how_many_new_submissions_make_a_publication_is_a_setting(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    """``CYBERDELTA_BENCHMARK_NEW_SUBMISSIONS`` (never fewer than k = 5) decides when the job
    publishes; five new submissions publish by default, not when seven are asked for."""
    with pytest.raises(ValidationError):
        Settings(benchmark_new_submissions=4)
    with transaction(session_factory) as session:
        cycle_id = populate(session, orgs=5, cycles=1).cycles[0]
        populate(session, orgs=10, cycles=1, recompute_benchmarks=False)  # five new submissions
        # Still open: a closed cycle publishes whatever is new (docs/benchmark.md, "Publications").
        schedule = session.scalars(select(CycleSchedule).where(CycleSchedule.cycle_id == cycle_id)).one()
        schedule.closes_on = date.today() + timedelta(days=30)
    seven = settings.model_copy(update={"benchmark_new_submissions": 7})
    jobs.run_recompute(seven.resolved_database_url, cycle_id, seven.benchmark_new_submissions)
    with session_factory() as session:
        assert len(records(session, cycle_id)) == 1  # only the first publication
    jobs.run_recompute(settings.resolved_database_url, cycle_id, settings.benchmark_new_submissions)
    with session_factory() as session:
        assert len(records(session, cycle_id)) == 2
