"""The scenario library's pages through the real app (docs/exercise.md, "Scenario library"): the
supervisor's inspector and the SRO's analyst organise; an exchange — which will play the blind
injects — gets 403; a refused upload lists every ``sheet!cell`` and stores nothing."""

from __future__ import annotations

from io import BytesIO

from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_member, make_organisation, sign_in_client
from tests.exercise.helpers import BUILTIN_KEY, builtin_workbook, edited, prepared, version_count

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sign_in(client: TestClient, factory: sessionmaker[Session], kind: OrganisationKind, role: Role) -> None:
    with transaction(factory) as session:
        organisation = make_organisation(session, kind)
        user = make_member(session, organisation, role)
    sign_in_client(client, user, organisation)


def test_the_organiser_browses_downloads_and_imports(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    prepared(session_factory)
    _sign_in(client, session_factory, OrganisationKind.SRO, Role.ANALYST)
    library = client.get("/exercise/scenarios", headers={"accept-language": "ja"})
    assert library.status_code == 200
    assert "改ざんされた署名画面と偽リクルーターによる暗号資産流出" in library.text
    page = client.get(f"/exercise/scenarios/{BUILTIN_KEY}/1")
    assert page.status_code == 200
    assert "出金を停止するか" in page.text and "D+0 H+4 M+0" in page.text
    download = client.get(f"/exercise/scenarios/{BUILTIN_KEY}/1/xlsx")
    assert download.status_code == 200
    assert download.headers["content-type"] == XLSX
    assert load_workbook(BytesIO(download.content))["MEL"]["A1"].value == "Order"

    def retitle(book: Workbook) -> None:
        book["Scenario"]["B3"] = "Outflow exercise 2027"

    files = {"file": ("mel.xlsx", edited(download.content, retitle), XLSX)}
    imported = client.post("/exercise/scenarios/import", files=files, follow_redirects=False)
    assert imported.status_code == 303
    assert imported.headers["location"] == f"/exercise/scenarios/{BUILTIN_KEY}/2"
    assert (
        "Outflow exercise 2027"
        in client.get(imported.headers["location"], headers={"accept-language": "en"}).text
    )
    assert client.get(f"/exercise/scenarios/{BUILTIN_KEY}/3").status_code == 404


def test_a_refused_upload_lists_every_cell_and_stores_nothing(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    prepared(session_factory)
    _sign_in(client, session_factory, OrganisationKind.SUPERVISOR, Role.INSPECTOR)

    def spoil(book: Workbook) -> None:
        book["MEL"]["F3"] = "H+2"
        book["Options"]["A2"] = "resign"

    files = {"file": ("mel.xlsx", edited(builtin_workbook(session_factory), spoil), XLSX)}
    refused = client.post("/exercise/scenarios/import", files=files, headers={"accept-language": "en"})
    assert refused.status_code == 422
    assert "MEL!F3: write the exercise time as D+day H+hour M+minute" in refused.text
    assert "Options!A2: unknown decision point resign" in refused.text
    assert "Nothing was stored." in refused.text
    empty = client.post("/exercise/scenarios/import", files={"file": ("x.xlsx", b"", XLSX)})
    assert empty.status_code == 422
    assert version_count(session_factory) == 1


def test_exchanges_do_not_see_the_library(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    prepared(session_factory)
    _sign_in(client, session_factory, OrganisationKind.EXCHANGE, Role.SECURITY_OFFICER)
    assert client.get("/exercise/scenarios").status_code == 403
    assert client.get(f"/exercise/scenarios/{BUILTIN_KEY}/1").status_code == 403
    assert client.get(f"/exercise/scenarios/{BUILTIN_KEY}/1/xlsx").status_code == 403
