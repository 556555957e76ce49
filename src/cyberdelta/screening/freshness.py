"""Whether a list is fresh: published (or, when the file does not say, imported) no more than one
Japanese business day ago (docs/screening.md, "Freshness").

A business day is a weekday that is not a national holiday (``jpholiday``, the Act on National
Holidays) and not one of the banks' year-end closing days, 31 December to 3 January. A list of
Friday is fresh on Friday and on Monday, stale from Tuesday; across a holiday it stays fresh one
business day longer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import jpholiday

JST = timezone(timedelta(hours=9), "JST")
DEFAULT_BUSINESS_DAYS = 1


def is_business_day(day: date) -> bool:
    if day.weekday() >= 5:
        return False
    if (day.month, day.day) in ((12, 31), (1, 1), (1, 2), (1, 3)):
        return False
    return not jpholiday.is_holiday(day)


def business_days_after(start: date, end: date) -> int:
    """Business days ``d`` with ``start < d <= end``."""
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        count += is_business_day(day)
        day += timedelta(days=1)
    return count


def today_in_japan(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(JST).date()


def reference_date(published_on: date | None, imported_at: datetime) -> date:
    return published_on or imported_at.astimezone(JST).date()


def is_stale(reference: date, today: date, max_business_days: int = DEFAULT_BUSINESS_DAYS) -> bool:
    return business_days_after(reference, today) > max_business_days
