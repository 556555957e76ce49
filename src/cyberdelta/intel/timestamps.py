"""STIX 2.1 / TAXII 2.1 timestamps as integers (microseconds since the Unix epoch).

STIX 2.1 §3.2: timestamps are RFC 3339 in UTC with a ``Z`` and optional sub-second precision.
TAXII 2.1 §3.1 uses the same format for ``date_added`` and ``added_after``. Integers compare the
same on every database and keep the full microsecond precision.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from cyberdelta.platform.errors import DomainError

STIX_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class TimestampError(DomainError, ValueError):
    """Not a STIX 2.1 timestamp."""

    status = 400


def parse_us(value: object) -> int:
    """Microseconds since the epoch of a STIX timestamp; digits beyond microseconds are truncated."""
    if not isinstance(value, str):
        raise TimestampError(f"{value!r} is not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s+]Z)")
    return _parse_text(value)


@lru_cache(maxsize=8192)
def _parse_text(value: str) -> int:
    """:func:`parse_us` of a string, memoised: an envelope repeats the same few timestamps."""
    if STIX_TIMESTAMP.match(value) is None:
        raise TimestampError(f"{value!r} is not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s+]Z)")
    head, _, fraction = value[:-1].partition(".")
    try:
        moment = datetime.fromisoformat(head).replace(tzinfo=UTC)
    except ValueError as error:
        raise TimestampError(f"{value!r} is not a valid date and time: {error}") from None
    micro = int((fraction + "000000")[:6]) if fraction else 0
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + micro


@lru_cache(maxsize=8192)
def format_us(value: int) -> str:
    """The TAXII 2.1 form of a timestamp, always with six fractional digits."""
    moment = EPOCH + timedelta(microseconds=value)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value % 1_000_000:06d}Z"


def format_date_us(value: int) -> str:
    """A date and minute for pages (UTC)."""
    return (EPOCH + timedelta(microseconds=value)).strftime("%Y-%m-%d %H:%M UTC")


def now_us() -> int:
    delta = datetime.now(UTC) - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
