"""Helpers shared by every capability's commands (Typer + Rich): consoles, settings, a database unit
of work on an up-to-date schema, files read with a clear error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cyberdelta.platform.db.engine import make_engine, make_session_factory
from cyberdelta.platform.db.migrate import upgrade
from cyberdelta.platform.db.schema_lock import schema_lock
from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.settings import Settings

out = Console()
err = Console(stderr=True)


class UserError(DomainError):
    """An error the user can fix; printed without a traceback."""


def settings() -> Settings:
    try:
        return Settings()
    except ValueError as error:
        raise UserError(str(error)) from None


def engine_for(config: Settings) -> Engine:
    if config.resolved_database_url.startswith("sqlite"):
        config.data_dir.mkdir(parents=True, exist_ok=True)
    return make_engine(config.resolved_database_url)


def upgraded_engine(config: Settings, prepare: Callable[[Engine], None] | None = None) -> Engine:
    """An engine on an up-to-date schema, ``prepare`` run on it too; one process at a time
    migrates and prepares (platform/db/schema_lock.py)."""
    engine = engine_for(config)
    with schema_lock(engine):
        upgrade(engine)
        if prepare is not None:
            prepare(engine)
    return engine


def unit() -> tuple[Settings, Session]:
    """Settings and a session on an up-to-date schema (the caller commits)."""
    config = settings()
    return config, make_session_factory(upgraded_engine(config))()


def print_plain(text: str) -> None:
    out.print(text, markup=False, highlight=False, soft_wrap=True)


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise UserError(
            _("Cannot read %(path)s: %(reason)s", path=str(path), reason=error.strerror or "")
        ) from None
