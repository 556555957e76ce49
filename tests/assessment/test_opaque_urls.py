"""No row id in the URLs of the assessment pages (docs/architecture.md, "Public ids"; OWASP ASVS 5.0
V8): links, forms, htmx requests and redirects name the assessment, its evidence and its plan items
by public id, and a row id in their place answers 404."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment.models import Assessment, Evidence, ImprovementItem
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import Organisation
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_member, sign_in_client
from tests.public_ids import public

URL_ATTRIBUTES = re.compile(r'(?:href|action|hx-get|hx-post|src)="([^"]*)"')


def _paths(html: str) -> set[str]:
    return {urlsplit(url).path for url in URL_ATTRIBUTES.findall(html) if url.startswith("/")}


def _numeric_segments(path: str) -> list[str]:
    return [segment for segment in path.split("/") if segment.isdigit()]


def test_assessment_pages_and_redirects_name_objects_by_public_id_only(
    client: TestClient, session_factory: sessionmaker[Session], exchange: Organisation
) -> None:
    with transaction(session_factory) as session:
        officer = make_member(session, session.merge(exchange), Role.SECURITY_OFFICER)
    sign_in_client(client, officer, exchange)

    started = client.post("/assessment/start", follow_redirects=False)
    assert started.status_code == 303
    workspace = started.headers["location"]
    with transaction(session_factory) as session:
        assessment = session.scalars(
            select(Assessment).where(Assessment.organisation_id == exchange.id)
        ).one()
        row_id = assessment.id
    assert workspace == f"/assessment/{public(client, 'assessment', row_id)}"

    redirects = [workspace]
    added = client.post(
        f"{workspace}/evidence",
        data={"title": "方針", "url": "https://wiki.example.jp/policy", "control_id": ""},
        follow_redirects=False,
    )
    assert added.status_code == 303
    redirects.append(added.headers["location"])
    overview = client.get(workspace).text
    domain_page = next(p for p in _paths(overview) if "/domains/" in p)
    control = re.search(r'/responses/([^"/]+)"', client.get(domain_page).text)
    assert control is not None
    answered = client.post(
        f"{workspace}/responses/{control.group(1)}",
        data={"version": "0", "maturity": "1"},
        follow_redirects=False,
    )
    assert answered.status_code == 303
    redirects.append(answered.headers["location"])
    anchored = client.get(f"{workspace}/controls/{control.group(1)}", follow_redirects=False)
    redirects.append(anchored.headers["location"])

    pages = [workspace, domain_page, f"{workspace}/evidence", f"{workspace}/plan", f"{workspace}/report"]
    served = {page: client.get(page) for page in ["/assessment", *pages]}
    assert all(answer.status_code == 200 for answer in served.values()), {
        page: answer.status_code for page, answer in served.items()
    }
    paths = set().union(*(_paths(answer.text) for answer in served.values())) | set(redirects)
    with transaction(session_factory) as session:
        evidence_ids = list(session.scalars(select(Evidence.id)))
        item_ids = list(session.scalars(select(ImprovementItem.id)))
    assert evidence_ids and item_ids
    item = public(client, "plan_item", item_ids[0])
    with transaction(session_factory) as session:
        version = session.get_one(ImprovementItem, item_ids[0]).version
    updated = client.post(
        f"{workspace}/plan/{item}",
        data={"version": str(version), "status": "in_progress", "owner": "CISO", "due_date": "2027-03-31"},
        follow_redirects=False,
    )
    assert updated.status_code == 303 and updated.headers["location"].endswith(f"/plan#item-{item}")
    assert f'id="item-{item}"' in served[f"{workspace}/plan"].text
    # The pages do link the objects, by public id …
    assert any(public(client, "plan_item", item) in p for p in paths for item in item_ids)
    assert any(f"/assessment/{public(client, 'assessment', row_id)}/" in p for p in paths)
    # … and no path anywhere on them has a segment that is a number.
    numbered = {path: _numeric_segments(path) for path in paths if _numeric_segments(path)}
    assert not numbered, numbered

    assert client.get(f"/assessment/{row_id}").status_code == 404
    assert client.get(f"/assessment/{row_id}/evidence").status_code == 404
    assert client.get(f"/assessment/{public(client, 'assessment', row_id)}").status_code == 200
    # A well-formed public id of a row id no table can hold (32-bit keys on PostgreSQL) is no row.
    assert client.get(f"/assessment/{public(client, 'assessment', 2**40)}").status_code == 404
    # A public id of another kind of object names no assessment.
    assert client.get(f"/assessment/{public(client, 'evidence', evidence_ids[0])}").status_code == 404
    assert "ページが見つかりません。" in client.get(f"/assessment/{row_id}").text  # the language in force
