"""The hub's verdict: the OASIS stix2-validator's errors as property paths, then the store's own rules."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cyberdelta.intel.validation import (
    _pattern_shape_problem,
    full_problem,
    located,
    problem,
    structural_problem,
)
from cyberdelta.intel.wallet import extension_definition, wallet_address
from tests.intel.stix_factories import indicator


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": "Indicator"}, "type"),
        ({"type": ["indicator"]}, "type"),
        ({"type": {"name": "indicator"}}, "type"),
        ({"type": 7}, "type"),
        ({"id": "indicator--1234"}, "id"),
        ({"id": "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}, "id"),
        ({"spec_version": "2.0"}, "spec_version"),
        ({"created": "yesterday"}, "created"),
        ({"modified": "2026-10-01T00:00:00Z"}, "modified"),
        ({"pattern": "ipv4-addr:value = '1.2.3.4'"}, "pattern"),
        ({"pattern": "[ipv4-addr:value = '1.2.3.4'"}, "pattern"),
    ],
)
def test_structural_problems_name_the_property(change: dict[str, Any], field: str) -> None:
    found = structural_problem({**indicator(), **change})
    assert found is not None and found.startswith(field + ":")


def test_missing_required_property_is_named() -> None:
    incomplete = indicator()
    del incomplete["valid_from"]
    assert structural_problem(incomplete) == "valid_from: required for indicator objects (STIX 2.1)"


def test_valid_objects_pass() -> None:
    for stix_object in (indicator(), wallet_address("bitcoin", "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh")):
        assert problem(stix_object) is None
    assert full_problem(extension_definition()) is None


def test_the_validator_catches_grammar_the_structural_rules_let_through() -> None:
    unknown_qualifier = indicator(pattern="[ipv4-addr:value = '1.2.3.4'] WITHIN seconds")
    assert structural_problem(unknown_qualifier) is None
    found = problem(unknown_qualifier)
    assert found is not None and found.startswith("$.pattern: Pattern failed to validate: ")


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"pattern_type": 5}, "$.pattern_type"),
        ({"kill_chain_phases": [{"kill_chain_name": "x"}]}, "$.kill_chain_phases[0].phase_name"),
        ({"created_by_ref": "identity--nope"}, "$.created_by_ref"),
        ({"BadName": 1}, "$.BadName"),
        ({"modified": "2020-01-01T00:00:00.000Z"}, "$.modified"),
        ({"external_references": [{"source_name": "cve", "external_id": "x"}]}, "$.external_references[0]"),
        ({"object_marking_refs": "marking-definition--x"}, "$.object_marking_refs"),
    ],
)
def test_each_validator_error_is_a_property_path_and_a_one_line_reason(
    change: dict[str, Any], path: str
) -> None:
    found = problem({**indicator(), **change})
    assert found is not None and found.startswith(path + ": "), found
    assert "\n" not in found and "file://" not in found and "{'" not in found


def test_verdicts_are_placed_in_the_envelope() -> None:
    assert (
        located("$.pattern: bad; $.name: worse", 3) == "$.objects[3].pattern: bad; $.objects[3].name: worse"
    )
    assert located("$: not an object", 0) == "$.objects[0]: not an object"


def _reference_pattern_shape(pattern: str) -> str | None:
    """The pattern-shape rule as a character-by-character state machine (the specification)."""
    if not pattern.strip().startswith(("[", "(")):
        return "pattern: must be a STIX pattern such as [ipv4-addr:value = '203.0.113.7'] (STIX 2.1 §9)"
    depth, quoted, escaped = 0, False, False
    for character in pattern:
        if quoted:
            escaped, quoted = (False, True) if escaped else (character == "\\", character != "'")
            continue
        if character == "'":
            quoted = True
        elif character in "[(":
            depth += 1
        elif character in "])":
            depth -= 1
            if depth < 0:
                return "pattern: a closing bracket has no opening bracket (STIX 2.1 §9)"
    if quoted or depth != 0:
        return "pattern: unbalanced quotes or brackets (STIX 2.1 §9)"
    return None


@hypothesis_settings(max_examples=500, deadline=None)
@given(pattern=st.text(alphabet="[]()'\\ ab\n", max_size=14).map(lambda text: "[" + text))
def test_pattern_shape_check_agrees_with_the_state_machine(pattern: str) -> None:
    assert _pattern_shape_problem(pattern) == _reference_pattern_shape(pattern)
