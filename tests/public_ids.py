"""The public id of a row as the app under test writes it in URLs (docs/architecture.md, "Public ids").

Tests that build a URL by hand use it instead of the row id:
``f"/assessment/{public(client, 'assessment', assessment.id)}"``. It asks the app's own codec (or,
for a server in another process, one built from the same settings), so it follows the app's secret.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from cyberdelta.platform.public_ids import PublicIds, public_ids_for
from cyberdelta.platform.settings import Settings
from cyberdelta.platform.web.public_ids import KINDS
from tests.accounts_factories import LIVE_APPS

Target = FastAPI | TestClient | str | Settings


def _codec(target: Target) -> PublicIds:
    if isinstance(target, Settings):  # a server in another process, started with these settings
        return public_ids_for(target.resolved_secret_key())
    if isinstance(target, str):  # the URL of a live server
        target = LIVE_APPS[target]
    if isinstance(target, TestClient):
        app = target.app
        assert isinstance(app, FastAPI)
        target = app
    codec: PublicIds = target.state.public_ids
    return codec


def public(target: Target, kind: str, row_id: int | None) -> str:
    """The public id of row ``row_id`` of ``kind`` (``"assessment"``, ``"cycle"``, …) in ``target``'s URLs."""
    assert row_id is not None, f"no {kind} row to name"
    assert kind in KINDS.values(), f"{kind!r} is not a kind of public id: {sorted(KINDS.values())}"
    return _codec(target).encode(kind, row_id)


def row_of(target: Target, kind: str, public_id: str) -> int:
    """The row id that ``public_id`` (read from a URL the app gave, e.g. a redirect) stands for."""
    found = _codec(target).decode(kind, public_id)
    assert found is not None, f"{public_id!r} is no public id of a {kind}"
    return found
