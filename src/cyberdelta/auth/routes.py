"""Every router of the accounts capability, in the order the app includes them."""

from __future__ import annotations

from fastapi import APIRouter

from cyberdelta.audit import routes as audit_routes
from cyberdelta.auth import account, api, pages, token_routes
from cyberdelta.tenancy import admin
from cyberdelta.tenancy import routes as tenancy_routes


def auth_routers() -> list[APIRouter]:
    return [
        pages.router,
        account.router,
        api.router,
        token_routes.pages,
        token_routes.api,
        tenancy_routes.router,
        admin.router,
        audit_routes.pages,
        audit_routes.api,
    ]
