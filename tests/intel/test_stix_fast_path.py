"""The fast path gives stix2-validator's verdict, and the hub reports the library's own errors.

Differential tests with the OASIS ``stix2-validator`` (``validate_instance`` with the hub's
options) as the reference, over the corpora of :mod:`tests.intel.stix_corpora` — the OASIS examples
the package ships, ATT&CK Enterprise/ICS-shaped and OpenCTI-shaped objects — and their mutations:
for every object the verdict (valid or not) must be the library's, the fast path may only say
"valid" when the library does, and the hub's findings must be the library's errors, one for one,
each at the property the library names.
"""

from __future__ import annotations

import copy
import re
import traceback
import warnings
from collections import defaultdict
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stix2patterns.v21.pattern import Pattern
from stix2patterns.validator import run_validator
from stix2validator import validate_instance
from stix2validator.v21 import musts

from cyberdelta.intel import stix_fast_path
from cyberdelta.intel.stix_fast_path import certainly_valid
from cyberdelta.intel.stix_pattern_fast import comparisons
from cyberdelta.intel.stix_validator import _GENERIC, findings, hub_options, schema_and_must_errors
from cyberdelta.intel.validation import full_problem
from tests.intel.stix_corpora import attack_objects, mutations, oasis_examples, opencti_objects, valid_corpus

LOCATION = re.compile(r"[A-Za-z0-9_\-.\[\]]+")


def reference(instance: dict[str, Any]) -> list[str] | Exception:
    """stix2-validator's error messages for the object, or the exception it gave up with."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            return [str(error) for error in validate_instance(copy.deepcopy(instance), hub_options()).errors]
        except Exception as error:
            return error


def assert_same_verdict_and_errors(instance: dict[str, Any]) -> None:
    theirs = reference(instance)
    fast = certainly_valid(copy.deepcopy(instance))
    ours = full_problem(copy.deepcopy(instance))
    if isinstance(theirs, Exception):
        frames = traceback.extract_tb(theirs.__traceback__)
        if not any(frame.filename.endswith("v21/shoulds.py") for frame in frames):
            assert not fast and ours is not None, (instance, theirs)  # the library refuses it too
            return
        # The library gave up in a SHOULD check, which only warns with the hub's options: the
        # reference is then its schemas and MUST checks (equal to the library's when it does not
        # give up: tests/intel/test_stix_validator.py).
        theirs = schema_and_must_errors(copy.deepcopy(instance), hub_options())
    if fast:
        assert theirs == [], (instance, theirs)
    assert (ours is None) == (theirs == []), (instance, theirs, ours)
    if not theirs:
        return
    found = findings(copy.deepcopy(instance), hub_options())
    assert len(found) == len(theirs), (found, theirs)
    prefix = f"{instance['id']}: " if isinstance(instance["id"], str) else "unidentifiable object: "
    for finding, message in zip(found, sorted(theirs, key=theirs.index), strict=True):
        assert "\n" not in finding.reason and "file://" not in finding.reason
        generic = finding.reason in _GENERIC.values() or finding.reason.startswith(
            "breaks the STIX 2.1 schema"
        )
        assert finding.reason in message or generic, (finding, message)
        text = message.removeprefix(prefix)
        head, separator, _rest = text.partition(": ")
        if separator and LOCATION.fullmatch(head) and not text.startswith("object '"):
            assert finding.path.removeprefix("$").removeprefix(".").startswith(head), (finding, message)


def _corpus_ids(objects: list[dict[str, Any]]) -> list[str]:
    return [f"{index}-{item.get('type')}" for index, item in enumerate(objects)]


VALID = valid_corpus()


@pytest.mark.parametrize("instance", VALID, ids=_corpus_ids(VALID))
def test_real_shaped_objects_get_the_libraries_verdict(instance: dict[str, Any]) -> None:
    assert_same_verdict_and_errors(instance)


def test_the_fast_path_accepts_the_real_shaped_objects_the_library_accepts() -> None:
    """Otherwise the speed would be the library's: ATT&CK and OpenCTI objects all go fast."""
    shaped = [*attack_objects("enterprise-attack"), *attack_objects("ics-attack", 6), *opencti_objects()]
    accepted = [item for item in shaped if reference(item) == []]
    assert len(accepted) == len(shaped)
    assert [item["id"] for item in accepted if not certainly_valid(item)] == []
    slow = [item["id"] for item in oasis_examples() if reference(item) == [] and not certainly_valid(item)]
    assert len(slow) <= len(oasis_examples()) // 4, slow  # observed-data with embedded objects, etc.


MUTANTS = [mutant for item in VALID[:: max(1, len(VALID) // 40)] for mutant in mutations(item)]


def test_the_mutations_are_mostly_refused() -> None:
    """The mutation corpus must exercise refusals, not only acceptances."""
    refused = sum(1 for mutant in MUTANTS[::7] if reference(mutant) != [])
    assert refused > len(MUTANTS[::7]) // 2


@pytest.mark.parametrize("chunk", range(8))
def test_mutated_objects_get_the_libraries_verdict_and_errors(chunk: int) -> None:
    for mutant in MUTANTS[chunk::8]:
        assert_same_verdict_and_errors(mutant)


# --- The rewritten MUST checks, each against the library's function ---------------------------

DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=9)
TIMESTAMPS = st.one_of(
    st.builds(
        lambda year, month, day, second, fraction: f"{year}-{month}-{day}T09:30:{second}{fraction}Z",
        st.sampled_from(["2026", "2024", "2100", "0000", "1999"]),
        st.sampled_from(["01", "02", "04", "12"]),
        st.sampled_from(["01", "28", "29", "30", "31"]),
        st.sampled_from(["00", "59", "60"]),
        st.one_of(st.just(""), DIGITS.map(lambda digits: "." + digits)),
    ),
    st.sampled_from(["2026-11-01T09:00:00.000Z", "yesterday", "2026-11-01 09:00"]),
)


@settings(max_examples=400, deadline=None)
@given(first=TIMESTAMPS, second=TIMESTAMPS)
def test_timestamp_comparison_is_the_libraries(first: str, second: str) -> None:
    for op in ("ge", "gt"):
        assert stix_fast_path._compare(first, op, second) == musts.compare(first, op, second)


@settings(max_examples=300, deadline=None)
@given(value=TIMESTAMPS, name=st.sampled_from(["created", "valid_from", "valid_until"]))
def test_timestamp_check_is_certain_only_when_the_library_finds_nothing(value: str, name: str) -> None:
    indicator = {"type": "indicator", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", name: value}
    try:
        certain = stix_fast_path._timestamp(indicator)
    except stix_fast_path._UnsureError:
        certain = False
    if certain:
        assert list(musts.timestamp(indicator)) == []


# --- The pattern recogniser against the ANTLR grammar and inspector ---------------------------

PIECES = [
    "[", "]", "(", ")", " ", "  ", "\t", "ipv4-addr", "domain-name", "file", "x-crypto-wallet-address",
    ":", "value", "hashes", ".", "'SHA-256'", "MD5", "name", "[0]", "[*]", " = ", "=", "==", " != ",
    " < ", " >= ", " LIKE ", " MATCHES ", " IN ", " NOT ", " AND ", " OR ", " FOLLOWEDBY ",
    "'203.0.113.7'", "'a\\'b'", "'a\\\\b'", "'a\\b'", "'", "5", "05", "1.5", "-1", "true", "AND",
    " WITHIN 5 SECONDS", " REPEATS 2 TIMES", "t'2026-01-01T00:00:00Z'", "h'ff'", "/*c*/", "Bad_Type",
    "src_ref", "x_custom", "'" + "a" * 32 + "'", "'" + "b" * 64 + "'",
]  # fmt: skip
TEMPLATES = [
    "[{t}:{p} = {v}]",
    "[{t}:{p} = {v} AND {t}:{p} != {v}]",
    "[{t}:{p} = {v}] OR [{t}:{p} LIKE {v}]",
    "[{t}:{p} = {v}] FOLLOWEDBY [{t}:{p} MATCHES {v}]",
    "[{t}:hashes.{h} = {v}]",
]
VALUES = ["'203.0.113.7'", "'" + "a" * 32 + "'", "'" + "c" * 64 + "'", "'x\\'y'", "7", "'zz'"]


def _shaped(template: str, kind: str, path: str, value: str, hashed: str) -> str:
    return template.format(t=kind, p=path, v=value, h=hashed)


PATTERNS = st.one_of(
    st.builds(
        _shaped,
        st.sampled_from(TEMPLATES),
        st.sampled_from(
            ["ipv4-addr", "domain-name", "file", "x-crypto-wallet-address", "Bad_Type", "a", "OR"]
        ),
        st.sampled_from(
            ["value", "name", "src_ref.value", "x_custom", "Value", "hashes", "extensions.'a-b'.c"]
        ),
        st.sampled_from(VALUES),
        st.sampled_from(["MD5", "'SHA-256'", "'SHA-1'", "SHA256", "[0]", "ssdeep"]),
    ),
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=14).map("".join),
)


def _inspected(pattern: str) -> dict[str, list[tuple[list[Any], str]]]:
    grouped: dict[str, list[tuple[list[Any], str]]] = defaultdict(list)
    for object_type, path, _operator, value in (
        (kind, path, operator, value)
        for kind, found in Pattern(pattern).inspect().comparisons.items()
        for path, operator, value in found
    ):
        grouped[object_type].append((path, value))
    return dict(grouped)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=PATTERNS)
def test_a_recognised_pattern_is_valid_and_inspected_as_the_library_does(pattern: str) -> None:
    indicator = {
        "type": "indicator",
        "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "pattern": pattern,
        "pattern_type": "stix",
    }
    try:
        certain = stix_fast_path._patterns(indicator)
    except stix_fast_path._UnsureError:
        certain = False
    if certain:  # the MUST check as a whole: grammar, hashes, type and property names
        assert list(musts.patterns(indicator, hub_options())) == [], pattern
    found = comparisons(pattern)
    if found is None:
        return
    # The grammar accepts it; the pattern validator's only other rule is the hash formats.
    assert all(error.endswith(" hash") for error in run_validator(pattern, "2.1")), pattern
    grouped: dict[str, list[tuple[list[Any], str]]] = defaultdict(list)
    for object_type, path, value in found:
        grouped[object_type].append((path, value))
    assert dict(grouped) == _inspected(pattern)


def test_the_recogniser_covers_the_shapes_feeds_send() -> None:
    for pattern in [
        "[ipv4-addr:value = '203.0.113.7']",
        "[file:hashes.'SHA-256' = 'aa' OR file:hashes.MD5 = 'bb']",
        "[domain-name:value = 'a.example'] OR [url:value = 'https://a.example/x']",
        "[network-traffic:src_ref.value = '10.0.0.1' AND network-traffic:dst_port > 443]",
        "[x-crypto-wallet-address:value = '0x3f'] FOLLOWEDBY [email-addr:value LIKE '%@example.com']",
    ]:
        assert comparisons(pattern) is not None, pattern
    for not_recognised in [
        "[a:b = 'x'] WITHIN 5 SECONDS",
        "([a:b = 'x'])",
        "[a:b IN ('x', 'y')]",
        "[a:b = 1.5]",
    ]:
        assert comparisons(not_recognised) is None
