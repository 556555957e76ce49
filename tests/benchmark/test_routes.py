"""Who sees what over real HTTP, against the demo population (issue #6 "Privacy rules"):

* every page and API response an exchange user can reach names no other exchange and shows no
  other exchange's individual value;
* SRO and ISAC analysts see aggregates only (never one submission, never a firm's name);
* the exports hold the same aggregates, with suppressed cells marked and empty.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment.models import Assessment, Cycle
from cyberdelta.benchmark import peer_groups
from cyberdelta.benchmark.models import BenchmarkPosition
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import Organisation, OrganisationKind
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_member, make_organisation, sign_in_client
from tests.benchmark.conftest import World
from tests.public_ids import public


def sign_in(factory: sessionmaker[Session], client: TestClient, organisation_id: int, role: Role) -> None:
    with transaction(factory) as session:
        organisation = session.get(Organisation, organisation_id)
        assert organisation is not None
        user = make_member(session, organisation, role)
        session.expunge_all()
    sign_in_client(client, user, organisation)


def new_organisation(factory: sessionmaker[Session], kind: OrganisationKind) -> int:
    with transaction(factory) as session:
        return make_organisation(session, kind).id


def exchange_pages(client: TestClient, world: World) -> list[str]:
    urls = ["/benchmark", "/cycles", "/assessment", "/api/v1/benchmark/position"]
    for cycle in world.cycles:
        for group in peer_groups.all_groups():
            urls.append(f"/benchmark?cycle={public(client, 'cycle', cycle)}&group={group}")
            urls.append(f"/api/v1/benchmark/position?cycle={public(client, 'cycle', cycle)}&group={group}")
    return urls


def test_an_exchange_sees_nothing_of_any_other_exchange(
    client: TestClient, session_factory: sessionmaker[Session], world: World
) -> None:
    me = world.organisations[0]
    with transaction(session_factory) as session:
        others = session.scalars(
            select(Organisation).where(Organisation.id.in_(world.organisations[1:]))
        ).all()
        forbidden_words = [word for org in others for word in (org.name_ja, org.name_en, org.slug)]
        their_values: set[str] = set()
        mine: set[str] = set()
        for row in session.scalars(select(BenchmarkPosition)):
            scores = {repr(pair[0]) for keys in row.ranks.values() for pair in keys.values()}
            (mine if row.organisation_id == me else their_values).update(scores)
        their_assessments = session.scalars(
            select(Assessment.id).where(Assessment.organisation_id != me)
        ).all()
    sign_in(session_factory, client, me, Role.SECURITY_OFFICER)
    for url in exchange_pages(client, world):
        response = client.get(url)
        assert response.status_code == 200, url
        for word in forbidden_words:
            assert word not in response.text, (url, word)
        if url.startswith("/api/"):
            # Whole maturities (0–5) are everybody's answers; a computed score is distinctive.
            numbers = {repr(value) for value in _floats(response.json()) if not value.is_integer()}
            assert not (numbers & (their_values - mine)), (url, numbers & (their_values - mine))
            assert "organisation" not in response.text
    bad_group = client.get("/api/v1/benchmark/position?group=nonsense")
    assert bad_group.status_code == 422 and "group" in bad_group.text
    assert client.get("/benchmark/industry").status_code == 403
    assert (
        client.get(f"/benchmark/industry/{public(client, 'cycle', world.cycles[0])}.csv").status_code == 403
    )
    assert client.get("/api/v1/benchmark/figures").status_code == 403
    for assessment_id in their_assessments[:3]:
        assert (
            client.get(f"/supervision/assessments/{public(client, 'assessment', assessment_id)}").status_code
            == 403
        )
        assert client.get(f"/assessment/{public(client, 'assessment', assessment_id)}").status_code == 404


AGGREGATES = {"peers", "p25", "median", "peer_median_change"}


def _floats(value: object) -> list[float]:
    """The response's per-firm numbers (published aggregates left out: a type-7 percentile may
    coincide with some firm's value without telling whose it is)."""
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for key, item in value.items() if key not in AGGREGATES for f in _floats(item)]
    if isinstance(value, list):
        return [f for item in value for f in _floats(item)]
    return []


@pytest.mark.parametrize("kind", [OrganisationKind.SRO, OrganisationKind.ISAC])
def test_analysts_see_aggregates_only(
    client: TestClient, session_factory: sessionmaker[Session], world: World, kind: OrganisationKind
) -> None:
    with transaction(session_factory) as session:
        names = [
            o.name_en
            for o in session.scalars(select(Organisation).where(Organisation.id.in_(world.organisations)))
        ]
        some_assessment = session.scalars(select(Assessment.id)).first()
    sign_in(session_factory, client, new_organisation(session_factory, kind), Role.ANALYST)
    page = client.get(f"/benchmark/industry?cycle={public(client, 'cycle', world.cycles[-1])}")
    assert page.status_code == 200
    assert "Demo Exchange" not in page.text and "デモ取引所" not in page.text
    assert "ピア数不足" in page.text  # a suppressed cell is shown as such ("not enough peers")
    with transaction(session_factory) as session:
        first = session.get_one(Cycle, world.cycles[0]).name
    assert f"変化はサイクル「{first}」との比較です。" in page.text
    assert (
        "以前のサイクルと比較していません"
        in client.get(f"/benchmark/industry?cycle={public(client, 'cycle', world.cycles[0])}").text
    )
    figures = client.get(
        f"/api/v1/benchmark/figures?cycle={public(client, 'cycle', world.cycles[-1])}"
    ).json()["figures"]
    allowed = {
        "peer_group",
        "scope",
        "key",
        "published",
        "reason",
        "count",
        "p10",
        "p25",
        "median",
        "p75",
        "p90",
    }
    assert figures and all(set(f) <= allowed | {"gap_share", "coded", "carried_from"} for f in figures)
    assert not any(name in json.dumps(figures) for name in names)
    assert (
        client.get(f"/supervision/assessments/{public(client, 'assessment', some_assessment)}").status_code
        == 403
    )
    assert client.get("/supervision/cycles").status_code == 403
    assert client.get("/benchmark").status_code == 404  # no position of its own


def test_exports_hold_the_aggregates_with_suppressed_cells_marked(
    client: TestClient, session_factory: sessionmaker[Session], world: World
) -> None:
    sign_in(
        session_factory,
        client,
        new_organisation(session_factory, OrganisationKind.SUPERVISOR),
        Role.INSPECTOR,
    )
    cycle = world.cycles[-1]
    text = client.get(f"/benchmark/industry/{public(client, 'cycle', cycle)}.csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    overall = next(r for r in rows if r["peer_group"] == "all" and r["scope"] == "overall")
    assert overall["status"] == "published" and overall["count"] == "12"
    hidden = [r for r in rows if r["status"].startswith("suppressed")]
    assert hidden and all(r["median"] == "" and r["count"] == "" for r in hidden)
    book = load_workbook(
        io.BytesIO(client.get(f"/benchmark/industry/{public(client, 'cycle', cycle)}.xlsx").content)
    )
    sheet = book["benchmark"]
    assert sheet.max_row == len(rows) + 1
    assert [cell.value for cell in sheet[1]][:5] == ["cycle", "peer_group", "scope", "key", "status"]
    assert client.get("/benchmark/industry/999999.csv").status_code == 404
    assert client.get("/benchmark").status_code == 404  # the supervisor has no position of its own
    assert client.get("/api/v1/benchmark/figures?cycle=abc").status_code == 422


def test_the_choice_of_cycle_names_cycles_by_public_id(
    client: TestClient, session_factory: sessionmaker[Session], world: World
) -> None:
    """The cycle chooser is a GET form: its values end up in the URL, so they are public ids
    (docs/architecture.md, "Public ids"); a row id there is refused, and so is a public id of
    another kind of object."""
    sign_in(session_factory, client, world.organisations[0], Role.SECURITY_OFFICER)
    page = client.get("/benchmark").text
    for cycle in world.cycles:
        assert f'<option value="{public(client, "cycle", cycle)}"' in page
        assert f'<option value="{cycle}"' not in page
    chosen = client.get(f"/benchmark?cycle={public(client, 'cycle', world.cycles[0])}")
    assert chosen.status_code == 200
    assert client.get(f"/api/v1/benchmark/position?cycle={world.cycles[0]}").status_code == 422
    other_kind = client.get(
        f"/api/v1/benchmark/position?cycle={public(client, 'assessment', world.cycles[0])}"
    )
    assert other_kind.status_code == 404 and other_kind.json()["detail"].startswith("cycle:")
