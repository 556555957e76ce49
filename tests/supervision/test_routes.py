"""One cycle over real HTTP (both databases): the supervisor opens it, exchanges submit, one is
returned with a comment per control and resubmits, all are accepted, and the acceptance's
background job recomputes the benchmarks that each exchange then sees."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment import transitions
from cyberdelta.assessment.models import Assessment, Cycle
from cyberdelta.benchmark.models import BenchmarkFigure
from cyberdelta.catalog.service import ensure_builtin_catalog
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import Organisation, OrganisationKind
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_member, make_organisation, sign_in_client
from tests.public_ids import public, row_of
from tests.supervision.conftest import World
from tests.supervision.helpers import submit


def supervisor(factory: sessionmaker[Session], client: TestClient) -> None:
    with transaction(factory) as session:
        organisation = make_organisation(session, OrganisationKind.SUPERVISOR, name_en="Demo Supervisor")
        user = make_member(session, organisation, Role.INSPECTOR)
        session.expunge_all()
    sign_in_client(client, user, organisation)


def exchange_client(app: object, factory: sessionmaker[Session], organisation_id: int) -> TestClient:
    client = TestClient(app, base_url="http://testserver")  # type: ignore[arg-type]
    with transaction(factory) as session:
        organisation = session.get(Organisation, organisation_id)
        assert organisation is not None
        user = make_member(session, organisation, Role.SECURITY_OFFICER)
        session.expunge_all()
    sign_in_client(client, user, organisation)
    return client


def test_one_cycle_from_opening_to_accepted_benchmarks(
    client: TestClient, session_factory: sessionmaker[Session], world: World
) -> None:
    participants = world.organisations[:6]
    supervisor(session_factory, client)
    with transaction(session_factory) as session:
        version_id = ensure_builtin_catalog(session).id
    form = {
        "name": "2027",
        "opens_on": "2027-04-01",
        "catalog_version_id": version_id,
        "participants": participants,
    }
    bad = client.post("/supervision/cycles", data=form | {"closes_on": "soon"})
    assert bad.status_code == 422 and "closes_on" in bad.text
    opened = client.post(
        "/supervision/cycles",
        data={"name": "2027", "opens_on": "2027-04-01", "closes_on": "2027-06-30",
              "catalog_version_id": version_id, "participants": participants},
        follow_redirects=False,
    )  # fmt: skip
    assert opened.status_code == 303
    cycle_id = row_of(client, "cycle", opened.headers["location"].rsplit("/", 1)[1])

    firm = exchange_client(client.app, session_factory, participants[0])
    assert "2027" in firm.get("/cycles").text
    started = firm.post(f"/cycles/{public(client, 'cycle', cycle_id)}/start", follow_redirects=False)
    assert started.status_code == 303
    outsider = exchange_client(client.app, session_factory, world.organisations[8])
    assert "2027" not in outsider.get("/cycles").text
    assert outsider.post(f"/cycles/{public(client, 'cycle', cycle_id)}/start").status_code == 404
    ids = {
        org: submit(session_factory, org, cycle_id, 1 + index % 4) for index, org in enumerate(participants)
    }
    dashboard = client.get(f"/supervision/cycles/{public(client, 'cycle', cycle_id)}")
    assert dashboard.status_code == 200 and dashboard.text.count("state-submitted") >= 6

    returned_id = ids[participants[0]]
    page = client.get(f"/supervision/assessments/{public(client, 'assessment', returned_id)}")
    assert page.status_code == 200 and 'name="control:gv-1.1"' in page.text
    empty = client.post(
        f"/supervision/assessments/{public(client, 'assessment', returned_id)}/review",
        data={"action": "return"},
    )
    assert empty.status_code == 422 and "comment" in empty.text
    back = client.post(
        f"/supervision/assessments/{public(client, 'assessment', returned_id)}/review",
        data={"action": "return", "control:gv-1.1": "Attach the approved policy."},
        follow_redirects=False,
    )
    assert back.status_code == 303
    assert "Attach the approved policy." in firm.get("/cycles").text
    with transaction(session_factory) as session:
        old = session.get(Assessment, returned_id)
        assert old is not None and old.state == "returned"
        fresh = transitions.reopen(session, old, actor=Actor.console())
        assert fresh.revision == 2
    ids[participants[0]] = submit(session_factory, participants[0], cycle_id, 2)

    for assessment_id in ids.values():
        accepted = client.post(
            f"/supervision/assessments/{public(client, 'assessment', assessment_id)}/review",
            data={"action": "accept"},
        )
        assert accepted.status_code == 200
    again = client.post(
        f"/supervision/assessments/{public(client, 'assessment', ids[participants[1]])}/review",
        data={"action": "accept"},
    )
    assert again.status_code == 409

    with transaction(session_factory) as session:
        cycle = session.get(Cycle, cycle_id)
        assert cycle is not None
        overall = session.scalar(
            select(BenchmarkFigure).where(
                BenchmarkFigure.cycle_id == cycle_id,
                BenchmarkFigure.scope == "overall",
                BenchmarkFigure.peer_group == "all",
            )
        )
        assert overall is not None and overall.published and overall.count == 6
        reads = session.scalars(
            select(AuditEntry.object_id).where(AuditEntry.action == "assessment.read_by_supervisor")
        )
        assert list(reads) == [str(returned_id)]
    position = firm.get(f"/api/v1/benchmark/position?cycle={public(client, 'cycle', cycle_id)}").json()
    assert position["included"] and position["standings"][0]["peers"]["count"] == 6
    assert position["standings"][0]["percentile_band"] == [0, 100]  # 6 firms: one band (docs/benchmark.md)
    assert "2027" in firm.get(f"/benchmark?cycle={public(client, 'cycle', cycle_id)}").text


def test_the_supervisor_chooses_the_cycle_to_compare_with_on_the_form(
    client: TestClient, session_factory: sessionmaker[Session], world: World
) -> None:
    supervisor(session_factory, client)
    client.cookies.set("cd_lang", "en")
    with transaction(session_factory) as session:
        version_id = ensure_builtin_catalog(session).id
        latest = session.get(Cycle, world.cycles[-1])
        assert latest is not None
    page = client.get("/supervision/cycles").text
    assert f'<option value="{latest.id}" selected>{latest.name}</option>' in page
    form = {"opens_on": "2027-04-01", "closes_on": "2027-06-30", "catalog_version_id": version_id,
            "participants": world.organisations[:5]}  # fmt: skip
    bad = client.post("/supervision/cycles", data=form | {"name": "odd", "previous_cycle_id": "last year"})
    assert bad.status_code == 422 and "previous_cycle_id" in bad.text
    opened = {}
    for name, choice in (("Thematic", "none"), ("2027", str(world.cycles[0])), ("2028", "")):
        answer = client.post(
            "/supervision/cycles",
            data=form | {"name": name, "previous_cycle_id": choice},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        opened[name] = row_of(client, "cycle", answer.headers["location"].rsplit("/", 1)[1])
    with transaction(session_factory) as session:
        stored = {name: session.get(Cycle, cycle_id) for name, cycle_id in opened.items()}
        assert session.query(Cycle).filter(Cycle.name == "odd").count() == 0
    assert {name: cycle.previous_cycle_id for name, cycle in stored.items() if cycle} == {
        "Thematic": None,
        "2027": world.cycles[0],
        "2028": opened["2027"],  # empty: the latest cycle
    }
    listing = client.get("/supervision/cycles").text
    assert "<td>Thematic</td>" in listing
