"""Validation layers: structural rules with precise messages, then the OASIS stix2-validator."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cyberdelta.intel.validation import _pattern_shape_problem, full_problem, problem, structural_problem
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


def test_valid_objects_pass_both_layers() -> None:
    for stix_object in (indicator(), wallet_address("bitcoin", "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh")):
        assert problem(stix_object, full=True) is None
    assert full_problem(extension_definition()) is None


def test_the_full_layer_catches_grammar_the_structural_layer_lets_through() -> None:
    unknown_qualifier = indicator(pattern="[ipv4-addr:value = '1.2.3.4'] WITHIN seconds")
    assert problem(unknown_qualifier, full=False) is None
    assert problem(unknown_qualifier, full=True) is not None


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
