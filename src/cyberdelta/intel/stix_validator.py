"""The OASIS stix2-validator's verdict on one STIX 2.1 object, without its per-call set-up costs.

``stix2validator.validate_instance`` (the version pinned in constraints.txt) builds, for every object,
a fresh JSON-schema validator over a fresh ``referencing`` registry that it then crawls again on each
``$ref`` (more than half of its time), reads the schema file from disk, and runs the SHOULD checks,
which parse an indicator's pattern once more although, with ``strict=False``, they only produce
warnings. :func:`schema_and_must_errors` gives the same errors in the same order (and so the same
``is_valid``) for the options the hub uses — STIX 2.1, not strict, no interop, no extra schema
directory — by keeping one validator per schema over a registry that already holds every schema file
of the package, crawled once, and by running only the MUST checks. Bundles, which the library
validates object by object with their own rules, go to ``validate_instance`` unchanged.
``tests/intel/test_stix_validator.py`` checks the equivalence on generated valid and invalid objects.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import exceptions as schema_exceptions
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from stix2validator import ValidationOptions, validate_instance
from stix2validator import validator as library
from stix2validator.errors import SchemaError, ValidationError, pretty_error
from stix2validator.v21 import musts

VERSION = "2.1"
# The same string as the library's own default schema directory (its caches are keyed by it).
SCHEMA_DIR = str(Path(library.__file__).parent / f"schemas-{VERSION}" / "schemas")
Located = tuple[Iterable[Any], str, str]


def hub_options() -> ValidationOptions:
    """The options every full validation of the hub uses."""
    return ValidationOptions(version=VERSION, strict=False)


class _Schemas:
    """Validators per (schema file, root-schema variant), sharing one crawled registry."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._registry: Registry[Any] | None = None
        self._validators: dict[tuple[str, str | None], Any] = {}

    def _base_registry(self) -> Registry[Any]:
        """Every schema file of the package, loaded as the library's own retrieval would load it."""
        if self._registry is None:
            retrieve: Callable[[str], Resource[Any]] = lambda uri: library.retrieve_from_filesystem(  # noqa: E731
                uri, SCHEMA_DIR
            )
            registry: Registry[Any] = Registry(retrieve=retrieve)  # type: ignore[call-arg]
            for root, _directories, files in os.walk(SCHEMA_DIR, followlinks=True):
                for name in files:
                    if name.endswith(".json") and "examples" not in root:
                        uri = Path(root, name).as_uri()
                        registry = registry.with_resource(uri, retrieve(uri))
            self._registry = registry
        return self._registry

    def validator(self, schema_path: str, variant: str | None) -> Any:
        key = (schema_path, variant)
        with self._lock:
            found = self._validators.get(key)
            if found is not None:
                return found
            schema = json.loads(Path(schema_path).read_text())
            # As stix2validator's _get_error_generator does for bundles: their objects are validated
            # one by one. (Its observed-data rewrite applies only to other schema directories.)
            if variant == "bundle":
                schema["properties"]["objects"] = {"objects": {"type": "array", "minItems": 1}}
            patched = library.patch_schema(schema, schema_path)
            root = DRAFT202012.create_resource(patched)
            registry = (
                self._base_registry()
                .with_resource(Path(schema_path).as_uri(), root)
                .with_resource(schema_path, root)
                .crawl()
            )
            found = library.STIXValidator(
                patched, registry=registry, format_checker=library.Draft202012Validator.FORMAT_CHECKER
            )
            self._validators[key] = found
            return found


_SCHEMAS = _Schemas()
_MUSTS: list[Any] = []


def _musts(options: ValidationOptions) -> list[Any]:
    if not _MUSTS:
        options.set_check_codes(VERSION)
        _MUSTS.extend(musts.list_musts(options))
    return _MUSTS


def find_schema(name: object) -> str | None:
    """``find_schema``; a name that is not a string has no schema (the library's TypeError case)."""
    try:
        found: str | None = library.find_schema(SCHEMA_DIR, name)
    except (KeyError, TypeError):
        return None
    return found


def _schema_errors(name: str, obj: Mapping[str, Any], default: str) -> Iterator[Any]:
    """The library's ``_get_error_generator`` for the built-in schemas, with a cached validator."""
    schema_path = find_schema(name) or find_schema(default)
    if schema_path is None:
        raise library.SchemaInvalidError(
            f"Cannot locate a schema for the object's type, nor the base schema ({default}.json)."
        )
    variant = "bundle" if obj["type"] == "bundle" else None
    validator = _SCHEMAS.validator(schema_path, variant)
    errors: Iterator[Any] = validator.iter_errors(obj)  # lazy: nothing is checked before iteration
    return errors


def _schema_generators(obj: Mapping[str, Any]) -> list[Located]:
    """The library's ``_schema_validate`` for hub options (no interop, no extra schema directory),
    each generator with its message prefix and the JSON path of the object it checks."""
    prefix = obj["id"] + ": " if isinstance(obj["id"], str) else "unidentifiable object: "
    core = "core"
    if all(name not in obj for name in ("created", "modified")) and obj["type"] != "marking-definition":
        core = "cyber-observable-core"
    generators: list[Located] = [(_schema_errors(obj["type"], obj, core), prefix, "$")]
    if obj["type"] == "observed-data" and "objects" in obj:
        if not isinstance(obj["objects"], dict):
            message = "Observed Data objects must be in dict format."
            generators.append(([schema_exceptions.ValidationError(message, prefix)], prefix, "$.objects"))
            return generators
        for key, value in obj["objects"].items():
            located = prefix + "object '" + key + "': "
            if "type" not in value:
                message = "Observable object must contain a 'type' property."
                error = schema_exceptions.ValidationError(message, prefix)
                generators.append(([error], located, _step("$.objects", key)))
                continue
            errors = _schema_errors(value["type"], value, "cyber-observable-core")
            generators.append((errors, located, _step("$.objects", key)))
    return generators


def schema_and_must_errors(instance: Mapping[str, Any], options: ValidationOptions) -> list[str]:
    """The error messages ``validate_instance(instance, options)`` reports, in its order."""
    if not library._is_stix_obj(instance):
        raise ValidationError("Input must be an object with 'id' and 'type' properties.")
    if instance["type"] == "bundle":
        return [str(error) for error in validate_instance(dict(instance), options).errors]
    generators = _schema_generators(instance)
    generators.append((library._iter_errors_custom(instance, _musts(options), options), "", "$"))
    messages: list[str] = []
    for errors, prefix, _path in generators:
        for error in errors:
            messages.append(str(SchemaError(prefix + pretty_error(error, options.verbose))))
    return messages


# --- The same errors, each as a JSON path and a one-line reason (docs/intel.md, "Validation") ---

# The property each MUST check is about, when its message does not start with it ('name': ...).
_MUST_PROPERTIES = {
    "object_marking_circular_refs": "object_marking_refs",
    "granular_markings_circular_refs": "granular_markings",
    "marking_selector_syntax": "granular_markings",
    "observable_object_references": "objects",
    "artifact_mime_type": "mime_type",
    "language": "lang",
    "software_language": "languages",
    "patterns": "pattern",
    "cpe_check": "cpe",
    "language_contents": "contents",
    "uuid_version_check": "id",
    "process": "id",
}
_QUOTED_NAME = re.compile(r"^'([a-z0-9_]+)'")
_REQUIRED = re.compile(r"^'(.+)' is a required property$")
# additionalProperties: "'Name' does not match any of the regexes: …" or "(… 'name' was unexpected)".
_UNEXPECTED = re.compile(r"^'([^']+)' does not match any of the regexes|\('([^']+)' was unexpected\)")
_INNER_LOCATION = re.compile(r"^([a-z0-9_]+(?:\[\d+\]|\.[a-z0-9_]+)*): (.+)$")
_SIMPLE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_DUMPED = re.compile(r"""\{\s*['"][^'"]*['"]\s*:""")
_LONG = 600
# One-line reasons for the jsonschema messages that embed the whole object or a sub-schema.
_GENERIC = {
    "anyOf": "matches none of the forms STIX 2.1 allows here",
    "oneOf": "matches none, or more than one, of the forms STIX 2.1 allows here",
    "allOf": "does not match every rule STIX 2.1 sets here",
    "not": "has a form STIX 2.1 forbids here",
    "type": "has the wrong JSON type",
    "enum": "is not one of the values STIX 2.1 allows here",
    "const": "is not the value STIX 2.1 requires here",
    "pattern": "does not have the format STIX 2.1 requires here",
    "additionalProperties": "has a property STIX 2.1 does not allow here",
    "minItems": "has too few items",
    "maxContains": "has too many matching items",
}


@dataclass(frozen=True)
class Finding:
    """One stix2-validator error: where (``$`` is the object) and why, in one line."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def _step(path: str, key: object) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    text = str(key)
    return f"{path}.{text}" if _SIMPLE_KEY.fullmatch(text) else f"{path}[{json.dumps(text)}]"


def _library_location(error: Any) -> str:
    """The location ``pretty_error`` puts before the message (``a.b[0]``)."""
    location = ""
    for element in error.path:
        if isinstance(element, int):
            location += f"[{element}]"
        else:
            location += ("." if location else "") + str(element)
    return location


def _one_line(text: str, validator: object) -> str:
    # An object or a schema printed: a mapping's first key (`{'type': …`), not a set of tokens such as
    # the pattern parser's "expecting {'(', '['}".
    dumped = _DUMPED.search(text) is not None or " under {" in text
    if dumped or "\n" in text or len(text) > _LONG or "file://" in text or SCHEMA_DIR in text:
        return _GENERIC.get(str(validator), f"breaks the STIX 2.1 schema rule '{validator}'")
    return text


def _schema_finding(error: Any, base: str, options: ValidationOptions) -> Finding:
    path = base
    for element in error.absolute_path:
        path = _step(path, element)
    location = _library_location(error)
    message = pretty_error(error, options.verbose)
    if location and message.startswith(location + ": "):
        message = message[len(location) + 2 :]
    inner = _INNER_LOCATION.match(message) if path == base else None
    if inner is not None:  # a reworded oneOf names the property of its best branch itself
        path, message = f"{base}.{inner.group(1)}", inner.group(2)
    named = None
    if error.validator == "required":
        named = _REQUIRED.match(message)
    elif error.validator == "additionalProperties":
        named = _UNEXPECTED.search(message)
    if named is not None:
        path = _step(path, named.group(1) or named.group(2))
    return Finding(path, _one_line(message, error.validator))


def _must_findings(instance: Mapping[str, Any], options: ValidationOptions) -> Iterator[Finding]:
    for check in _musts(options):
        for error in library._iter_errors_custom(instance, [check], options):
            message = str(error.message)
            name = _MUST_PROPERTIES.get(check.__name__)
            if name is None:
                quoted = _QUOTED_NAME.match(message)
                name = quoted.group(1) if quoted else None
            yield Finding(_step("$", name) if name else "$", _one_line(message, check.__name__))


def findings(instance: Mapping[str, Any], options: ValidationOptions) -> list[Finding]:
    """The errors of :func:`schema_and_must_errors` (the same ones, the schemas' first) located."""
    if not library._is_stix_obj(instance):
        return [Finding("$", "a STIX object needs 'id' and 'type' properties")]
    if instance["type"] == "bundle":
        return [Finding("$", str(error)) for error in validate_instance(dict(instance), options).errors]
    found: list[Finding] = []
    for errors, _prefix, base in _schema_generators(instance):
        found.extend(_schema_finding(error, base, options) for error in errors)
    found.extend(_must_findings(instance, options))
    return found
