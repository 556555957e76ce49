"""STIX 2.0 bundles stepped up to STIX 2.1 with the OASIS ``stix2-elevator`` (its ``stix_stepper``).

MITRE publishes ATT&CK in ``mitre/cti`` as STIX 2.0: a bundle with ``spec_version: "2.0"`` whose
objects carry none (STIX 2.0 §"Bundle"). The hub stores STIX 2.1 only, so such a file is converted
object by object with the stepper of the OASIS elevator, the standard tool for it: it adds
``spec_version: "2.1"`` (STIX 2.1 §3.2), turns ``labels`` of malware, tools, indicators, reports
and threat actors into their ``*_types``, sets ``is_family`` of malware, converts indicator
patterns and observed data (its ``objects`` become SCOs with §2.9 ids) and confidence values.

The stepper assumes that every ``x_`` custom property is one the elevator made itself (prefix
``x_elevator_``) and cuts that prefix's length off every other one (``x_mitre_version`` would become
``rsion``); STIX 2.1 §11.1 still allows custom properties, and ATT&CK in STIX 2.1 keeps its
``x_mitre_*`` properties as they are. So they are set aside while an object is stepped and put back
unchanged, and so are references to custom objects (``x-mitre-…``), which the bundle-level step
would cut in the same way.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cyberdelta.platform.i18n import gettext as _


@dataclass(frozen=True)
class Stepped:
    """The objects of a STIX 2.0 bundle as STIX 2.1, and the objects the stepper could not convert."""

    objects: list[object]
    failed: list[tuple[str, str]]  # (object id, reason): passed on unchanged, then refused when stored
    tool: str  # "stix2-elevator 4.1.7"


def is_stix20(document: Mapping[str, Any]) -> bool:
    """A STIX 2.0 bundle: ``spec_version`` "2.0" on the bundle (required there in 2.0, gone in 2.1)."""
    return document.get("type") == "bundle" and document.get("spec_version") == "2.0"


@functools.cache
def _stepper() -> Any:
    """The stepper module, its options initialised once per process (the elevator keeps them global)."""
    from stix2elevator import stix_stepper
    from stix2elevator.options import initialize_options

    initialize_options()
    return stix_stepper


def tool() -> str:
    from stix2elevator.version import __version__

    return f"stix2-elevator {__version__}"


def _step(stix_object: dict[str, Any]) -> list[dict[str, Any]]:
    working = copy.deepcopy(stix_object)
    custom = {key: working.pop(key) for key in list(working) if key.startswith("x_")}
    stepped: list[dict[str, Any]] = _stepper().step_object(working)
    for item in stepped:
        if item.get("id") == stix_object.get("id"):
            item.update(custom)
    return stepped


def step(objects: list[object]) -> Stepped:
    """Every object of a STIX 2.0 bundle stepped to STIX 2.1 (objects already 2.1 are kept)."""
    converted: list[object] = []
    failed: list[tuple[str, str]] = []
    for item in objects:
        if (
            not isinstance(item, dict)
            or item.get("spec_version") == "2.1"
            or not isinstance(item.get("type"), str)
        ):
            converted.append(item)
            continue
        try:
            converted.extend(_step(item))
        except Exception as error:  # the library's errors have no common type
            identifier = item.get("id")
            reason = _(
                "stix2-elevator could not convert this object: %(reason)s",
                reason=str(error) or type(error).__name__,
            )
            failed.append((identifier if isinstance(identifier, str) else "", reason))
            converted.append(item)
    return Stepped(objects=converted, failed=failed, tool=tool())
