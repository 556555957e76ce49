"""A block by the signing guard offers a one-click report to the hub (docs/signing.md, "Reporting a
block to the hub"; issue #22 item 4): the Bybit delegatecall target becomes a sighting of the hub's
indicator for it (or a new indicator with a sighting), under the TLP chosen; only the organisation's
own blocked checks can be reported, and only by members who may publish to the hub."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel import service
from cyberdelta.intel.models import IntelObject
from cyberdelta.intel.tlp import TLP2_MARKING_IDS, Tlp
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.signing.models import SigningCheck
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_member, make_organisation, sign_in_client
from tests.public_ids import public
from tests.signing.safe_fixtures import BYBIT
from tests.signing.test_platform import COLD_SAFE, _register, _team

DELEGATE = "0x96221423681A6d52E184D440a8eFCEbB105C7242"  # the contract Bybit's Safe delegatecalled


def _blocked_check(client: TestClient, factory: sessionmaker[Session]) -> tuple[str, str, int]:
    """An exchange with the Bybit cold Safe, a feed, and the Bybit transaction checked (blocked):
    the result page, the collection id and the check's row id."""
    org, first, second, _contributor = _team(factory)
    wallet = _register(client, factory, org, first, second, COLD_SAFE)
    with transaction(factory) as session:
        feed = service.create_collection(session, title="Crypto threat feed", alias="crypto").id
    sign_in_client(client, first, org)
    page = client.post(
        "/signing/checks",
        data={
            "wallet_id": public(client, "signing_wallet", wallet),
            "kind": "safe",
            "transaction": json.dumps(BYBIT),
        },
        headers={"Accept-Language": "en"},
    )
    assert page.status_code == 200, page.text
    with factory() as session:
        check = session.scalars(select(SigningCheck.id).order_by(SigningCheck.id.desc())).first()
    assert check is not None
    return page.text, feed, check


def test_the_result_of_a_blocked_check_offers_the_report_and_it_publishes_a_sighting(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    page, feed, _check = _blocked_check(client, session_factory)
    assert "Report to the hub" in page
    action = re.search(r'action="(/signing/checks/[^"]+/report)"', page)
    assert action is not None
    assert f'name="address" value="{DELEGATE}"' in page
    answer = client.post(
        action.group(1),
        data={"code": "SAFE_DELEGATECALL_UNTRUSTED", "address": DELEGATE, "collection": feed, "tlp": "amber"},
        headers={"x-request-id": "report-block"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    with session_factory() as session:
        rows = {row.stix_type: row for row in session.scalars(select(IntelObject))}
        entries = {
            e.action: e
            for e in session.scalars(select(AuditEntry).where(AuditEntry.request_id == "report-block"))
        }
    assert {"indicator", "sighting", "x-crypto-wallet-address"} <= set(rows)
    indicator = json.loads(rows["indicator"].body)
    assert indicator["pattern"] == (
        "[x-crypto-wallet-address:chain = 'ethereum'"
        f" AND x-crypto-wallet-address:address = '{DELEGATE.lower()}']"
    )
    sighting = json.loads(rows["sighting"].body)
    assert (sighting["sighting_of_ref"], sighting["x_cyberdelta_seen_in"]) == (
        indicator["id"],
        "signing-block",
    )
    assert sighting["object_marking_refs"] == [TLP2_MARKING_IDS[Tlp.AMBER]]
    assert set(entries) == {"intel.publish", "intel.sighting_reported"}
    assert entries["intel.sighting_reported"].details["origin"] == "signing"
    assert entries["intel.sighting_reported"].details["known"] is False


def test_a_block_the_hub_already_knows_becomes_a_sighting_of_its_indicator(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _page, feed, check = _blocked_check(client, session_factory)
    with transaction(session_factory) as session:
        isac = make_organisation(session, OrganisationKind.ISAC)
        analyst = make_member(session, isac, Role.ANALYST)
        session.expunge_all()
    holder = TestClient(client.app)
    sign_in_client(holder, analyst, isac)
    known = holder.post(
        "/intel/report",
        data={"kind": "address", "chain": "ethereum", "value": DELEGATE, "tlp": "green", "collection": feed},
        follow_redirects=False,
    )
    assert known.status_code == 303
    path = f"/signing/checks/{public(client, 'signing_check', check)}/report"
    answer = client.post(
        path,
        data={"code": "SAFE_DELEGATECALL_UNTRUSTED", "address": DELEGATE, "collection": feed, "tlp": "green"},
        follow_redirects=False,
    )
    assert "sighted=1" in answer.headers["location"]
    with session_factory() as session:
        indicators = session.scalars(select(IntelObject).where(IntelObject.stix_type == "indicator")).all()
        [sighting] = session.scalars(select(IntelObject).where(IntelObject.stix_type == "sighting")).all()
    assert len(indicators) == 1
    assert sighting.sighting_of_ref == indicators[0].stix_id


def test_only_the_organisations_own_recorded_block_can_be_reported(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _page, feed, check = _blocked_check(client, session_factory)
    path = f"/signing/checks/{public(client, 'signing_check', check)}/report"
    fields = {"address": DELEGATE, "collection": feed, "tlp": "amber"}
    not_recorded = client.post(
        path, data=fields | {"code": "DESTINATION_SCREENED"}, headers={"Accept-Language": "en"}
    )
    assert not_recorded.status_code == 422
    assert "this check recorded no such block" in not_recorded.text
    with transaction(session_factory) as session:
        other = make_organisation(session, OrganisationKind.EXCHANGE)
        stranger = make_member(session, other, Role.SECURITY_OFFICER)
        contributor = make_member(session, other, Role.CONTRIBUTOR)
        session.expunge_all()
    sign_in_client(client, stranger, other)
    assert client.post(path, data=fields | {"code": "SAFE_DELEGATECALL_UNTRUSTED"}).status_code == 404
    sign_in_client(client, contributor, other)
    assert client.post(path, data=fields | {"code": "SAFE_DELEGATECALL_UNTRUSTED"}).status_code == 403
    with session_factory() as session:
        assert session.scalars(select(IntelObject)).all() == []


def test_a_member_who_may_not_publish_sees_no_report_button(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, second, contributor = _team(session_factory)
    wallet = _register(client, session_factory, org, first, second, COLD_SAFE)
    with transaction(session_factory) as session:
        service.create_collection(session, title="Crypto threat feed")
    sign_in_client(client, contributor, org)
    page = client.post(
        "/signing/checks",
        data={
            "wallet_id": public(client, "signing_wallet", wallet),
            "kind": "safe",
            "transaction": json.dumps(BYBIT),
        },
    )
    assert page.status_code == 200
    assert "BLOCK" in page.text
    assert "/report" not in page.text
