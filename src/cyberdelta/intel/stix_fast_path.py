"""A fast, certain "no errors" for STIX 2.1 objects that stix2-validator would accept.

The OASIS stix2-validator (``validate_instance`` with the hub's options: STIX 2.1, not strict) checks
an object against its JSON schemas (draft 2020-12) and then runs its MUST checks in Python. Both are
slow: about 1 ms for the schemas with ``jsonschema`` and 1–2 ms for an indicator's pattern with the
ANTLR parser. :func:`certainly_valid` answers True only when the library would report no error:

* the schemas — the library's own files, loaded from the installed package and patched as the
  library patches them — are compiled once with ``jsonschema-rs`` (draft 2020-12, the same regular
  expressions, and each ``format`` checked by the very functions of jsonschema's format checker the
  library uses);
* the MUST checks that cost time are rewritten: ``timestamp`` (dateutil) and ``timestamp_compare``
  (``strptime``) for the timestamps of the common form, and ``patterns`` for the pattern shapes of
  :mod:`cyberdelta.intel.stix_pattern_fast`; the other MUST checks are the library's functions;
* whatever these rewrites do not cover with certainty (observed-data's embedded ``objects``,
  observables with timestamp properties, embedded STIX objects, leap seconds, other pattern
  shapes, ``pattern_version`` other than 2.1) answers False, as does every object with an error.

False means "ask the library": :mod:`cyberdelta.intel.stix_validator` then produces its errors,
so the verdict and the messages are always the library's. ``tests/intel/test_stix_fast_path.py``
holds the differential tests.
"""

from __future__ import annotations

import json
import operator
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from stix2patterns.v21.object_validator import HASHES_REGEX
from stix2validator import validator as library
from stix2validator.util import has_cyber_observable_data
from stix2validator.v21 import enums, musts

from cyberdelta.intel.stix_pattern_fast import comparisons
from cyberdelta.intel.stix_validator import SCHEMA_DIR, find_schema, hub_options


class _UnsureError(Exception):
    """The rewritten check cannot tell with certainty: the library decides."""


def _load(uri: str) -> Any:
    """A schema file as the library's ``retrieve_from_filesystem`` loads it (patched ``$id``)."""
    path = library.from_uri_to_path(uri)
    return library.patch_schema(json.loads(Path(path).read_text()), path)


def _format_names() -> set[str]:
    names: set[str] = set()
    for path in Path(SCHEMA_DIR).rglob("*.json"):
        if "examples" not in path.parts:
            names.update(re.findall(r'"format"\s*:\s*"([^"]+)"', path.read_text()))
    return names


def _format_check(name: str) -> Callable[[str], bool]:
    checker = Draft202012Validator.FORMAT_CHECKER
    if name not in checker.checkers:
        return lambda _value: True  # jsonschema does not check this format: neither do we
    return lambda value: bool(checker.conforms(value, name))


class _CompiledSchemas:
    """One compiled ``jsonschema-rs`` validator per schema file, built on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._validators: dict[str, Any] = {}
        self._formats: dict[str, Callable[[str], bool]] | None = None

    def validator(self, schema_path: str) -> Any:
        found = self._validators.get(schema_path)
        if found is not None:
            return found
        with self._lock:
            if self._formats is None:
                self._formats = {name: _format_check(name) for name in _format_names()}
            found = jsonschema_rs.Draft202012Validator(
                _load(Path(schema_path).as_uri()),
                validate_formats=True,
                formats=self._formats,
                retriever=_load,
            )
            self._validators[schema_path] = found
            return found


_SCHEMAS = _CompiledSchemas()


def _schema_valid(instance: Mapping[str, Any]) -> bool:
    """The library's ``_schema_validate`` (hub options) reports nothing."""
    kind = instance["type"]
    if kind == "observed-data" and "objects" in instance:
        raise _UnsureError  # deprecated embedded observables: each has its own schema
    default = "core"
    if "created" not in instance and "modified" not in instance and kind != "marking-definition":
        default = "cyber-observable-core"
    schema_path = find_schema(kind) or find_schema(default)
    if schema_path is None or not isinstance(instance["id"], str):
        raise _UnsureError
    valid: bool = _SCHEMAS.validator(schema_path).is_valid(instance)
    return valid


# --- MUST checks rewritten -------------------------------------------------------------------

_FORMAT = musts.TIMESTAMP_FORMAT_RE


def _dateutil_accepts(text: str) -> None:
    """For a timestamp of ``TIMESTAMP_FORMAT_RE``: raise _UnsureError unless dateutil parses it."""
    if text[17:19] == "60":
        raise _UnsureError  # leap second: dateutil refuses it; the library says how
    try:
        datetime(int(text[0:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:
        raise _UnsureError from None


def _timestamp(instance: Mapping[str, Any]) -> bool:
    """``musts.timestamp``: True when it yields nothing."""
    kind = instance["type"]
    names = ("created", "modified", *enums.TIMESTAMP_PROPERTIES.get(kind, ()))
    for name in (*names, *enums.TIMESTAMP_OBSERVABLE_PROPERTIES.get(kind, ())):
        if name in instance:
            value = instance[name]
            if not isinstance(value, str):
                raise _UnsureError  # the library's regular expression raises TypeError
            # Days up to 28 exist in every month of every year but 0000; seconds 60 are refused.
            if (value[8:10] > "28" or value[17:19] == "60" or value[:4] == "0000") and _FORMAT.match(value):
                _dateutil_accepts(value)
    for embedded in enums.TIMESTAMP_EMBEDDED_PROPERTIES.get(kind, ()):
        if embedded in instance and isinstance(instance[embedded], Mapping):
            raise _UnsureError  # extensions and embedded types: the library checks them
    return True


_STRICT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,6}))?Z")


def _datetime_from_str(text: str) -> datetime | str:
    """``musts.datetime_from_str`` for a string of ``TIMESTAMP_FORMAT_RE``, without ``strptime``."""
    found = _STRICT.fullmatch(text)
    if found is None:
        return text  # more than six fractional digits: neither strptime format reads it
    year, month, day, hour, minute, second, fraction = found.groups()
    try:
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second),
            int((fraction or "0").ljust(6, "0")),
        )  # fmt: skip
    except ValueError:
        return text


def _compare(first: object, op: str, second: object) -> bool:
    """``musts.compare``."""
    if not isinstance(first, str) or not isinstance(second, str):
        raise _UnsureError
    comparison: Callable[[Any, Any], bool] = getattr(operator, op)
    if len(first) == len(second):
        # Two timestamps of one shape compare as their texts do; when either is not a valid
        # date and time, the library compares the texts.
        return comparison(first, second)
    if _FORMAT.match(first) and _FORMAT.match(second):
        earlier, later = _datetime_from_str(first), _datetime_from_str(second)
        if isinstance(earlier, datetime) and isinstance(later, datetime):
            return comparison(earlier, later)
    return comparison(first, second)


def _timestamp_compare(instance: Mapping[str, Any]) -> bool:
    """``musts.timestamp_compare``: True when it yields nothing."""
    compares = [("modified", "ge", "created"), *enums.TIMESTAMP_COMPARE.get(instance.get("type", ""), [])]
    for first, op, second in compares:
        if first in instance and second in instance and not _compare(instance[first], op, instance[second]):
            return False
    return True


_OPTIONS = hub_options()
# With these options the custom-prefix branches of ``musts.patterns`` never apply.
_PREFIX_CHECKS = "extensions-use" in _OPTIONS.disabled
_HASH_PATTERNS = {name: re.compile(expression) for name, (expression, _label) in HASHES_REGEX.items()}
_OBSERVABLE_TYPES = frozenset(enums.OBSERVABLE_TYPES)


def _patterns(instance: Mapping[str, Any]) -> bool:
    """``musts.patterns`` (and the pattern validator's hash check): True when it yields nothing."""
    pattern = instance.get("pattern")
    if (
        instance["type"] != "indicator"
        or instance.get("pattern_type", "") != "stix"
        or not isinstance(pattern, str)
    ):
        return True
    if "pattern_version" in instance:
        version = instance["pattern_version"]
    else:
        version = instance.get("spec_version", "2.1")
    if version != "2.1":
        raise _UnsureError  # STIX 2.0 patterns have their own grammar
    found = comparisons(pattern)
    if found is None:
        raise _UnsureError
    for object_type, path, literal in found:
        if "hashes" in path:
            selector = path[-1]
            if not isinstance(selector, str):
                raise _UnsureError
            expression = _HASH_PATTERNS.get(selector.upper().replace("-", "").replace("'", ""))
            if expression is not None and not expression.match(literal.replace("'", "")):
                return False
        if object_type not in _OBSERVABLE_TYPES:
            if not musts.TYPE_FORMAT_RE.match(object_type) or not 3 <= len(object_type) <= 250:
                return False
            if _PREFIX_CHECKS:
                raise _UnsureError
        first = path[0]
        if not isinstance(first, str):
            raise _UnsureError
        if first in enums.OBSERVABLE_PROPERTIES.get(object_type, ()):
            continue
        if not musts.PROPERTY_FORMAT_RE.match(first):
            return False
        if object_type in _OBSERVABLE_TYPES and _PREFIX_CHECKS:
            raise _UnsureError
    return True


_REWRITTEN = {musts.timestamp, musts.timestamp_compare, musts.patterns}
_OBSERVABLE_UUID_TYPES = frozenset(
    {"artifact", "email-message", "user-account", "windows-registry-key", "x509-certificate"}
)


def _is_observable(instance: Mapping[str, Any]) -> bool:
    return bool(has_cyber_observable_data(instance, "2.1"))


# When each other MUST check can yield anything (read from its code): the others are skipped.
_APPLIES: dict[str, Callable[[Mapping[str, Any]], bool]] = {
    "observable_timestamp_compare": _is_observable,
    "artifact_mime_type": _is_observable,
    "character_set": _is_observable,
    "software_language": _is_observable,
    "observable_object_references": lambda instance: bool(has_cyber_observable_data(instance)),
    "object_marking_circular_refs": lambda instance: instance["type"] == "marking-definition",
    "granular_markings_circular_refs": lambda instance: instance["type"] == "marking-definition",
    "marking_selector_syntax": lambda instance: "granular_markings" in instance,
    "language": lambda instance: "lang" in instance,
    "cpe_check": lambda instance: "cpe" in instance,
    "language_contents": lambda instance: instance["type"] == "language-content",
    "uuid_version_check": lambda instance: instance["type"] in _OBSERVABLE_UUID_TYPES,
    "process": lambda instance: instance["type"] == "process",
}
_LIBRARY_MUSTS: list[tuple[Callable[[Mapping[str, Any]], bool], Callable[[Any], Iterable[Any]]]] = []


def _library_musts() -> list[tuple[Callable[[Mapping[str, Any]], bool], Callable[[Any], Iterable[Any]]]]:
    """The library's other MUST checks, in its order (all take the object alone), each with the
    condition under which it can report something (always, for a check not listed above)."""
    if not _LIBRARY_MUSTS:
        _OPTIONS.set_check_codes("2.1")
        for check in musts.list_musts(_OPTIONS):
            if check not in _REWRITTEN:
                _LIBRARY_MUSTS.append((_APPLIES.get(check.__name__, lambda _instance: True), check))
    return _LIBRARY_MUSTS


def _has_embedded_objects(instance: Mapping[str, Any]) -> bool:
    """``_iter_errors_custom`` also checks STIX objects found in list properties."""
    for value in instance.values():
        if type(value) is list:
            for item in value:
                if isinstance(item, dict) and "id" in item and "type" in item:
                    return True
    return False


def _musts_pass(instance: Mapping[str, Any]) -> bool:
    if not (_timestamp(instance) and _timestamp_compare(instance) and _patterns(instance)):
        return False
    for applies, check in _library_musts():
        if applies(instance):
            for _error in check(instance):
                return False
    return True


def certainly_valid(instance: object) -> bool:
    """True only when ``validate_instance(instance, hub_options())`` would report no error."""
    if not isinstance(instance, dict) or "id" not in instance or "type" not in instance:
        return False
    if instance["type"] == "bundle" or not isinstance(instance["type"], str):
        return False
    try:
        if _has_embedded_objects(instance):
            return False
        return _schema_valid(instance) and _musts_pass(instance)
    except _UnsureError:
        return False
    except Exception:  # a library check that gives up on odd input: the library reports it
        return False
