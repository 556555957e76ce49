"""Validation of every STIX 2.1 object written to the hub: the OASIS stix2-validator's verdict.

:func:`problem` is the one verdict (there is no lighter setting):

* the OASIS ``stix2-validator`` — its JSON schemas of STIX 2.1 and its MUST checks (patterning
  grammar §9, timestamps §3.2, markings §7.2, …) with the hub's options (STIX 2.1, not strict, so
  its SHOULD checks only warn and are not run). :mod:`cyberdelta.intel.stix_fast_path` says
  "no errors" in about 20 µs for the objects bulk feeds carry; for anything else the library itself
  is asked (:mod:`cyberdelta.intel.stix_validator`), so verdicts and errors are the library's.
  Each error is reported as the JSON path of the property and a one-line reason
  (``$.pattern: Pattern failed to validate: …``); the store prefixes the object's place in the
  envelope (``$.objects[3].pattern``), see :func:`located`;
* then :func:`structural_problem`, the rules the store itself relies on (STIX 2.1 §2.9 canonical
  ``type--UUID`` identifiers, §3.2 timestamps it can read to the microsecond, §3.1 ``modified`` not
  before ``created``): for objects the validator accepts they hold, and they keep the store safe
  from what the validator might let through in another version.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from cyberdelta.intel.stix_fast_path import certainly_valid
from cyberdelta.intel.stix_validator import findings, hub_options
from cyberdelta.intel.timestamps import TimestampError, parse_us

TYPE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$")
CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'", re.DOTALL)
BRACKETS = re.compile(r"[\[\]()]")
# STIX 2.1 §2.5: SCOs have no created/modified; §4: SDOs, §5: SROs, §7: marking definitions.
OBSERVABLE_TYPES = frozenset(
    {
        "artifact", "autonomous-system", "directory", "domain-name", "email-addr", "email-message",
        "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic", "process", "software",
        "url", "user-account", "windows-registry-key", "x509-certificate", "x-crypto-wallet-address",
    }
)  # fmt: skip
# The object types STIX 2.1 itself defines (§4 SDOs, §5 SROs, §6 SCOs, §7 meta objects) and ours:
# valid type names, known without matching TYPE_NAME.
SPECIFIED_TYPES = OBSERVABLE_TYPES | {
    "attack-pattern", "campaign", "course-of-action", "grouping", "identity", "incident", "indicator",
    "infrastructure", "intrusion-set", "location", "malware", "malware-analysis", "note",
    "observed-data", "opinion", "report", "threat-actor", "tool", "vulnerability", "relationship",
    "sighting", "marking-definition", "language-content", "extension-definition",
}  # fmt: skip
NO_MODIFIED = frozenset({"marking-definition", "language-content"} | OBSERVABLE_TYPES)
REQUIRED: Mapping[str, tuple[str, ...]] = {
    "indicator": ("pattern", "pattern_type", "valid_from"),
    "sighting": ("sighting_of_ref",),
    "relationship": ("relationship_type", "source_ref", "target_ref"),
    "threat-actor": ("name",),
    "intrusion-set": ("name",),
    "attack-pattern": ("name",),
    "malware": ("is_family",),
    "report": ("name", "published", "object_refs"),
    "note": ("content", "object_refs"),
    "identity": ("name",),
    "extension-definition": ("name", "schema", "version", "extension_types", "created_by_ref"),
}
_OPTIONS = hub_options()


def structural_problem(stix_object: object) -> str | None:
    """The first STIX 2.1 rule the object breaks, as a sentence naming the property; None when valid."""
    if not isinstance(stix_object, dict):
        return "an object must be a JSON object"
    kind = stix_object.get("type")
    if not isinstance(kind, str) or (kind not in SPECIFIED_TYPES and TYPE_NAME.match(kind) is None):
        return "type: must be 3-250 lowercase letters, digits and hyphens (STIX 2.1 §3.1)"
    identifier = stix_object.get("id")
    if not isinstance(identifier, str) or not identifier.startswith(kind + "--"):
        return f"id: must be '{kind}--' followed by a UUID (STIX 2.1 §2.9)"
    if CANONICAL_UUID.fullmatch(identifier, len(kind) + 2) is None:  # else: say what is wrong
        try:
            uuid.UUID(identifier[len(kind) + 2 :])
        except ValueError:
            return f"id: {identifier!r} does not end in a valid UUID (STIX 2.1 §2.9)"
        if len(identifier) != len(kind) + 38:
            return f"id: {identifier!r} does not end in a UUID in canonical form (STIX 2.1 §2.9)"
    spec_version = stix_object.get("spec_version")
    if kind in OBSERVABLE_TYPES:
        if spec_version not in (None, "2.1"):
            return "spec_version: must be '2.1' when present (STIX 2.1 §3.1)"
    else:
        if spec_version != "2.1":
            return "spec_version: must be '2.1' (STIX 2.1 §3.1)"
        problem = _timestamps_problem(stix_object, kind)
        if problem is not None:
            return problem
    for name in REQUIRED.get(kind, ()):
        if name not in stix_object:
            return f"{name}: required for {kind} objects (STIX 2.1)"
    if kind == "indicator" and stix_object.get("pattern_type") == "stix":
        return _pattern_shape_problem(stix_object.get("pattern"))
    return None


def _pattern_shape_problem(pattern: object) -> str | None:
    """STIX 2.1 §9: a pattern is observation expressions in brackets; quotes and brackets balance.

    The full grammar is checked by stix2-validator; this catches truncated or unbalanced patterns
    cheaply in the structural layer.
    """
    if not isinstance(pattern, str) or not pattern.strip().startswith(("[", "(")):
        return "pattern: must be a STIX pattern such as [ipv4-addr:value = '203.0.113.7'] (STIX 2.1 §9)"
    # Quoted strings (with backslash escapes) are taken out; a quote left over is never closed, and
    # what follows it is inside the string. Without backslashes, quotes simply pair up in order.
    if "\\" in pattern:
        outside, unclosed, _rest = QUOTED.sub("", pattern).partition("'")
    else:
        pieces = pattern.split("'")
        outside, unclosed = "".join(pieces[0::2]), "'" * (len(pieces) % 2 == 0)
    depth = 0
    for bracket in BRACKETS.findall(outside):
        depth += 1 if bracket in "[(" else -1
        if depth < 0:
            return "pattern: a closing bracket has no opening bracket (STIX 2.1 §9)"
    if unclosed or depth != 0:
        return "pattern: unbalanced quotes or brackets (STIX 2.1 §9)"
    return None


def _timestamps_problem(stix_object: Mapping[str, Any], kind: str) -> str | None:
    try:
        created = parse_us(stix_object.get("created"))
    except TimestampError as error:
        return f"created: {error} (STIX 2.1 §3.2)"
    if kind in NO_MODIFIED:
        return None
    try:
        modified = parse_us(stix_object.get("modified"))
    except TimestampError as error:
        return f"modified: {error} (STIX 2.1 §3.2)"
    if modified < created:
        return "modified: must not be earlier than created (STIX 2.1 §3.1)"
    return None


def _library_problem(stix_object: Mapping[str, Any]) -> str | None:
    try:
        found = findings(stix_object, _OPTIONS)
    except Exception as error:
        return f"$: stix2-validator could not check this object ({type(error).__name__})"
    return "; ".join(str(finding) for finding in found) if found else None


def full_problem(stix_object: Mapping[str, Any]) -> str | None:
    """The OASIS stix2-validator's errors (``$.path: reason; …``), or None when it accepts the object."""
    if certainly_valid(stix_object):
        return None
    return _library_problem(stix_object)


def _store_problem(stix_object: Mapping[str, Any]) -> str | None:
    structural = structural_problem(stix_object)
    return None if structural is None else "$." + structural


def known_problem(stix_object: object) -> tuple[bool, str | None]:
    """``(True, verdict)`` when the verdict needs no call into the OASIS library (the fast path
    accepts the object, or it is not a JSON object); ``(False, None)`` otherwise."""
    if not isinstance(stix_object, dict):
        return True, "$: an object must be a JSON object"
    if certainly_valid(stix_object):
        return True, _store_problem(stix_object)
    return False, None


def problem(stix_object: object) -> str | None:
    """Why the hub refuses the object (JSON path and reason), or None when it accepts it."""
    known, verdict = known_problem(stix_object)
    if known or not isinstance(stix_object, dict):  # known_problem decides every other value
        return verdict
    return _library_problem(stix_object) or _store_problem(stix_object)


def located(reason: str, index: int) -> str:
    """A verdict's paths within the envelope: ``$.pattern: …`` of object 3 is ``$.objects[3].pattern``."""
    place = f"$.objects[{index}]"
    first, *others = reason.split("; $")
    parts = [first, *("$" + other for other in others)]
    return "; ".join(place + part[1:] if part.startswith("$") else part for part in parts)
