"""Schemathesis against the app's OpenAPI schema, authenticated with an API token: no server
errors, and every response (status, headers, body) conforms to the schema.

Schemathesis' pytest plugin does not load under pytest 9, so each operation's Hypothesis strategy
is driven directly (the same checks ``case.call_and_validate`` runs in the plugin).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.auth.tokens import PERSON_ONLY
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Permission
from tests.accounts_factories import make_api_token, make_organisation


@pytest.fixture
def api_token(session_factory: sessionmaker[Session]) -> str:
    """A token of an exchange holding every permission a token may hold (none that needs a person's
    passkey confirmation, no export for a token made from the command line)."""
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        make_api_token(session, exchange, [Permission.INTEL_READ])  # one more token to list
        allowed = [item for item in Permission if item not in PERSON_ONLY and item != Permission.DATA_EXPORT]
        return make_api_token(session, exchange, allowed)


def test_the_api_answers_every_request_as_its_schema_says(app: FastAPI, api_token: str) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 6
    headers = {"Authorization": f"Bearer {api_token}"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def conforms(case: Any) -> None:
            case.call_and_validate(headers=headers)

        conforms()
