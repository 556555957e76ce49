"""How fast the hash-chained audit trail appends and verifies (SQLite file, optionally PostgreSQL).

    .venv/bin/python benchmarks/audit_chain.py [--postgres] [--entries N]

Each append is its own transaction (as in the app: one entry per state change), so the figure
includes a commit per entry. Verification walks the whole chain once.
"""

from __future__ import annotations

import secrets
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from cyberdelta.platform.audit import service
from cyberdelta.platform.db.engine import make_engine, make_session_factory, transaction
from cyberdelta.platform.db.migrate import upgrade

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def measure(url: str, entries: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    started = time.perf_counter()
    for index in range(entries):
        with transaction(factory) as session:
            service.record(
                session,
                action="benchmark.step",
                actor_user_id=index % 50,
                organisation_id=index % 7,
                object_type="thing",
                object_id=str(index),
                request_id=secrets.token_hex(16),
                details={"index": index},
            )
    appended = time.perf_counter() - started
    started = time.perf_counter()
    with transaction(factory) as session:
        result = service.verify(session)
    verified = time.perf_counter() - started
    assert result.ok and result.entries == entries
    print(
        f"{engine.dialect.name:10} {entries} entries: append {appended:.2f} s "
        f"({entries / appended:.0f}/s, one transaction each), verify {verified:.2f} s"
    )
    engine.dispose()


def main() -> None:
    entries = int(sys.argv[sys.argv.index("--entries") + 1]) if "--entries" in sys.argv else 2000
    with tempfile.TemporaryDirectory() as folder:
        measure(f"sqlite:///{Path(folder) / 'audit.sqlite3'}", entries)
    if "--postgres" in sys.argv:
        name = f"cyberdelta_bench_{secrets.token_hex(4)}"
        admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            measure(POSTGRES.rsplit("/", 1)[0] + f"/{name}", entries)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
