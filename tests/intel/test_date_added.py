"""A reader's manifest, ``date_added`` values and ``next`` tokens reveal nothing of the objects it
may not see (issue 16, "Gaps in manifest date_added reveal how many invisible objects an envelope
held"): the values another member receives are the same whether the publisher's envelope also
held objects hidden from it or not."""

from __future__ import annotations

import itertools
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel.date_added import LANES, offsets
from cyberdelta.intel.timestamps import parse_us
from cyberdelta.intel.tlp import Tlp
from tests.intel.stix_factories import ROOT, Hub, envelope, indicator, make_hub, taxii_headers


def post(client: TestClient, hub: Hub, objects: list[dict[str, Any]]) -> None:
    answer = client.post(
        f"{ROOT}/collections/{hub.collection_id}/objects/",
        json=envelope(objects),
        headers=taxii_headers(hub.publisher),
    )
    assert answer.status_code == 202 and answer.json()["failure_count"] == 0, answer.text


def visible_envelope(client: TestClient, hub: Hub, hidden: int) -> list[str]:
    """Post GREEN, hidden, GREEN, hidden, GREEN (``hidden`` AMBER+STRICT objects in each gap); the ids
    of the GREEN ones, which exchange B sees."""
    shown = [indicator(f"198.51.100.{number}", tlp=Tlp.GREEN) for number in range(3)]
    secret = [indicator(f"203.0.113.{number}", tlp=Tlp.AMBER_STRICT) for number in range(2 * hidden)]
    post(client, hub, [shown[0], *secret[:hidden], shown[1], *secret[hidden:], shown[2]])
    return [item["id"] for item in shown]


def gaps(values: list[int]) -> list[int]:
    return [later - earlier for earlier, later in itertools.pairwise(values)]


def test_manifest_date_added_gaps_do_not_count_hidden_objects(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    without = visible_envelope(client, hub, hidden=0)
    with_hidden = visible_envelope(client, hub, hidden=5)
    manifest = client.get(
        f"{ROOT}/collections/{hub.collection_id}/manifest/", headers=taxii_headers(hub.other_exchange)
    ).json()["objects"]
    added = {entry["id"]: parse_us(entry["date_added"]) for entry in manifest}
    assert set(added) == {*without, *with_hidden}  # exchange B sees the GREEN objects only
    assert (
        gaps([added[item] for item in without]) == gaps([added[item] for item in with_hidden]) == [LANES] * 2
    )
    # The publisher sees all 13 objects, each with its own date_added.
    own = client.get(
        f"{ROOT}/collections/{hub.collection_id}/manifest/", headers=taxii_headers(hub.publisher)
    ).json()["objects"]
    assert len({entry["date_added"] for entry in own}) == len(own) == 16


def test_next_tokens_carry_no_row_numbers(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    """Paging one object at a time, exchange B's ``next`` tokens step alike across both envelopes."""
    hub = make_hub(session_factory)
    without = visible_envelope(client, hub, hidden=0)
    with_hidden = visible_envelope(client, hub, hidden=5)
    tokens: list[list[int]] = []
    seen: list[str] = []
    params = {"limit": "1"}
    while True:
        page = client.get(
            f"{ROOT}/collections/{hub.collection_id}/objects/",
            params=params,
            headers=taxii_headers(hub.other_exchange),
        ).json()
        seen.extend(item["id"] for item in page.get("objects", []))
        if not page["more"]:
            break
        tokens.append([int(part) for part in re.findall(r"\d+", page["next"])])
        params = {"limit": "1", "next": page["next"]}
    assert seen == [*without, *with_hidden]
    for position in range(len(tokens[0])):
        column = [token[position] for token in tokens]
        # Tokens 0-2 close pages in the envelope without hidden objects, 3-4 in the one with them.
        assert gaps(column[0:3])[0] == gaps(column[0:3])[1] == gaps(column[3:5])[0]


def test_each_audience_keeps_one_lane_and_the_stride_is_fixed() -> None:
    no_one, bank = "", ",7,"
    audiences = [
        (Tlp.GREEN, no_one),
        (Tlp.RED, bank),
        (Tlp.AMBER_STRICT, no_one),
        (Tlp.GREEN, bank),  # recipients change nothing for GREEN
        (Tlp.RED, bank),
        (Tlp.AMBER, no_one),
    ]
    assert offsets(audiences) == [1, 5, 3, 1 + LANES, 5 + LANES, 2]
    many = [(Tlp.RED, f",{number},") for number in range(20)]
    assert sorted(offsets(many)) == list(range(5, 25))  # 20 recipient lists: a stride of 25 lanes
    assert offsets([*many, *many])[20:] == [25 + value for value in offsets(many)]
