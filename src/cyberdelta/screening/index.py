"""The compiled screening index: every current entry by ``space\\0key``, built once per set of
list versions and kept while they stay current (docs/screening.md, "Speed").

``screen_many`` is the batch hot path: an address's shape picks its normaliser without decoding,
invalid addresses come back as values rather than exceptions, and results for a repeated input
(the same deposit address many times in a day) are computed once per batch. When the C extension
``addresses._fastpath`` is built (it is, by the editable install; see docs/screening.md, "Speed"),
the commonest shapes written without a chain (EVM, Bitcoin Base58Check and Bech32, Tron) are
validated and looked up in C, and the rest by the Python normalisers; both give the same results
(tests/screening/test_fast_path.py).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.screening.addresses import Invalid, UnknownChainError, parse
from cyberdelta.screening.addresses.chains import chain_name
from cyberdelta.screening.addresses.errors import message
from cyberdelta.screening.freshness import is_stale, reference_date, today_in_japan
from cyberdelta.screening.lists import current_versions
from cyberdelta.screening.models import ScreeningEntry

try:
    from cyberdelta.screening.addresses import _fastpath
except ImportError:  # not built (a compiler was missing): the Python normalisers do everything
    _fastpath = None  # type: ignore[assignment]

ACCELERATED = _fastpath is not None
FAST_SPACES = ("evm", "bitcoin", "tron")  # the order of the tables _fastpath.screen takes


@dataclass(frozen=True, slots=True)
class Hit:
    source: str
    version_id: int
    entry_ref: str | None
    entry_name: str | None
    programme: str | None
    listed_as: str


class Result(NamedTuple):
    input: str
    chain: str | None
    normalised: str | None
    valid: bool
    error: str | None
    hits: tuple[Hit, ...]


@dataclass(frozen=True, slots=True)
class ListUsed:
    version_id: int
    source: str
    filename: str
    published_on: date | None
    imported_at: datetime
    entry_count: int
    reference: date

    def stale(self, today: date) -> bool:
        return is_stale(self.reference, today)


class ScreeningIndex:
    """Listed addresses of the given versions, looked up by ``space\\0key``."""

    def __init__(self, lists: Sequence[ListUsed], entries: Iterable[tuple[str, str, Hit]]) -> None:
        self.lists = tuple(lists)
        table: dict[str, tuple[Hit, ...]] = {}
        for space, key, hit in entries:
            flat = space + "\0" + key
            table[flat] = (*table.get(flat, ()), hit)
        self.table = table
        self._by_space: tuple[dict[str, tuple[Hit, ...]], ...] | None = None

    def __len__(self) -> int:
        return len(self.table)

    def screen_one(self, text: str, chain: str | None = None) -> Result:
        return self.screen_many([text], chain)[0]

    def screen_many(
        self, texts: Sequence[str], chain: str | None = None, *, accelerated: bool = True
    ) -> list[Result]:
        """Screen every text on ``chain`` (each detected when None); never raises for an address.
        ``accelerated=False`` keeps to the Python normalisers (the tests compare the two).

        A large batch runs with the cyclic garbage collector paused: its results hold no cycles,
        and the collector's passes over a growing list of a million results cost a third of the
        time (Python documentation, ``gc``)."""
        chain = chain_name(chain) if chain is not None else None
        paused = len(texts) >= 10_000 and gc.isenabled()
        if paused:
            gc.disable()
        try:
            if accelerated and _fastpath is not None and chain is None:
                return self._screen_fast(texts)
            return self._screen(texts, chain)
        finally:
            if paused:
                gc.enable()

    def _screen(self, texts: Sequence[str], chain: str | None) -> list[Result]:
        table = self.table
        seen: dict[str, Result] = {}
        out: list[Result] = []
        append = out.append
        for text in texts:
            result = seen.get(text)
            if result is None:
                found = parse(chain, text)
                if isinstance(found, Invalid):
                    result = Result(text, found.chain or chain, None, False, found.render(), ())
                else:
                    flat = found.space + "\0" + found.key
                    result = Result(text, found.chain, found.key, True, None, table.get(flat, ()))
                seen[text] = result
            append(result)
        return out

    def _fast_tables(self) -> tuple[dict[str, tuple[Hit, ...]], ...]:
        """The table split by key space, for the spaces the C path handles (built on first use;
        two threads building it at once build the same)."""
        tables = self._by_space
        if tables is None:
            split: dict[str, dict[str, tuple[Hit, ...]]] = {space: {} for space in FAST_SPACES}
            for flat, hits in self.table.items():
                space, _, key = flat.partition("\0")
                if space in split:
                    split[space][key] = hits
            tables = self._by_space = tuple(split[space] for space in FAST_SPACES)
        return tables

    def _screen_fast(self, texts: Sequence[str]) -> list[Result]:
        """The C fast path, then the Python normalisers for the inputs it leaves (``pending``).
        A batch in which inputs recur (deposit addresses do) is screened once per distinct input."""
        distinct = list(dict.fromkeys(texts))
        if len(distinct) < len(texts) * 0.9:
            by_text = dict(zip(distinct, self._screen_fast_distinct(distinct), strict=True))
            return [by_text[text] for text in texts]
        return self._screen_fast_distinct(texts)

    def _screen_fast_distinct(self, texts: Sequence[str]) -> list[Result]:
        messages = (message("checksum", {}), message("eip55", {}))
        results, pending = _fastpath.screen(texts, self._fast_tables(), Result, messages)
        if pending:
            rest = self._screen([texts[i] for i in pending], None)
            for i, result in zip(pending, rest, strict=True):
                results[i] = result
        return results

    def stale_lists(self, today: date | None = None) -> list[ListUsed]:
        day = today or today_in_japan()
        return [used for used in self.lists if used.stale(day)]


_cache: dict[tuple[str, tuple[str, ...]], ScreeningIndex] = {}
_lock = threading.Lock()


def index_for(session: Session) -> ScreeningIndex:
    """The index of the current versions, compiled once per database and set of versions."""
    versions = current_versions(session)
    lists = [
        ListUsed(
            v.id,
            v.source,
            v.filename,
            v.published_on,
            v.imported_at,
            v.entry_count,
            reference_date(v.published_on, v.imported_at),
        )
        for v in versions
    ]
    bind = session.get_bind()
    database = str(bind.engine.url)
    # The content hash as well as the id: SQLite may give a deleted version's id to a new one.
    cache_key = (database, tuple(f"{v.id}:{v.content_sha256}" for v in versions))
    with _lock:
        cached = _cache.get(cache_key)
    if cached is not None:
        return cached
    sources = {v.id: v.source for v in versions}
    rows = session.execute(
        select(
            ScreeningEntry.version_id,
            ScreeningEntry.space,
            ScreeningEntry.key,
            ScreeningEntry.entry_ref,
            ScreeningEntry.entry_name,
            ScreeningEntry.programme,
            ScreeningEntry.original,
        ).where(ScreeningEntry.version_id.in_(list(sources)))
    )
    index = ScreeningIndex(
        lists,
        (
            (space, key, Hit(sources[vid], vid, ref, name, programme, original))
            for vid, space, key, ref, name, programme, original in rows
        ),
    )
    with _lock:
        for old in [k for k in _cache if k[0] == cache_key[0]]:
            del _cache[old]
        _cache[cache_key] = index
    return index


__all__ = ["Hit", "ListUsed", "Result", "ScreeningIndex", "UnknownChainError", "index_for"]
