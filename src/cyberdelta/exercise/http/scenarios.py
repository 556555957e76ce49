"""The scenario library's pages (docs/exercise.md, "Scenario library"): the list with its upload
form, one version's phases, master event list and decision points, and its .xlsx download. All need
``exercise:organise`` (the supervisor's inspectors, the SRO's analysts): a blind scenario's injects
are not for the exchanges that will play it. The services check, store and audit; these handlers
only translate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from cyberdelta.exercise.document import CHANNELS
from cyberdelta.exercise.errors import ScenarioError
from cyberdelta.exercise.library import get_scenario_version, list_scenarios, scenario_of
from cyberdelta.exercise.scenarios import export_file, import_file
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep, SettingsDep
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal

pages = APIRouter(prefix="/exercise", include_in_schema=False)
Organiser = Annotated[Principal, Depends(require(Permission.EXERCISE_ORGANISE))]
Key = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{1,59}$")]
Version = Annotated[int, Path(ge=1, le=100_000)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _library(request: Request, session: SessionDep, problems: list[str], status: int = 200) -> HTMLResponse:
    return render(
        request,
        "exercise/scenarios.html",
        {"scenarios": list_scenarios(session), "problems": problems},
        status,
    )


@pages.get("/scenarios", response_class=HTMLResponse)
def scenarios_page(request: Request, session: SessionDep, principal: Organiser) -> HTMLResponse:
    return _library(request, session, [])


@pages.post("/scenarios/import", response_class=HTMLResponse)
def scenario_import(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Organiser,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """All or nothing: a refused file lists every problem by ``sheet!cell`` (or JSON path) and
    stores nothing. A plain ``def``: the workbook is parsed in the thread pool."""
    data = file.file.read(settings.max_upload_bytes + 1) if file is not None else b""
    if not data:
        return _library(
            request, session, [_("file: choose a master event list (.xlsx) or a scenario (.json)")], 422
        )
    if len(data) > settings.max_upload_bytes:
        problems = [_("file: the file is larger than %(max)s bytes", max=settings.max_upload_bytes)]
        return _library(request, session, problems, 422)
    try:
        name = (file.filename if file is not None else None) or "upload"
        version, _created = import_file(session, actor_of(request, principal), data, name)
    except ScenarioError as error:
        return _library(request, session, [str(problem) for problem in error.problems], 422)
    key = scenario_of(version).key
    return redirect_to(request, "exercise.scenario_page", key=key, version=version.version)


@pages.get("/scenarios/{key}/{version}", response_class=HTMLResponse)
def scenario_page(
    request: Request, session: SessionDep, principal: Organiser, key: Key, version: Version
) -> HTMLResponse:
    stored = get_scenario_version(session, key, version)
    scenario = scenario_of(stored)
    return render(
        request,
        "exercise/scenario.html",
        {"scenario": scenario, "stored": stored, "channels": CHANNELS},
    )


@pages.get("/scenarios/{key}/{version}/xlsx")
def scenario_xlsx(
    request: Request, session: SessionDep, principal: Organiser, key: Key, version: Version
) -> Response:
    """The version's master event list for the planners (audited: it holds the blind injects)."""
    content = export_file(session, actor_of(request, principal), f"{key}@{version}")
    return Response(
        content,
        media_type=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{key}-{version}.xlsx"',
            "X-Content-Type-Options": "nosniff",
        },
    )
