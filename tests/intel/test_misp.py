"""MISP events: composite attributes (``filename|sha256``, ``ip-dst|port``, …) become STIX patterns,
and every attribute that does not become an indicator is listed with its place and the reason."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel.imports import read_document
from cyberdelta.intel.publishing import import_objects
from cyberdelta.intel.validation import problem
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.i18n import language
from tests.intel.attack_factories import misp_composite_event, misp_event
from tests.intel.stix_factories import make_hub


def test_composite_attributes_become_one_observation_each() -> None:
    document = read_document(json.dumps(misp_composite_event()).encode())
    patterns = {
        str(item["name"]): item["pattern"]
        for item in document.objects
        if isinstance(item, dict) and item["type"] == "indicator"
    }
    assert patterns == {
        f"filename|sha256: TradingApp.dmg|{'b' * 64}": (
            f"[file:name = 'TradingApp.dmg' AND file:hashes.'SHA-256' = '{'b' * 64}']"
        ),
        f"filename|md5: setup.exe|{'c' * 32}": (
            f"[file:name = 'setup.exe' AND file:hashes.MD5 = '{'c' * 32}']"
        ),
        "ip-dst|port: 198.51.100.7|443": (
            "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '198.51.100.7'"
            " AND network-traffic:dst_port = 443]"
        ),
        "ip-src|port: 2001:db8::5|8443": (
            "[network-traffic:src_ref.type = 'ipv6-addr' AND network-traffic:src_ref.value = '2001:db8::5'"
            " AND network-traffic:src_port = 8443]"
        ),
        "domain|ip: wallet-verify.example|203.0.113.44": (
            "[domain-name:value = 'wallet-verify.example'"
            " AND domain-name:resolves_to_refs[*].value = '203.0.113.44']"
        ),
        "hostname|port: rpc.fake-node.example|8545": (
            "[domain-name:value = 'rpc.fake-node.example' AND network-traffic:dst_port = 8545]"
        ),
    }
    # Every pattern is valid STIX 2.1 patterning for the OASIS validator.
    assert [problem(item) for item in document.objects] == [None] * len(document.objects)


def test_attributes_left_out_are_listed_with_the_reason() -> None:
    with language("en"):
        document = read_document(json.dumps(misp_composite_event()).encode())
    skipped = [(item.where, item.type, item.reason) for item in document.skipped]
    assert skipped == [
        ("Event.Attribute[6]", "filename|sha224", "type: sha224 is not a STIX 2.1 hash algorithm"),
        ("Event.Attribute[7]", "ip-dst|port", "value: port not-a-port is not a number from 0 to 65535"),
        ("Event.Attribute[8]", "vulnerability", "type: vulnerability has no STIX pattern mapping"),
        ("Event.Attribute[9]", "domain", "to_ids: not marked for detection in MISP"),
    ]
    assert [item.value for item in document.skipped][-1] == "shown-not-for-ids.example"
    with language("ja"):
        japanese = read_document(json.dumps(misp_composite_event()).encode()).skipped
    assert japanese[0].reason == "type: sha224 は STIX 2.1 のハッシュアルゴリズムではありません"


def test_the_skip_list_of_the_plain_event_names_its_comment() -> None:
    document = read_document(json.dumps(misp_event()).encode())
    assert [(item.where, item.type) for item in document.skipped] == [("Event.Attribute[3]", "comment")]


def test_composite_indicators_are_stored(session_factory: sessionmaker[Session]) -> None:
    make_hub(session_factory)
    objects = read_document(json.dumps(misp_composite_event()).encode()).objects
    with transaction(session_factory) as session:
        status = import_objects(session, "crypto", "exchange-a", objects, actor=Actor.console())
        assert (status.success_count, status.failure_count) == (7, 0), status.failures
