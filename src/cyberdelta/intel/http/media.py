"""TAXII 2.1 media types, content negotiation and error messages (TAXII 2.1 §1.6.8, §3.6).

The Accept and Content-Type headers are parsed as lists of media ranges with parameters
(RFC 9110 §12.5.1), not with regular expressions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.responses import Response

TAXII = "application/taxii+json;version=2.1"
STIX = "application/stix+json;version=2.1"


class TaxiiError(Exception):
    """A TAXII 2.1 error message (§3.6.1) to send with ``http_status``."""

    def __init__(self, http_status: int, title: str, description: str = "") -> None:
        super().__init__(title)
        self.http_status = http_status
        self.title = title
        self.description = description


def _media_range(text: str) -> tuple[str, dict[str, str]]:
    kind, *parameters = (part.strip() for part in text.split(";"))
    values: dict[str, str] = {}
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        values[name.strip().lower()] = value.strip().strip('"')
    return kind.lower(), values


def _acceptable(kind: str, parameters: Mapping[str, str], offered: str) -> bool:
    offered_kind, offered_parameters = _media_range(offered)
    if parameters.get("q") in ("0", "0.0", "0.00", "0.000"):
        return False
    if kind == "*/*" or kind == offered_kind.split("/")[0] + "/*":
        return True
    if kind != offered_kind:
        return False
    version = parameters.get("version")
    return version is None or version == offered_parameters["version"]


def negotiate(accept: str | None, offers: tuple[str, ...] = (TAXII,)) -> str:
    """The media type to answer with, or a 406 TaxiiError (§1.6.8.1) when none is acceptable.

    A missing Accept header means "anything" (RFC 9110 §12.5.1).
    """
    if not accept:
        return offers[0]
    ranges = [_media_range(item) for item in accept.split(",") if item.strip()]
    for offered in offers:
        if any(_acceptable(kind, parameters, offered) for kind, parameters in ranges):
            return offered
    raise TaxiiError(406, "Not Acceptable", f"the Accept header must allow {' or '.join(offers)}")


def require_content_type(content_type: str | None) -> None:
    """POST bodies must be TAXII envelopes (§5.5): anything else is a 415."""
    kind, parameters = _media_range(content_type or "")
    if kind != "application/taxii+json" or parameters.get("version", "2.1") != "2.1":
        raise TaxiiError(415, "Unsupported Media Type", f"the Content-Type header must be {TAXII}")


def taxii_response(
    body: str | Mapping[str, Any],
    *,
    status_code: int = 200,
    media_type: str = TAXII,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A response whose body is already JSON text (or a mapping to serialise) with the TAXII type."""
    text = body if isinstance(body, str) else orjson.dumps(body).decode()
    return Response(text, status_code=status_code, media_type=media_type, headers=dict(headers or {}))


def error_response(error: TaxiiError) -> Response:
    document = {"title": error.title, "description": error.description, "http_status": str(error.http_status)}
    headers = {"WWW-Authenticate": 'Basic realm="CyberDelta TAXII"'} if error.http_status == 401 else None
    return taxii_response(document, status_code=error.http_status, headers=headers)
