"""Developer tool: autogenerate an Alembic migration against a scratch SQLite database.

    .venv/bin/python scripts/make_migration.py "add assessment tables"

Review the generated file before committing; migrations are part of the schema's history.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from cyberdelta.platform.db.engine import make_engine
from cyberdelta.platform.db.migrate import alembic_config, upgrade
from cyberdelta.registry import metadata


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit('usage: make_migration.py REVISION_ID "message"')
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'scratch.sqlite3'}")
        upgrade(engine)
        config = alembic_config(engine)
        config.attributes["metadata"] = metadata
        command.revision(config, message=sys.argv[2], autogenerate=True, rev_id=sys.argv[1])


if __name__ == "__main__":
    main()
