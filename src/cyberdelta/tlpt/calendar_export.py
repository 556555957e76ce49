"""The deadlines of an engagement as an iCalendar file (RFC 5545; docs/tlpt.md, "Calendar"): one
all-day ``VEVENT`` per deadline (§3.6.1, ``DTSTART;VALUE=DATE`` and the next day as ``DTEND``), with
a ``UID`` stable across exports (§3.8.4.7) so that a calendar updates rather than duplicates, text
escaped (§3.3.11) and lines folded at 75 octets (§3.1), CRLF line ends. The summary names the code
name and the deadline, nothing of the content."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from cyberdelta.tlpt.timeline import Deadline


def escape(text: str) -> str:
    """TEXT value escaping of RFC 5545 §3.3.11."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character (RFC 5545 §3.1)."""
    encoded, parts, start = line.encode(), [], 0
    limit = 75
    while len(encoded) - start > limit:
        end = start + limit
        while end > start and (encoded[end] & 0xC0) == 0x80:
            end -= 1
        parts.append(encoded[start:end].decode())
        start, limit = end, 74  # continuation lines start with one space
    parts.append(encoded[start:].decode())
    return "\r\n ".join(parts)


def calendar(
    uid_prefix: str, code_name: str, deadlines: Sequence[Deadline], titles: dict[str, str], stamp: datetime
) -> str:
    lines: list[str] = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//CyberDelta//TLPT deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for deadline in deadlines:
        lines.extend(_event(uid_prefix, code_name, deadline, titles, stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _event(
    uid_prefix: str, code_name: str, deadline: Deadline, titles: dict[str, str], stamp: datetime
) -> Iterable[str]:
    title = titles.get(deadline.key) or titles.get(deadline.phase, deadline.phase)
    yield "BEGIN:VEVENT"
    yield f"UID:{uid_prefix}-{deadline.key}@cyberdelta"
    yield f"DTSTAMP:{stamp.strftime('%Y%m%dT%H%M%SZ')}"
    yield f"DTSTART;VALUE=DATE:{deadline.on.strftime('%Y%m%d')}"
    yield f"DTEND;VALUE=DATE:{(deadline.on + timedelta(days=1)).strftime('%Y%m%d')}"
    yield f"SUMMARY:{escape(f'{code_name}: {title}')}"
    yield f"DESCRIPTION:{escape(deadline.source)}"
    yield "TRANSP:TRANSPARENT"
    yield "STATUS:CONFIRMED"
    yield "END:VEVENT"
