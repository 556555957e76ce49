"""Application factory: ``create_app(settings)`` wires routers, middleware and templates.

Nothing connects at import time; the engine and session factory are built here from the
settings passed in and kept on ``app.state``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from cyberdelta import __version__
from cyberdelta.assessment import (
    evidence_routes,
    export_routes,
    plan_routes,
    review_routes,
)
from cyberdelta.assessment import routes as assessment_routes
from cyberdelta.auth.csrf import CsrfCookieMiddleware
from cyberdelta.auth.dependencies import SignInRequiredError, StepUpRequiredError, public
from cyberdelta.auth.routes import auth_routers
from cyberdelta.auth.schemas import error_responses
from cyberdelta.benchmark import feedback_pages
from cyberdelta.benchmark import routes as benchmark_routes
from cyberdelta.catalog import routes as catalog_routes
from cyberdelta.db.engine import make_engine, make_session_factory
from cyberdelta.i18n import gettext
from cyberdelta.intel import pages as intel_pages
from cyberdelta.intel import taxii_routes, validation_pool
from cyberdelta.intel.media import TaxiiError, error_response
from cyberdelta.settings import Settings
from cyberdelta.supervision import routes as supervision_routes
from cyberdelta.web import pages
from cyberdelta.web.middleware import LanguageMiddleware, SecurityHeadersMiddleware
from cyberdelta.web.templating import make_templates, render

STATIC = Path(__file__).resolve().parent / "web" / "static"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/taxii2/")) or "text/html" not in request.headers.get(
        "accept", ""
    )


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """ASGI lifespan: on shutdown, stop the validation worker processes.

    uvicorn re-raises the SIGTERM or SIGINT it stopped for once it has shut down, so the process
    ends by the signal and ``atexit`` handlers never run: without this the pool was never shut down
    and its semaphores were reported as leaked."""
    yield
    validation_pool.shutdown()


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    app = FastAPI(
        lifespan=_lifespan,
        title="CyberDelta",
        version=__version__,
        description="Cyber-resilience platform for crypto-asset exchanges (自助・共助・公助).",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.resolved_database_url)
    app.state.session_factory = make_session_factory(app.state.engine)
    app.state.templates = make_templates()

    app.add_middleware(CsrfCookieMiddleware, secure=settings.cookie_secure)
    app.add_middleware(LanguageMiddleware, default=settings.default_language)
    app.add_middleware(SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # The catalog is public information (lead's note on #4); every route still declares a policy.
    everyone = [Depends(public)]
    app.include_router(pages.router, dependencies=everyone)
    app.include_router(catalog_routes.pages, dependencies=everyone)
    # A presented but invalid API token is refused (401, RFC 6750 §3.1) even on public routes.
    app.include_router(catalog_routes.api, dependencies=everyone, responses=error_responses(401, 404))
    for router in auth_routers():
        app.include_router(router)
    app.include_router(taxii_routes.router)
    app.include_router(intel_pages.router)
    # Assessment routes declare their permission per route (cyberdelta.assessment.web).
    for router in (
        export_routes.router,
        evidence_routes.router,
        plan_routes.router,
        assessment_routes.router,
        review_routes.router,
    ):
        app.include_router(router)
    # Benchmarks and supervision (issue #6) declare their permission per route as well.
    for router in (
        benchmark_routes.pages,
        benchmark_routes.api,
        feedback_pages.router,
        supervision_routes.router,
    ):
        app.include_router(router)

    @app.get("/api/v1/health", tags=["system"], dependencies=everyone, responses=error_responses(401))
    def health() -> dict[str, str]:
        """Liveness check."""
        return {"status": "ok", "version": __version__}

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/taxii2/"):
            # TAXII 2.1 §3.6.1: errors of the TAXII server are TAXII error messages.
            return error_response(TaxiiError(error.status_code, str(error.detail)))
        if _wants_json(request):
            return JSONResponse(
                {"detail": error.detail}, status_code=error.status_code, headers=error.headers
            )
        message = error.detail if error.status_code != 404 else gettext("The page was not found.")
        return render(
            request,
            "error.html",
            {"status": error.status_code, "message": message},
            status_code=error.status_code,
        )

    @app.exception_handler(SignInRequiredError)
    async def sign_in_required(request: Request, error: SignInRequiredError) -> Response:
        return RedirectResponse(f"/auth/sign-in?next={quote(error.next_path)}", status_code=303)

    @app.exception_handler(StepUpRequiredError)
    async def step_up_required(request: Request, error: StepUpRequiredError) -> Response:
        return RedirectResponse(f"/auth/step-up?next={quote(error.next_path)}", status_code=303)

    @app.exception_handler(TaxiiError)
    async def taxii_error(request: Request, error: TaxiiError) -> Response:
        return error_response(error)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        # "loc", "msg" and "type" keep the answer within FastAPI's documented 422 schema.
        problems = [
            {
                "field": ".".join(str(part) for part in item["loc"]),
                "reason": item["msg"],
                "loc": list(item["loc"]),
                "msg": item["msg"],
                "type": item["type"],
            }
            for item in error.errors()
        ]
        if _wants_json(request):
            return JSONResponse({"detail": problems}, status_code=422)
        message = "; ".join(f"{item['field']}: {item['reason']}" for item in problems)
        return render(request, "error.html", {"status": 422, "message": message}, status_code=422)

    return app
