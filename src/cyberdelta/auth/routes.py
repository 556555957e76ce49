"""Every router of the accounts capability, in the order the app includes them."""

from __future__ import annotations

from fastapi import APIRouter

from cyberdelta.auth import account, api, pages


def auth_routers() -> list[APIRouter]:
    return [pages.router, account.router, api.router]
