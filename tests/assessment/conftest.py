"""Fixtures of the assessment tests: a small two-domain catalog, an exchange, its draft assessment."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment import service
from cyberdelta.assessment.models import Assessment
from cyberdelta.catalog.service import import_catalog
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import Organisation, OrganisationKind
from tests.accounts_factories import make_organisation
from tests.factories import NS, as_bytes, metadata

CYCLE = "2026"


def _control(identifier: str, title: str, title_ja: str, level: str, weight: float) -> dict[str, Any]:
    return {
        "id": identifier,
        "title": title,
        "props": [
            {"name": "label", "value": identifier.upper()},
            {"name": "title-ja", "ns": NS, "value": title_ja},
            {"name": "level", "ns": NS, "value": level},
            {"name": "weight", "ns": NS, "value": str(weight)},
        ],
        "parts": [{"id": f"{identifier}_smt", "name": "statement", "prose": f"Do {title}."}],
    }


def assessment_catalog(version: str = "1.0") -> dict[str, Any]:
    return {
        "catalog": {
            "uuid": "5d7c1a3e-2b4f-4c6d-8e9f-001122334455",
            "metadata": metadata("Assessment test catalog", version),
            "groups": [
                {
                    "id": "gv",
                    "title": "Governance",
                    "props": [{"name": "title-ja", "ns": NS, "value": "サイバーセキュリティ管理態勢"}],
                    "controls": [
                        _control("gv-1", "Policy", "方針", "basic", 1.0),
                        _control("gv-2", "Roles", "役割", "desirable", 2.0),
                    ],
                },
                {
                    "id": "cx",
                    "title": "Crypto-asset specific",
                    "props": [{"name": "title-ja", "ns": NS, "value": "暗号資産特有"}],
                    "controls": [
                        _control("cx-1", "Cold wallet procedures", "コールドウォレット手順", "basic", 3.0),
                        _control("cx-2", "Signing integrity", "署名の完全性", "desirable", 1.0),
                    ],
                },
            ],
        }
    }


CONTROL_IDS = ["gv-1", "gv-2", "cx-1", "cx-2"]


@pytest.fixture
def exchange(session_factory: sessionmaker[Session]) -> Organisation:
    with transaction(session_factory) as session:
        organisation = make_organisation(
            session, OrganisationKind.EXCHANGE, name_ja="デルタ取引所", name_en="Delta Exchange"
        )
        session.expunge(organisation)
    return organisation


@pytest.fixture
def assessment(session_factory: sessionmaker[Session], exchange: Organisation) -> Assessment:
    with transaction(session_factory) as session:
        data = as_bytes(assessment_catalog())
        version = import_catalog(session, data, "test.json", max_bytes=len(data), key="cssa-test")
        cycle = service.ensure_cycle(session, CYCLE, version.id)
        found = service.start_assessment(session, exchange.id, cycle)
        session.expunge_all()
    return found
