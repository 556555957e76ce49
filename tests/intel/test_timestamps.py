"""STIX/TAXII timestamps as microsecond integers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyberdelta.intel.timestamps import TimestampError, format_us, parse_us


@given(st.integers(min_value=0, max_value=253_402_300_799_999_999))
def test_format_then_parse_is_the_identity(value: int) -> None:
    assert parse_us(format_us(value)) == value


def test_precision_beyond_microseconds_is_truncated_and_shorter_is_padded() -> None:
    assert parse_us("2026-11-01T09:00:00.1234567Z") == parse_us("2026-11-01T09:00:00.123456Z")
    assert parse_us("2026-11-01T09:00:00.1Z") == parse_us("2026-11-01T09:00:00.100000Z")
    assert parse_us("1970-01-01T00:00:01Z") == 1_000_000


@pytest.mark.parametrize(
    "text",
    ["2026-11-01", "2026-11-01T09:00:00", "2026-11-01T09:00:00+09:00", "2026-13-01T00:00:00Z", 17, None],
)
def test_anything_but_a_utc_stix_timestamp_is_refused(text: object) -> None:
    with pytest.raises(TimestampError):
        parse_us(text)
