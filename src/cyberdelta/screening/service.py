"""Screening addresses against the current lists, with every decision audited
(docs/screening.md, "Screening").

The audit entry of a decision names the list versions it used, whether any was stale, the list
sources the organisation applies (:mod:`~cyberdelta.screening.list_settings`), the live sources it
read and when (:mod:`~cyberdelta.screening.sources.live`, the hub's indicators under TLP 2.0), and
the hits, so that a firm can show later what it knew when. A single check is one decision; a batch
is one decision whose entry counts the inputs and lists every hit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.audit.service import audit
from cyberdelta.screening.addresses import Invalid, UnknownChainError, parse
from cyberdelta.screening.freshness import JST, today_in_japan
from cyberdelta.screening.index import Hit, ListUsed, Result, index_for
from cyberdelta.screening.list_settings import excluded_sources, known_sources
from cyberdelta.screening.sources.live import LiveHit, LiveList, LiveSource


@dataclass(frozen=True)
class Screening:
    results: list[Result]
    lists: tuple[ListUsed, ...]
    stale: tuple[ListUsed, ...]
    # The sources the organisation applies (docs/screening.md, "Which lists apply").
    applied: tuple[str, ...] = ()
    live: tuple[LiveList, ...] = ()

    @property
    def hit(self) -> bool:
        return any(result.hits for result in self.results)

    @property
    def invalid(self) -> bool:
        return any(not result.valid for result in self.results)


def screen(
    session: Session,
    texts: Sequence[str],
    *,
    actor: Actor,
    chain: str | None = None,
    chains: Sequence[str | None] | None = None,
    today: date | None = None,
    batch: bool = False,
    live: Sequence[LiveSource] = (),
) -> Screening:
    """Screen ``texts`` on ``chain``, or each on its own of ``chains`` (None: detected), against the
    sources the actor's organisation applies, the ``live`` ones read for that organisation, and
    record the decision (one audit entry per address, or one per batch)."""
    index = index_for(session)
    if chains is None or chain is not None:
        results = index.screen_many(texts, chain)
    else:
        groups: dict[str | None, list[int]] = {}
        for position, row_chain in enumerate(chains):
            groups.setdefault(row_chain, []).append(position)
        ordered: list[Result | None] = [None] * len(texts)
        for group_chain, positions in groups.items():
            try:
                found = index.screen_many([texts[p] for p in positions], group_chain)
            except UnknownChainError as error:  # a row's own chain: that row is invalid, not the batch
                found = [Result(texts[p], group_chain, None, False, error.render(), ()) for p in positions]
            for position, result in zip(positions, found, strict=True):
                ordered[position] = result
        results = [result for result in ordered if result is not None]
    day = today or today_in_japan()
    excluded = excluded_sources(session, actor.organisation_id)
    applied = tuple(name for name in known_sources(s.source for s in live) if name not in excluded)
    used_lists = tuple(used for used in index.lists if used.source not in excluded)
    if excluded:
        results = [_without(result, excluded) for result in results]
    read = tuple(
        source.read(session, actor.organisation_id)
        for source in live
        if actor.organisation_id is not None and source.source not in excluded
    )
    if any(read):
        results = _with_live(results, read)
    stale = tuple(used for used in used_lists if used.stale(day))
    lists = [used.version_id for used in used_lists]
    stale_ids = [used.version_id for used in stale]
    live_lists = [
        {"source": found.source, "read_at": found.read_at.isoformat(), "entries": len(found)}
        for found in read
    ]
    if batch:
        _record(
            session,
            actor,
            "screening.batch",
            {
                "inputs": len(results),
                "invalid": sum(not r.valid for r in results),
                "hits": [_hit_detail(r) for r in results if r.hits][:1000],
                "hit_count": sum(bool(r.hits) for r in results),
                "lists": lists,
                "stale_lists": stale_ids,
                "applied_sources": list(applied),
                "live_lists": live_lists,
                "chain": chain,
            },
        )
    else:
        for result in results:
            _record(
                session,
                actor,
                "screening.check",
                {
                    **_hit_detail(result),
                    "valid": result.valid,
                    "error": result.error,
                    "lists": lists,
                    "stale_lists": stale_ids,
                    "applied_sources": list(applied),
                    "live_lists": live_lists,
                },
            )
    every = used_lists + tuple(_live_used(found) for found in read)
    return Screening(results, every, stale, applied, read)


def _without(result: Result, excluded: frozenset[str]) -> Result:
    if not result.hits:
        return result
    return result._replace(hits=tuple(hit for hit in result.hits if hit.source not in excluded))


def _with_live(results: list[Result], read: Sequence[LiveList]) -> list[Result]:
    """Add the live sources' hits: a result whose key a live source lists is parsed again for its
    key space (EVM accounts share one space across chains)."""
    keys = read[0].bare_keys() if len(read) == 1 else frozenset().union(*(f.bare_keys() for f in read))
    out: list[Result] = []
    for result in results:
        if result.valid and result.normalised in keys:
            found_address = parse(result.chain, result.input)
            if not isinstance(found_address, Invalid):
                flat = found_address.space + "\0" + found_address.key
                extra: tuple[Hit, ...] = tuple(hit for found in read for hit in found.entries.get(flat, ()))
                if extra:
                    result = result._replace(hits=result.hits + extra)
        out.append(result)
    return out


def _live_used(found: LiveList) -> ListUsed:
    """A live source as a list in use: version 0, read (and so current) at ``read_at``."""
    return ListUsed(
        0, found.source, "", None, found.read_at, len(found), found.read_at.astimezone(JST).date()
    )


# Control characters are written as escapes: the trail is JSON, and PostgreSQL's jsonb refuses NUL.
CONTROLS = {code: f"\\x{code:02x}" for code in [*range(32), 127]}


def _for_audit(text: str) -> str:
    return text[:300].translate(CONTROLS)


def _hit_detail(result: Result) -> dict[str, Any]:
    return {
        "input": _for_audit(result.input),
        "chain": result.chain,
        "normalised": result.normalised,
        "hits": [_hit_record(hit) for hit in result.hits],
    }


def _hit_record(hit: Hit) -> dict[str, Any]:
    record: dict[str, Any] = {
        "version": hit.version_id,
        "source": hit.source,
        "entry": hit.entry_ref,
        "programme": hit.programme,
    }
    if isinstance(hit, LiveHit):
        record |= {"tlp": hit.tlp, "entry_version": hit.entry_version, "read_at": hit.read_at.isoformat()}
    return record


def _record(session: Session, actor: Actor, action: str, details: dict[str, Any]) -> None:
    audit(session, actor, action, object_type="screening", details=details)


def result_json(result: Result) -> dict[str, Any]:
    """A result as the CLI's ``--format json`` and the API print it."""
    return {
        "input": result.input,
        "chain": result.chain,
        "normalised": result.normalised,
        "valid": result.valid,
        "error": result.error,
        "hits": [_hit_json(hit) for hit in result.hits],
    }


def _hit_json(hit: Hit) -> dict[str, Any]:
    found: dict[str, Any] = {
        "list": hit.source,
        "list_version": hit.version_id,
        "entry": hit.entry_ref,
        "name": hit.entry_name,
        "programme": hit.programme,
        "listed_as": hit.listed_as,
    }
    if isinstance(hit, LiveHit):
        found |= {"tlp": hit.tlp, "entry_version": hit.entry_version, "read_at": hit.read_at.isoformat()}
    return found


@dataclass(frozen=True)
class PastHit:
    """A hit as the audit trail recorded it."""

    occurred_at: datetime
    input: str
    chain: str | None
    normalised: str | None
    hits: list[dict[str, Any]]
    user_id: int | None


def recent_hits(session: Session, organisation_id: int | None, *, scan: int = 500) -> list[PastHit]:
    """The organisation's checks that hit, newest first, read back from the audit trail among its
    last ``scan`` checks (the trail is the record: no second copy is kept)."""
    rows = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "screening.check", AuditEntry.organisation_id == organisation_id)
        .order_by(AuditEntry.sequence.desc())
        .limit(scan)
    )
    return [
        PastHit(
            row.occurred_at,
            str(row.details.get("input", "")),
            row.details.get("chain"),
            row.details.get("normalised"),
            list(row.details.get("hits") or []),
            row.actor_user_id,
        )
        for row in rows
        if row.details.get("hits")
    ]
