"""The hub's fast path through stix2-validator gives exactly the verdicts of ``validate_instance``.

Differential test: generated STIX 2.1 objects, valid and broken in many ways, are validated both by
:func:`cyberdelta.intel.stix_validator.schema_and_must_errors` and by the library's own
``validate_instance`` with the hub's options; the error messages (and so ``is_valid``) must agree.
"""

from __future__ import annotations

import copy
import traceback
import uuid
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stix2validator import validate_instance

from cyberdelta.intel.stix_validator import hub_options, schema_and_must_errors
from cyberdelta.intel.validation import full_problem

OPTIONS = hub_options()
STAMP = "2026-11-01T09:00:00.000Z"


def library_errors(instance: dict[str, Any]) -> list[str]:
    return [str(error) for error in validate_instance(instance, hub_options()).errors]


def identifier(kind: str) -> st.SearchStrategy[str]:
    return mostly(
        st.uuids(version=4).map(lambda value: f"{kind}--{value}"),
        st.sampled_from([f"{kind}--not-a-uuid", f"other-type--{uuid.UUID(int=7)}"]),
    )


def mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Good values four times in five, so that valid objects are generated as well as broken ones."""
    return st.one_of(good, good, good, good, bad)


TIMESTAMPS = mostly(
    st.just(STAMP),
    st.sampled_from(["2026-11-01T09:00:00Z", "2026-11-01 09:00", "yesterday", 5]),
)
PATTERNS = st.sampled_from(
    [
        "[ipv4-addr:value = '203.0.113.7']",
        "[ipv4-addr:value = '203.0.113.8'] OR [domain-name:value = 'example.com']",
        "[ipv4-addr:value = '203.0.113.9']",
        "[file:hashes.'SHA-256' = 'aa'] AND [url:value = 'http://x']",
        "[x-crypto-wallet-address:value = '0x3f']",
        "[ipv4-addr:value = 'x'] AND",
        "[ipv4-addr:valu = '1']",
        "[Bad_Type:value = '1']",
        "[ipv4-addr:value = '1'] WITHIN 5 SECONDS WITHIN 6 SECONDS",
        "ipv4-addr:value = '1'",
        "[network-traffic:src_ref.value = '10.0.0.1'] REPEATS 2 TIMES",
    ]
)
JUNK = st.one_of(st.none(), st.integers(), st.text(max_size=8), st.lists(st.integers(), max_size=2))


@st.composite
def indicators(draw: st.DrawFn) -> dict[str, Any]:
    stix: dict[str, Any] = {
        "type": "indicator",
        "spec_version": draw(st.sampled_from(["2.1", "2.1", "2.1", "2.1", "2.0"])),
        "id": draw(identifier("indicator")),
        "created": draw(TIMESTAMPS),
        "modified": draw(TIMESTAMPS),
        "name": draw(mostly(st.text(max_size=20), JUNK)),
        "pattern": draw(PATTERNS),
        "pattern_type": draw(st.sampled_from(["stix", "stix", "stix", "stix", "sigma", "nonsense"])),
        "valid_from": draw(TIMESTAMPS),
    }
    if draw(st.booleans()):
        stix["indicator_types"] = draw(
            st.lists(st.sampled_from(["malicious-activity", "Bad Type"]), max_size=2)
        )
    if draw(st.booleans()):
        stix["created_by_ref"] = draw(identifier("identity"))
    if draw(st.booleans()):
        stix[draw(st.sampled_from(["x_custom", "CustomProp", "ab"]))] = draw(JUNK)
    if draw(st.integers(0, 4)) == 0:
        del stix[draw(st.sampled_from(sorted(stix)))]
    return stix


@st.composite
def other_objects(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["malware", "identity", "relationship", "threat-actor", "x-exchange-event"]))
    stix: dict[str, Any] = {
        "type": kind,
        "spec_version": "2.1",
        "id": draw(identifier(kind)),
        "created": draw(TIMESTAMPS),
        "modified": draw(TIMESTAMPS),
    }
    if kind == "malware":
        stix["is_family"] = draw(mostly(st.booleans(), JUNK))
        stix["malware_types"] = draw(st.lists(st.sampled_from(["ransomware", "not a type"]), max_size=2))
    elif kind == "relationship":
        stix["relationship_type"] = draw(st.sampled_from(["indicates", "Uses It"]))
        stix["source_ref"] = draw(identifier("indicator"))
        stix["target_ref"] = draw(identifier("malware"))
    else:
        stix["name"] = draw(mostly(st.text(max_size=10), JUNK))
    if draw(st.booleans()):
        stix["labels"] = draw(st.one_of(st.lists(st.text(max_size=5), max_size=2), JUNK))
    return stix


@st.composite
def observables(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["ipv4-addr", "domain-name", "x-crypto-wallet-address"]))
    stix: dict[str, Any] = {
        "type": kind,
        "id": draw(identifier(kind)),
        "value": draw(st.one_of(st.text(max_size=12), JUNK)),
    }
    if draw(st.booleans()):
        stix["spec_version"] = "2.1"
    return stix


@st.composite
def observed_data(draw: st.DrawFn) -> dict[str, Any]:
    stix: dict[str, Any] = {
        "type": "observed-data",
        "spec_version": "2.1",
        "id": draw(identifier("observed-data")),
        "created": STAMP,
        "modified": STAMP,
        "first_observed": draw(TIMESTAMPS),
        "last_observed": STAMP,
        "number_observed": draw(mostly(st.integers(-1, 3), JUNK)),
    }
    choice = draw(st.sampled_from(["refs", "refs", "refs", "objects", "bad-objects"]))
    if choice == "refs":
        stix["object_refs"] = [draw(identifier("ipv4-addr"))]
    elif choice == "objects":
        stix["objects"] = {"0": {"type": "ipv4-addr", "value": draw(st.text(max_size=5))}, "1": {"value": 1}}
    else:
        stix["objects"] = [1, 2]
    return stix


@st.composite
def valid_objects(draw: st.DrawFn) -> dict[str, Any]:
    """Objects without deliberate faults (the verdict may still be a warning-free pass or not)."""
    number = draw(st.integers(0, 255))
    stix: dict[str, Any] = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{draw(st.uuids(version=4))}",
        "created": STAMP,
        "modified": draw(st.sampled_from([STAMP, "2026-11-02T00:00:00Z", "2026-12-01T00:00:00.123456Z"])),
        "name": draw(st.text(min_size=1, max_size=30)),
        "pattern": draw(
            st.sampled_from(
                [
                    f"[ipv4-addr:value = '10.0.0.{number}']",
                    f"[domain-name:value = 'host{number}.example.com']",
                    f"[x-crypto-wallet-address:value = '0x{number:040x}']",
                    f"[file:hashes.'SHA-256' = '{number:064x}']",
                ]
            )
        ),
        "pattern_type": "stix",
        "valid_from": STAMP,
    }
    if draw(st.booleans()):
        stix["indicator_types"] = ["malicious-activity"]
    return stix


OBJECTS = st.one_of(
    valid_objects(), valid_objects(), indicators(), other_objects(), observables(), observed_data()
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=OBJECTS)
def test_fast_path_reports_the_libraries_errors_in_its_order(instance: dict[str, Any]) -> None:
    theirs = outcome(lambda item, _options: library_errors(item), instance, OPTIONS)
    ours = outcome(schema_and_must_errors, instance, OPTIONS)
    if isinstance(theirs, list):
        assert ours == theirs
    elif isinstance(ours, list):
        # The library gave up in a SHOULD check (it runs them first, for warnings only); the hub
        # runs none, so it still has the verdict of the schemas and MUST checks.
        frames = traceback.extract_tb(theirs.__traceback__)
        assert any(frame.filename.endswith("v21/shoulds.py") for frame in frames), frames
    else:
        assert isinstance(ours, Exception)


def outcome(check: Callable[[dict[str, Any], Any], list[str]], instance: dict[str, Any], options: Any) -> Any:
    """The messages, or the exception when the validator gives up on the input."""
    with warnings.catch_warnings():
        # The library names a deprecated jsonschema exception in an ``except`` clause.
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            return check(copy.deepcopy(instance), options)
        except Exception as error:
            return error


def test_both_valid_and_invalid_objects_are_generated() -> None:
    """The comparison above is only meaningful if it sees both verdicts."""
    valid = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{uuid.UUID(int=1, version=4)}",
        "created": STAMP,
        "modified": STAMP,
        "pattern": "[ipv4-addr:value = '203.0.113.7']",
        "pattern_type": "stix",
        "valid_from": STAMP,
    }
    assert schema_and_must_errors(valid, OPTIONS) == [] == library_errors(valid)
    broken = dict(valid, pattern="[ipv4-addr:value = 'x'] AND")
    assert schema_and_must_errors(broken, OPTIONS) == library_errors(broken) != []
    assert full_problem(valid) is None
    reason = library_errors(broken)[0].removeprefix(broken["id"] + ": ")
    assert full_problem(broken) == "$.pattern: " + reason


def test_bundles_are_left_to_the_library() -> None:
    bundle = {"type": "bundle", "id": f"bundle--{uuid.UUID(int=2, version=4)}", "objects": []}
    assert schema_and_must_errors(bundle, OPTIONS) == library_errors(bundle)


def test_an_object_the_validator_gives_up_on_is_a_failure_not_a_crash() -> None:
    """stix2-validator raises on some malformed input (here a MUST check reads a missing id)."""
    observed = {
        "type": "observed-data",
        "spec_version": "2.1",
        "id": f"observed-data--{uuid.UUID(int=3, version=4)}",
        "created": STAMP,
        "modified": STAMP,
        "first_observed": STAMP,
        "last_observed": STAMP,
        "number_observed": 1,
        "objects": {"0": {"value": 1}},
    }
    assert full_problem(observed) == "$: stix2-validator could not check this object (KeyError)"


def test_objects_without_id_or_type_are_refused_like_the_library_does() -> None:
    with pytest.raises(Exception, match="'id' and 'type'") as ours:
        schema_and_must_errors({"type": "indicator"}, OPTIONS)
    with pytest.raises(Exception, match="'id' and 'type'") as theirs:
        validate_instance({"type": "indicator"}, hub_options())
    assert type(ours.value) is type(theirs.value)
