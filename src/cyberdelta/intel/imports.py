"""Reading intelligence exported by other tools into STIX 2.1 objects.

* STIX 2.1 bundles (§8), as exported by OpenCTI (``x_opencti_*`` custom properties are kept) and as
  published by MITRE for ATT&CK Enterprise (``enterprise-attack.json``: attack patterns, intrusion
  sets such as the Lazarus Group, malware, ``x-mitre-*`` objects), are taken object by object.
* STIX 2.0 bundles (ATT&CK in ``mitre/cti``) are stepped to STIX 2.1 with the OASIS
  ``stix2-elevator`` first (:mod:`cyberdelta.intel.stix20`); the result says so.
* MISP event JSON (``{"Event": {...}}``, MISP core format §2) becomes a STIX ``report`` plus
  indicators (:mod:`cyberdelta.intel.misp`); the attributes left out are listed with the reason.

Every object produced here still goes through :mod:`~cyberdelta.intel.validation` when stored.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

import orjson

from cyberdelta.intel import stix20
from cyberdelta.intel.misp import ImportFormatError, Skipped, misp_event
from cyberdelta.platform.i18n import gettext as _

__all__ = ["Document", "ImportFormatError", "Skipped", "read_document", "read_objects"]


@dataclass(frozen=True)
class Document:
    """A file read for import: its format, its STIX 2.1 objects and what reading it changed or left out.

    ``converted_by`` names the tool that stepped STIX 2.0 content to 2.1 (None: the file was 2.1);
    ``not_converted`` lists (object id, reason) of objects it could not step; ``skipped`` the MISP
    attributes that did not become indicators.
    """

    kind: str
    objects: list[object]
    converted_by: str | None = None
    not_converted: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def format_key(self) -> str:
        """The format as the import page names it: ``stix``, ``opencti``, ``attack``, ``misp``, or
        one of the first three with ``20`` appended for a converted STIX 2.0 file."""
        return self.kind + ("20" if self.converted_by else "")


def read_objects(data: bytes) -> list[object]:
    """The STIX 2.1 objects in a STIX bundle, a TAXII envelope or a MISP event export."""
    return read_document(data).objects


def _bundle_format(objects: list[object]) -> str:
    """Which tool a STIX bundle comes from, judged by its custom properties (for the import page)."""
    for item in objects:
        if not isinstance(item, dict):
            continue
        if any(key.startswith("x_mitre_") for key in item) or str(item.get("type", "")).startswith(
            "x-mitre-"
        ):
            return "attack"
        if any(key.startswith("x_opencti_") for key in item):
            return "opencti"
    return "stix"


def read_document(data: bytes) -> Document:
    """The format (``stix``, ``opencti``, ``attack`` or ``misp``) and the STIX 2.1 objects of a file."""
    try:
        # RFC 8259 §8.1: a leading UTF-8 byte order mark may be ignored (the catalog import does).
        document = orjson.loads(data.removeprefix(codecs.BOM_UTF8))
    except orjson.JSONDecodeError as error:
        raise ImportFormatError(_("file: not valid JSON (%(reason)s)", reason=str(error))) from None
    if isinstance(document, dict) and isinstance(document.get("objects"), list):
        objects: list[object] = document["objects"]
        if stix20.is_stix20(document):
            stepped = stix20.step(objects)
            return Document(
                _bundle_format(objects), stepped.objects, stepped.tool, not_converted=stepped.failed
            )
        return Document(_bundle_format(objects), objects)
    if isinstance(document, dict) and isinstance(document.get("Event"), dict):
        converted, skipped = misp_event(document["Event"])
        return Document("misp", converted, skipped=skipped)
    raise ImportFormatError(
        _("file: expected a STIX bundle (type, objects) or a MISP event (Event) at the top level")
    )
