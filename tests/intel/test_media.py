"""TAXII 2.1 content negotiation parsed as media ranges (no regular expressions)."""

from __future__ import annotations

import pytest

from cyberdelta.intel.http.media import STIX, TAXII, TaxiiError, negotiate, require_content_type


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, TAXII),
        ("*/*", TAXII),
        ("application/*", TAXII),
        ("application/taxii+json", TAXII),
        ("application/taxii+json; version=2.1", TAXII),
        ("text/html, application/stix+json;version=2.1;q=0.9", STIX),
    ],
)
def test_acceptable_headers(accept: str | None, chosen: str) -> None:
    assert negotiate(accept, (TAXII, STIX)) == chosen


@pytest.mark.parametrize(
    "accept", ["application/json", "application/taxii+json;version=2.0", "application/taxii+json;q=0"]
)
def test_unacceptable_headers_are_406(accept: str) -> None:
    with pytest.raises(TaxiiError) as raised:
        negotiate(accept)
    assert raised.value.http_status == 406


@pytest.mark.parametrize("content_type", [None, "application/json", "application/taxii+json;version=2.0"])
def test_posted_bodies_must_be_taxii_envelopes(content_type: str | None) -> None:
    with pytest.raises(TaxiiError) as raised:
        require_content_type(content_type)
    assert raised.value.http_status == 415
