"""An Excel upload is bounded before it is parsed (OWASP ASVS 5.0 V5 "File handling"): a workbook
that would expand to a million cells is refused at once with the limit named, nothing is stored,
and the import runs off the event loop so that other requests are served meanwhile."""

from __future__ import annotations

import inspect
from io import BytesIO

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment.models import Assessment
from cyberdelta.tenancy.models import Organisation
from cyberdelta.tenancy.permissions import Role
from tests.assessment.test_routes import member, stored
from tests.public_ids import public


def _million_cells() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in range(1, 1001):
        sheet.append([row] * 1000)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_of_a_million_cells_is_refused_naming_the_limit_and_nothing_is_stored(
    client: TestClient, session_factory: sessionmaker[Session], exchange: Organisation, assessment: Assessment
) -> None:
    member(session_factory, exchange, Role.SECURITY_OFFICER, client)
    client.cookies.set("cd_lang", "en")
    answer = client.post(
        f"/assessment/{public(client, 'assessment', assessment.id)}/import",
        files={"file": ("huge.xlsx", _million_cells())},
    )
    assert answer.status_code == 422
    # The uncompressed size is over the limit: the message names it (20 MiB).
    assert "20 MiB" in answer.text
    assert stored(session_factory) == {}


def test_an_exported_workbook_still_passes_the_limits(
    client: TestClient, session_factory: sessionmaker[Session], exchange: Organisation, assessment: Assessment
) -> None:
    member(session_factory, exchange, Role.SECURITY_OFFICER, client)
    exported = client.get(f"/assessment/{public(client, 'assessment', assessment.id)}/export.xlsx")
    book = load_workbook(BytesIO(exported.content))
    book["GV"]["D3"] = 2
    buffer = BytesIO()
    book.save(buffer)
    answer = client.post(
        f"/assessment/{public(client, 'assessment', assessment.id)}/import",
        files={"file": ("f.xlsx", buffer.getvalue())},
    )
    assert answer.status_code == 200
    assert stored(session_factory)["gv-1"][0] == 2


def test_the_import_route_runs_in_the_thread_pool_not_on_the_event_loop(app: FastAPI) -> None:
    """FastAPI runs a plain ``def`` endpoint in its thread pool; an ``async def`` one that parses a
    workbook would block every other request until it finished."""
    path = "/assessment/{assessment_id}/import"
    routes = [
        context.original_route
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute) and str(context.path) == path
    ]
    assert routes
    assert not inspect.iscoroutinefunction(routes[0].endpoint)
