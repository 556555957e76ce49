"""Fixtures shared by the whole suite: both database backends, the app, a live server, Chromium.

Every test that touches data runs once on SQLite and once on PostgreSQL (127.0.0.1:5432, user
postgres, trust auth). Each test run creates its own PostgreSQL database and drops it at the end.
When PostgreSQL cannot be reached the run says so loudly; with ``CI=true`` that is an error.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.app import create_app
from cyberdelta.platform.db.engine import make_engine, make_session_factory
from cyberdelta.platform.db.migrate import upgrade
from cyberdelta.platform.settings import Settings
from cyberdelta.registry import metadata
from tests.accounts_factories import LIVE_APPS

POSTGRES_SERVER = os.environ.get(
    "CYBERDELTA_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", "postgresql")
TEST_SECRET = "test-secret-" + "x" * 40
_postgres_problem: list[str] = []
REDIS_SERVER = os.environ.get("CYBERDELTA_TEST_REDIS", "redis://127.0.0.1:6379")
_redis_problem: list[str] = []


def _admin_engine() -> Engine:
    return create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")


def _postgres_reachable() -> str | None:
    try:
        engine = _admin_engine()
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception as error:  # any failure to connect means: not reachable
        return f"{type(error).__name__}: {error}".splitlines()[0]
    return None


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _redis_problem:
        terminalreporter.write_sep("!", "REDIS NOT TESTED", red=True, bold=True)
        terminalreporter.write_line(f"Redis at {REDIS_SERVER} was unreachable: {_redis_problem[0]}")
    if _postgres_problem:
        terminalreporter.write_sep("!", "PostgreSQL NOT TESTED", red=True, bold=True)
        terminalreporter.write_line(
            f"PostgreSQL at {POSTGRES_SERVER} was unreachable: {_postgres_problem[0]}"
        )


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A freshly migrated database for this test run on the backend named by the parameter."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "cyberdelta-test.sqlite3"
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    problem = _postgres_reachable()
    if problem is not None:
        _postgres_problem.append(problem)
        message = f"PostgreSQL is unreachable at {POSTGRES_SERVER}: {problem}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: PostgreSQL is required)")
        pytest.skip(message)
    name = f"cyberdelta_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_SERVER.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


_engines: dict[str, Engine] = {}


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """The run's engine for this backend; every table is emptied after each test."""
    if database_url not in _engines:
        _engines[database_url] = make_engine(database_url)
    current = _engines[database_url]
    yield current
    with current.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())


def pytest_sessionfinish() -> None:
    for engine in _engines.values():
        engine.dispose()


@pytest.fixture
def backend(engine: Engine) -> str:
    return engine.dialect.name


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def settings(database_url: str, engine: Engine, tmp_path: Path) -> Settings:
    """Settings for this test's database (depending on ``engine`` empties the tables afterwards)."""
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        secret_key=TEST_SECRET,
        default_language="ja",
        cookie_secure=False,  # the test servers speak plain http
    )


@pytest.fixture
def app(settings: Settings, engine: Engine) -> FastAPI:
    return create_app(settings, engine=engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn on a loopback port, for real browsers and real HTTP clients."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    url = f"http://127.0.0.1:{port}"
    LIVE_APPS[url] = app
    yield url
    LIVE_APPS.pop(url, None)
    server.should_exit = True
    thread.join(timeout=10)


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed: `apt-get install -y chromium` (python3 dev.py test does it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any, live_server: str) -> Iterator[Any]:
    context = chromium.new_context(
        base_url=live_server, locale="ja-JP", viewport={"width": 1366, "height": 900}
    )
    browser_page = context.new_page()
    browser_page.set_default_timeout(15000)
    yield browser_page
    context.close()


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis database of its own for this test (emptied before and after): the deployed job
    queue. Unreachable: a loud banner locally, an error with ``CI=true``, as for PostgreSQL."""
    import redis

    index = secrets.randbelow(15) + 1
    url = f"{REDIS_SERVER}/{index}"
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError as error:
        problem = f"{type(error).__name__}: {error}".splitlines()[0]
        _redis_problem.append(problem)
        message = f"Redis at {REDIS_SERVER} is unreachable ({problem})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: Redis is required)")
        pytest.skip(message)
    yield url
    client.flushdb()
    client.close()
