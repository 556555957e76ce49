"""``cyberdelta screen …``: import lists, check addresses, screen a CSV batch, show the lists.

Exit status: 0 no hit, 5 a hit, 2 bad input (an invalid address, an unknown chain or source, a
file that cannot be read) (docs/screening.md, "Commands").
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cyberdelta.platform.actor import Actor
from cyberdelta.platform.console import err, out, print_plain, read_file, settings, upgraded_engine
from cyberdelta.platform.db.engine import make_session_factory, transaction
from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.tabular import UTF8_BOM, safe_cell
from cyberdelta.screening.index import Result

screen_app = typer.Typer(help="Address screening against sanctions lists.", no_args_is_help=True)

EXIT_HIT = 5
EXIT_BAD_INPUT = 2


def _fail(error: DomainError) -> typer.Exit:
    err.print(f"[red]{_('Error')}:[/red] ", end="")
    err.print(error.render(), markup=False, highlight=False)
    return typer.Exit(EXIT_BAD_INPUT)


@screen_app.command("import")
def screen_import(
    file: Annotated[Path, typer.Argument(help="The list file as published.")],
    source: Annotated[str, typer.Option(help="ofac-sdn-xml, ofac-sdn-csv, un-xml, mof or lines.")],
    chain: Annotated[str | None, typer.Option(help="Chain of a one-address-a-line file.")] = None,
) -> None:
    """Import a list file as a new list version (all or nothing; malformed entries are reported
    and skipped)."""
    from cyberdelta.screening.lists import import_list

    try:
        if not file.is_file():
            read_file(file)  # the error that names the path and the reason
        engine = upgraded_engine(settings())
        with transaction(make_session_factory(engine)) as session:
            result = import_list(
                session, file, source=source, filename=file.name, actor=Actor.console(), chain=chain
            )
    except DomainError as error:
        raise _fail(error) from None
    for problem in result.problems:
        err.print(_("skipped: %(problem)s", problem=problem.render()), markup=False, highlight=False)
    for spelling in result.checksum_mismatches:
        err.print(
            _("imported in lower case, its EIP-55 checksum does not match: %(address)s", address=spelling),
            markup=False,
            highlight=False,
        )
    out.print(
        _(
            "Imported list version %(version)s: %(entries)s addresses, %(skipped)s skipped.",
            version=result.version_id,
            entries=result.entry_count,
            skipped=len(result.problems),
        )
    )


def _screen(
    texts: list[str], chain: str | None, *, batch: bool, chains: list[str | None] | None = None
) -> tuple[list[Result], bool, list[str]]:
    from cyberdelta.screening.service import screen

    engine = upgraded_engine(settings())
    with transaction(make_session_factory(engine)) as session:
        screening = screen(session, texts, actor=Actor.console(), chain=chain, chains=chains, batch=batch)
    stale = [f"{used.source} #{used.version_id} ({used.reference.isoformat()})" for used in screening.stale]
    return screening.results, screening.hit, stale


@screen_app.command("check")
def screen_check(
    addresses: Annotated[list[str], typer.Argument(help="Addresses to screen.")],
    chain: Annotated[
        str | None, typer.Option(help="Chain of the addresses (detected when not given).")
    ] = None,
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Screen addresses against the current lists (audited); exit 5 on a hit, 2 on an invalid address."""
    from cyberdelta.screening.service import result_json

    if format not in ("text", "json"):
        err.print(_("format: use text or json"))
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        results, hit, stale = _screen(addresses, chain, batch=False)
    except DomainError as error:
        raise _fail(error) from None
    for line in stale:
        err.print(_("warning: list older than one business day: %(list)s", list=line), markup=False)
    if format == "json":
        print_plain(json.dumps([result_json(r) for r in results], ensure_ascii=False, indent=2))
    else:
        for result in results:
            print_plain(_describe(result))
    if hit:
        raise typer.Exit(EXIT_HIT)
    if any(not r.valid for r in results):
        raise typer.Exit(EXIT_BAD_INPUT)


def _describe(result: Result) -> str:
    if not result.valid:
        return _("%(input)s: invalid (%(error)s)", input=result.input, error=result.error or "")
    if not result.hits:
        return _(
            "%(input)s: no hit (%(chain)s %(key)s)",
            input=result.input,
            chain=result.chain,
            key=result.normalised,
        )
    names = "; ".join(
        f"{hit.source} #{hit.version_id} {hit.entry_ref or ''} {hit.entry_name or ''} [{hit.programme or ''}]"
        for hit in result.hits
    )
    return _("%(input)s: HIT %(hits)s", input=result.input, hits=names)


CSV_HEADER = (
    "input",
    "chain",
    "normalised",
    "valid",
    "error",
    "hits",
    "lists",
    "entries",
    "programmes",
    "stale",
)


def read_batch(data: bytes) -> tuple[list[str], list[str | None]]:
    """Addresses (and chains) of a batch CSV: an ``address`` column and an optional ``chain``
    column when the first row names them, else the first column."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig", errors="replace"))))
    if not rows:
        return [], []
    header = [cell.strip().lower() for cell in rows[0]]
    if "address" in header:
        column, chain_column = header.index("address"), header.index("chain") if "chain" in header else None
        rows = rows[1:]
    else:
        column, chain_column = 0, None
    texts = [row[column] if column < len(row) else "" for row in rows if row]
    chains = [
        (row[chain_column].strip() or None) if chain_column is not None and chain_column < len(row) else None
        for row in rows
        if row
    ]
    return texts, chains


@screen_app.command("batch")
def screen_batch(
    file: Annotated[Path, typer.Argument(help="CSV with an address column (and optionally chain).")],
    out_file: Annotated[Path, typer.Option("--out", help="CSV file to write the results to.")],
    chain: Annotated[
        str | None, typer.Option(help="Chain of every address (else the chain column, else detected).")
    ] = None,
) -> None:
    """Screen a CSV of addresses into a CSV of results (formula-safe; audited as one decision)."""
    try:
        texts, chains = read_batch(read_file(file))
        results, hit, stale = _screen(texts, chain, batch=True, chains=chains)
    except DomainError as error:
        raise _fail(error) from None
    with out_file.open("w", encoding="utf-8", newline="") as handle:
        handle.write(UTF8_BOM)
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADER)
        for r in results:
            writer.writerow(
                [
                    safe_cell(cell)
                    for cell in (
                        r.input,
                        r.chain or "",
                        r.normalised or "",
                        "true" if r.valid else "false",
                        r.error or "",
                        len(r.hits),
                        " ".join(sorted({f"{h.source}#{h.version_id}" for h in r.hits})),
                        "; ".join(f"{h.entry_ref or ''} {h.entry_name or ''}".strip() for h in r.hits),
                        "; ".join(sorted({h.programme for h in r.hits if h.programme})),
                        "true" if stale else "false",
                    )
                ]
            )
    err.print(
        _(
            "Screened %(count)s addresses: %(hits)s hits, %(invalid)s invalid; wrote %(path)s",
            count=len(results),
            hits=sum(bool(r.hits) for r in results),
            invalid=sum(not r.valid for r in results),
            path=str(out_file),
        ),
        markup=False,
    )
    if hit:
        raise typer.Exit(EXIT_HIT)


@screen_app.command("lists")
def screen_lists() -> None:
    """Show every imported list version, which are current, and whether they are fresh."""
    from cyberdelta.screening.freshness import is_stale, reference_date, today_in_japan
    from cyberdelta.screening.lists import all_versions, current_versions

    engine = upgraded_engine(settings())
    with transaction(make_session_factory(engine)) as session:
        versions = all_versions(session)
        current = {v.id for v in current_versions(session)}
        rows = [
            (
                v.id,
                v.source,
                v.filename,
                v.published_on,
                v.imported_at,
                v.entry_count,
                v.skipped_count,
                reference_date(v.published_on, v.imported_at),
            )
            for v in versions
        ]
    today = today_in_japan()
    table = Table(
        "#", _("Source"), _("File"), _("Published"), _("Imported"), _("Addresses"), _("Skipped"), _("State")
    )
    for vid, source, filename, published, imported, count, skipped, reference in rows:
        state = _("superseded")
        if vid in current:
            state = _("stale") if is_stale(reference, today) else _("current")
        table.add_row(
            str(vid),
            source,
            filename,
            published.isoformat() if published else "",
            imported.isoformat(timespec="seconds"),
            str(count),
            str(skipped),
            state,
        )
    out.print(table)
