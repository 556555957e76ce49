"""Navigation and buttons show only what the user may do (docs/home.md): every demo member walks the
pages reachable from their home page, and no link shown answers 403 and no form shown posts to a
route their role may not use. Error pages name no permission code."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.auth.demo import ORGANISATIONS, demo_roles
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy.permissions import Permission, Role, permissions_for
from tests.auth.route_table import Endpoint, endpoints
from tests.home.demo_world import load_demo, sign_in_as

MAX_PAGES = 45
SKIPPED = ("/auth/sign-out", "/lang/", "/api/", "/taxii2/", "/static/")
DOWNLOADS = re.compile(r"\.(pdf|xlsx|csv|json|zip|html)$|/files/|/download")
PERMISSION_CODES = re.compile(r"\b(" + "|".join(re.escape(p.value) for p in Permission) + r")\b")


class Page(HTMLParser):
    """The links and forms of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href") and "download" not in values:
            self.links.append(str(values["href"]))
        if tag == "form":
            self.forms.append(((values.get("method") or "get").upper(), str(values.get("action") or "")))


def _matcher(found: list[Endpoint]) -> list[tuple[str, re.Pattern[str], Any]]:
    return [
        (e.method, re.compile("^" + re.sub(r"{(\w+)(:\w+)?}", r"[^/]+", e.path) + "$"), e.policy)
        for e in found
    ]


def _allowed(policy: Any, permissions: frozenset[Permission]) -> bool:
    return policy in ("public", "signed_in", "authenticated") or policy in permissions


def _walk(client: TestClient, routes: list[tuple[str, re.Pattern[str], Any]], who: str,
          permissions: frozenset[Permission]) -> list[str]:  # fmt: skip
    problems: list[str] = []
    seen = {"/"}
    queue = deque(["/"])
    fetched = 0
    while queue and fetched < MAX_PAGES:
        path = queue.popleft()
        answer = client.get(path, follow_redirects=False)
        fetched += 1
        if answer.status_code == 403 or answer.status_code >= 500:
            problems.append(f"{who}: {path} answers {answer.status_code}")
        if answer.status_code >= 400 and PERMISSION_CODES.search(answer.text):
            problems.append(f"{who}: {path} names a permission code")
        if "text/html" not in answer.headers.get("content-type", "") or answer.status_code != 200:
            continue
        page = Page()
        page.feed(answer.text)
        for method, action in page.forms:
            target = urlsplit(urljoin(path, action)).path
            if method != "POST" or target.startswith(SKIPPED):
                continue
            policies = [policy for m, pattern, policy in routes if m == "POST" and pattern.match(target)]
            if policies and not _allowed(policies[0], permissions):
                problems.append(f"{who}: {path} shows a form posting to {target} ({policies[0]})")
        for href in page.links:
            parts = urlsplit(urljoin(path, href))
            if (
                parts.netloc not in ("", "testserver")
                or parts.path.startswith(SKIPPED)
                or DOWNLOADS.search(parts.path)
            ):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link not in seen and parts.path not in seen:
                seen.add(link)
                seen.add(parts.path)
                queue.append(link)
    return problems


def test_no_role_is_shown_a_link_or_button_that_answers_403(
    settings: Settings, session_factory: sessionmaker[Session], client: TestClient, app: FastAPI
) -> None:
    load_demo(session_factory, settings)
    routes = _matcher(endpoints(app))
    members = [(slug, role) for slug, kind, _ja, _en in ORGANISATIONS[:5] for role in demo_roles(kind)]
    members.append(("operator", Role.PLATFORM_ADMIN))
    problems: list[str] = []
    for slug, role in members:
        sign_in_as(client, session_factory, slug, role)
        problems += _walk(client, routes, f"{role.value}@{slug}", permissions_for(role))
    assert not problems, "\n".join(problems)
