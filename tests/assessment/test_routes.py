"""Assessment pages over real HTTP (TestClient), both databases: save-as-you-go with conflicts,
bad input naming the field, roles, tenant isolation, Excel import, exports."""

from __future__ import annotations

from io import BytesIO

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment.models import Assessment, Response
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import Organisation, OrganisationKind
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_member, make_organisation, sign_in_client
from tests.assessment.helpers import answer_all
from tests.public_ids import public

HTMX = {"hx-request": "true"}


def member(
    factory: sessionmaker[Session], organisation: Organisation, role: Role, client: TestClient
) -> None:
    with transaction(factory) as session:
        user = make_member(session, session.merge(organisation), role)
    sign_in_client(client, user, organisation)


def stored(factory: sessionmaker[Session]) -> dict[str, tuple[int | None, int]]:
    with transaction(factory) as session:
        return {r.control_id: (r.maturity, r.version) for r in session.scalars(select(Response))}


def test_answers_save_as_you_go_and_a_stale_page_gets_a_clear_conflict(
    client: TestClient, session_factory: sessionmaker[Session], exchange: Organisation, assessment: Assessment
) -> None:
    member(session_factory, exchange, Role.SECURITY_OFFICER, client)
    url = f"/assessment/{public(client, 'assessment', assessment.id)}/responses/gv-1"
    first = client.post(url, data={"version": "0", "maturity": "3", "comment": "ok"}, headers=HTMX)
    assert first.status_code == 200 and 'id="version-gv-1" value="1"' in first.text
    assert "保存しました" in first.text and "<form" not in first.text
    second = client.post(url, data={"version": "1", "maturity": "4"}, headers=HTMX)
    assert second.status_code == 200
    stale = client.post(url, data={"version": "1", "maturity": "0"}, headers=HTMX)
    assert stale.status_code == 409
    assert "他の人" in stale.text and 'id="version-gv-1" value="2"' in stale.text
    assert 'id="c-gv-1" aria-labelledby="t-gv-1" hx-swap-oob="true"' in stale.text
    assert stored(session_factory) == {"gv-1": (4, 2)}
    page = client.get(f"/assessment/{public(client, 'assessment', assessment.id)}/domains/gv")
    assert page.status_code == 200 and "方針" in page.text and "全社的に定義・実施されている" in page.text


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"maturity": "7"}, "成熟度"),
        ({"maturity": "x"}, "成熟度"),
        ({"not_applicable": "true"}, "N/Aの理由"),
        ({"maturity": "2", "target_override": "5"}, "目標変更の理由"),
    ],
)
def test_bad_answers_are_rejected_with_field_and_reason_and_nothing_stored(
    client: TestClient,
    session_factory: sessionmaker[Session],
    exchange: Organisation,
    assessment: Assessment,
    data: dict[str, str],
    field: str,
) -> None:
    member(session_factory, exchange, Role.CONTRIBUTOR, client)
    answer = client.post(
        f"/assessment/{public(client, 'assessment', assessment.id)}/responses/gv-1",
        data={"version": "0", **data},
        headers=HTMX,
    )
    assert answer.status_code == 422 and field in answer.text
    assert stored(session_factory) == {}


def test_roles_and_tenants_decide_who_may_do_what(
    client: TestClient, session_factory: sessionmaker[Session], exchange: Organisation, assessment: Assessment
) -> None:
    member(session_factory, exchange, Role.VIEWER, client)
    assert client.get(f"/assessment/{public(client, 'assessment', assessment.id)}").status_code == 200
    assert (
        client.post(
            f"/assessment/{public(client, 'assessment', assessment.id)}/responses/gv-1", data={"version": "0"}
        ).status_code
        == 403
    )
    assert (
        client.post(f"/assessment/{public(client, 'assessment', assessment.id)}/sign-off").status_code == 403
    )
    with transaction(session_factory) as session:
        other = make_organisation(session, OrganisationKind.EXCHANGE)
        session.expunge(other)
    member(session_factory, other, Role.SECURITY_OFFICER, client)
    assert client.get(f"/assessment/{public(client, 'assessment', assessment.id)}").status_code == 404
    assert (
        client.post(
            f"/assessment/{public(client, 'assessment', assessment.id)}/responses/gv-1", data={"version": "0"}
        ).status_code
        == 404
    )
    assert (
        client.get(f"/assessment/{public(client, 'assessment', assessment.id)}/export.xlsx").status_code
        == 404
    )


def test_only_an_executive_approver_signs_off_and_only_when_complete(
    client: TestClient, session_factory: sessionmaker[Session], exchange: Organisation, assessment: Assessment
) -> None:
    member(session_factory, exchange, Role.SECURITY_OFFICER, client)
    answer_all(session_factory, assessment, {"gv-1": 3, "gv-2": 2})
    assert (
        client.post(
            f"/assessment/{public(client, 'assessment', assessment.id)}/transitions/request_review",
            follow_redirects=False,
        ).status_code
        == 303
    )
    assert (
        client.post(f"/assessment/{public(client, 'assessment', assessment.id)}/sign-off").status_code == 403
    )
    member(session_factory, exchange, Role.EXECUTIVE_APPROVER, client)
    incomplete = client.post(f"/assessment/{public(client, 'assessment', assessment.id)}/sign-off")
    assert incomplete.status_code == 409 and "cx-1" in incomplete.text
    answer_all(session_factory, assessment, {"cx-1": 1, "cx-2": None})
    assert (
        client.post(
            f"/assessment/{public(client, 'assessment', assessment.id)}/sign-off", follow_redirects=False
        ).status_code
        == 303
    )
    page = client.get(f"/assessment/{public(client, 'assessment', assessment.id)}")
    assert ("提出済み" in page.text and "承認者" not in page.text) or "署名" in page.text


def test_excel_import_over_http_is_all_or_nothing_with_every_problem_listed(
    client: TestClient, session_factory: sessionmaker[Session], exchange: Organisation, assessment: Assessment
) -> None:
    member(session_factory, exchange, Role.SECURITY_OFFICER, client)
    exported = client.get(f"/assessment/{public(client, 'assessment', assessment.id)}/export.xlsx")
    assert exported.status_code == 200
    assert exported.headers["content-disposition"].startswith("attachment")
    book = load_workbook(BytesIO(exported.content))
    book["GV"]["D3"], book["GV"]["D4"], book["CX"]["E3"], book["CX"]["D4"] = 2, 9, "N/A", 4
    buffer = BytesIO()
    book.save(buffer)
    files = {"file": ("filled.xlsx", buffer.getvalue())}
    rejected = client.post(f"/assessment/{public(client, 'assessment', assessment.id)}/import", files=files)
    assert rejected.status_code == 422
    assert "GV!D4" in rejected.text and "CX!F3" in rejected.text
    assert stored(session_factory) == {}
    book["GV"]["D4"], book["CX"]["F3"] = 5, "外部委託なし"
    buffer = BytesIO()
    book.save(buffer)
    accepted = client.post(
        f"/assessment/{public(client, 'assessment', assessment.id)}/import",
        files={"file": ("filled.xlsx", buffer.getvalue())},
    )
    assert accepted.status_code == 200
    assert {k: v[0] for k, v in stored(session_factory).items()} == {
        "gv-1": 2,
        "gv-2": 5,
        "cx-1": None,
        "cx-2": 4,
    }


def test_oscal_downloads_and_report_page(
    client: TestClient, session_factory: sessionmaker[Session], exchange: Organisation, assessment: Assessment
) -> None:
    member(session_factory, exchange, Role.SECURITY_OFFICER, client)
    answer_all(session_factory, assessment, {"gv-1": 1, "gv-2": 2, "cx-1": 4})
    results = client.get(
        f"/assessment/{public(client, 'assessment', assessment.id)}/oscal/assessment-results.json"
    )
    assert results.status_code == 200 and "assessment-results" in results.json()
    poam = client.get(f"/assessment/{public(client, 'assessment', assessment.id)}/oscal/poam.json")
    assert poam.json()["plan-of-action-and-milestones"]["poam-items"]
    page = client.get(f"/assessment/{public(client, 'assessment', assessment.id)}/report")
    assert page.status_code == 200 and 'id="radar-chart"' in page.text and "デルタ取引所" in page.text
    plan = client.get(
        f"/assessment/{public(client, 'assessment', assessment.id)}/plan?kind=baseline&sort=due"
    )
    assert plan.status_code == 200 and "GV-1" in plan.text


def test_starting_an_assessment_uses_the_builtin_catalog(
    client: TestClient, session_factory: sessionmaker[Session], exchange: Organisation
) -> None:
    member(session_factory, exchange, Role.SECURITY_OFFICER, client)
    started = client.post("/assessment/start", follow_redirects=False)
    assert started.status_code == 303
    page = client.get(started.headers["location"])
    assert page.status_code == 200 and "暗号資産特有" in page.text
    assert "の目標は" in page.text


def test_the_risk_profile_page_saves_and_rejects_bad_answers_naming_the_field(
    client: TestClient, session_factory: sessionmaker[Session], exchange: Organisation, assessment: Assessment
) -> None:
    member(session_factory, exchange, Role.SECURITY_OFFICER, client)
    page = client.get("/assessment/profile")
    assert page.status_code == 200 and "ホットウォレットで管理する資産の割合（%）" in page.text
    bad = client.post("/assessment/profile", data={"hot_wallet_percent": "150", "custody_band": "small"})
    assert bad.status_code == 422 and "ホットウォレットの割合" in bad.text and "100" in bad.text
    saved = client.post(
        "/assessment/profile",
        data={"hot_wallet_percent": "40", "custody_band": "large", "third_party_signing_software": "true"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    overview = client.get(f"/assessment/{public(client, 'assessment', assessment.id)}")
    assert "暗号資産特有の目標は5です" in overview.text and "40%をホットウォレットで管理" in overview.text


def test_a_save_without_its_version_is_refused(
    client: TestClient, session_factory: sessionmaker[Session], exchange: Organisation, assessment: Assessment
) -> None:
    member(session_factory, exchange, Role.SECURITY_OFFICER, client)
    answer = client.post(
        f"/assessment/{public(client, 'assessment', assessment.id)}/responses/gv-1",
        data={"maturity": "2"},
        headers=HTMX,
    )
    assert answer.status_code == 422 and "再読み込み" in answer.text
    assert stored(session_factory) == {}
