"""Exercise time of an inject relative to the start of play, written ``D+1 H+2 M+30`` (day, hour and
minute of the exercise; the master event list convention of HSEEP exercise planning, in which
``D+0 H+0 M+0`` is the start of play, "StartEx").

:func:`parse_offset` reads that notation into minutes and refuses anything else;
:func:`format_offset` writes minutes back in the one canonical spelling.
"""

from __future__ import annotations

import re

from cyberdelta.platform.i18n import gettext as _

_PATTERN = re.compile(r"^D\+(\d{1,2})(?: H\+(\d{1,2}))?(?: M\+(\d{1,2}))?$")
MINUTES_PER_DAY = 24 * 60
MAX_DAYS = 30


class OffsetError(ValueError):
    """The text is not an exercise time; the message says what is expected."""


def parse_offset(text: str) -> int:
    """Minutes from the start of play: ``D+1 H+2 M+30`` → 1590. Hours run 0–23, minutes 0–59,
    days 0–30; ``D+0`` alone is the start."""
    found = _PATTERN.match(" ".join(text.strip().upper().split()))
    if found is None:
        raise OffsetError(_("write the exercise time as D+day H+hour M+minute, e.g. D+0 H+2 M+30"))
    days, hours, minutes = (int(part) if part else 0 for part in found.groups())
    if days > MAX_DAYS or hours > 23 or minutes > 59:
        raise OffsetError(_("days run 0–30, hours 0–23 and minutes 0–59"))
    return days * MINUTES_PER_DAY + hours * 60 + minutes


def format_offset(minutes: int) -> str:
    """The canonical spelling of an offset: always all three parts."""
    days, rest = divmod(minutes, MINUTES_PER_DAY)
    hours, mins = divmod(rest, 60)
    return f"D+{days} H+{hours} M+{mins}"
