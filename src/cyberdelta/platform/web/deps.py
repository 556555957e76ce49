"""Request-scoped dependencies shared by every router (``Annotated`` aliases keep routes short)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from cyberdelta.platform.settings import Settings


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; committed when the route returns, rolled back on error.

    Work a route registers with :func:`~cyberdelta.platform.db.after_commit.after_commit` (queue a
    job, publish an event) runs once this commit has succeeded, before the response is sent."""
    factory = request.app.state.session_factory
    with factory() as session, session.begin():
        yield session


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# scope="function": commit before the response is sent, so that a client acting on the response
# (following a redirect, sending the next request) always sees the write, and a failed commit
# becomes an error response instead of a silent loss after a success was reported.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
