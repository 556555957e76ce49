"""Planner statistics of the object table during bulk loads (PostgreSQL ``ANALYZE``).

Bulk loads outrun autovacuum (it looks once a minute): with statistics of a table a hundredth of
its size the planner scanned the whole collection for every envelope's version lookup (39 ms
instead of < 2 ms per 1,000 ids at 100,000 objects). The store therefore runs ``ANALYZE`` itself
once the table has more changed rows than at its last analysis (at least
:data:`ANALYZE_MIN_CHANGES`), which keeps it to a few runs per order of magnitude of growth, and
samples only the columns that queries filter or sort on (the JSON bodies and search text were half
the cost).

Whether that point is reached is looked up in the database only after every
:data:`ANALYZE_MIN_CHANGES` rows this process stores (the lookup cost a millisecond of the server's
time per envelope). The changed rows are the larger of PostgreSQL's count, which reaches the
statistics views up to a second late, and the rows this process stored since it last analysed.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

ANALYZE_MIN_CHANGES = 5000
# The columns the hub's queries filter and sort on (statistics for the planner).
PLANNED_COLUMNS = (
    "collection_id", "stix_id", "stix_type", "spec_version", "modified_us", "date_added_us", "is_latest",
    "tlp", "publisher_organisation_id", "recipients",
)  # fmt: skip


@dataclass
class _Growth:
    """Rows stored through one engine since it last looked, and since it last analysed."""

    since_check: int = 0
    since_analyze: int = 0


_growth: weakref.WeakKeyDictionary[Engine, _Growth] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def note_stored(session: Session, rows: int) -> None:
    """Count rows just stored in ``intel_object``; ``ANALYZE`` it when it has grown enough."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql" or rows <= 0:
        return
    with _lock:
        growth = _growth.setdefault(bind.engine, _Growth())
        growth.since_check += rows
        growth.since_analyze += rows
        if growth.since_check < ANALYZE_MIN_CHANGES:
            return
        growth.since_check = 0
        ours = growth.since_analyze
    if _analyze_if_grown(session, ours):
        with _lock:
            growth.since_analyze = 0


def _analyze_if_grown(session: Session, ours: int) -> bool:
    found = session.execute(
        text(
            "SELECT s.n_mod_since_analyze, c.reltuples FROM pg_stat_user_tables s"
            " JOIN pg_class c ON c.oid = s.relid WHERE s.relname = 'intel_object'"
        )
    ).first()
    if found is None:
        return False
    changed, rows = max(int(found[0]), ours), float(found[1])
    if changed <= max(ANALYZE_MIN_CHANGES, rows):
        return False
    # A sample of 6,000 rows (the default samples 30,000) ranks ids, types and dates as well.
    session.execute(text("SET LOCAL default_statistics_target = 20"))
    session.execute(text(f"ANALYZE intel_object ({', '.join(PLANNED_COLUMNS)})"))
    session.execute(text("RESET default_statistics_target"))
    return True
