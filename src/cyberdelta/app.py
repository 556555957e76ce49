"""Application factory: ``create_app(settings)`` wires routers, middleware and templates.

Nothing connects at import time; the engine and session factory are built here from the
settings passed in and kept on ``app.state``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from cyberdelta import __version__, capabilities
from cyberdelta.platform.db.engine import make_engine, make_session_factory
from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.events import Events
from cyberdelta.platform.i18n import gettext
from cyberdelta.platform.public_ids import public_ids_for
from cyberdelta.platform.settings import Settings
from cyberdelta.platform.web.access import SignInRequiredError, StepUpRequiredError, public, shown_fields
from cyberdelta.platform.web.body_limit import BodyLimitMiddleware, standard_limits
from cyberdelta.platform.web.csrf import CsrfCookieMiddleware
from cyberdelta.platform.web.middleware import LanguageMiddleware, SecurityHeadersMiddleware
from cyberdelta.platform.web.schemas import error_responses
from cyberdelta.platform.web.templating import make_templates, render
from cyberdelta.platform.web.urls import name_routes, redirect_to

STATIC = Path(__file__).resolve().parent / "platform" / "web" / "static"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/taxii2/")) or "text/html" not in request.headers.get(
        "accept", ""
    )


def _error_answer(
    request: Request,
    status: int,
    message: object,
    *,
    extra: dict[str, object] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """How an error is answered: by the answer of its path prefix (TAXII error messages under
    ``/taxii2/``), as JSON for the API and non-HTML clients, else as the error page."""
    for prefix, answer in request.app.state.error_answers.items():
        if request.url.path.startswith(prefix):
            answered: Response = answer(status, str(message))
            return answered
    if _wants_json(request):
        return JSONResponse({"detail": message, **(extra or {})}, status_code=status, headers=headers)
    shown = message if status != 404 else gettext("The page was not found.")
    return render(request, "error.html", {"status": status, "message": shown}, status_code=status)


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """ASGI lifespan: on shutdown, run the capabilities' shutdown hooks (e.g. stop the intel
    validation worker processes).

    uvicorn re-raises the SIGTERM or SIGINT it stopped for once it has shut down, so the process
    ends by the signal and ``atexit`` handlers never run: without this the pool was never shut down
    and its semaphores were reported as leaked."""
    yield
    for capability in capabilities.CAPABILITIES:
        if capability.on_shutdown is not None:
            capability.on_shutdown()


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    app = FastAPI(
        lifespan=_lifespan,
        title="CyberDelta",
        version=__version__,
        description="Cyber-resilience platform for crypto-asset exchanges (自助・共助・公助).",
        # No Swagger page: FastAPI's loads its script from a CDN and starts it with an inline script,
        # which the Content-Security-Policy refuses (OWASP ASVS 5.0 V3.4). The schema stays public.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.resolved_database_url)
    app.state.session_factory = make_session_factory(app.state.engine)
    # Opaque ids in URLs (docs/architecture.md, "Public ids"), keyed by the application secret.
    app.state.public_ids = public_ids_for(settings.resolved_secret_key())
    app.state.templates = make_templates(
        *capabilities.template_folders(),
        globals_=capabilities.template_globals(),
        filters=capabilities.template_filters(),
    )
    capabilities.register_tasks()
    # Contributions of higher capabilities to the extension points of lower ones (screening list
    # sources from the hub), by the point's name (docs/architecture.md, "Extension points").
    app.state.contributions = capabilities.contributions()
    app.state.events = Events(capability.subscriptions() for capability in capabilities.CAPABILITIES)
    # Path prefix → how an error (status, message) is answered there (e.g. TAXII error messages),
    # set by manifests.
    app.state.error_answers = {}

    app.add_middleware(CsrfCookieMiddleware, secure=settings.cookie_secure)
    app.add_middleware(LanguageMiddleware, default=settings.default_language)
    # Before routing and authentication: an oversized body is refused while it is still arriving.
    limits = standard_limits(
        max_upload_bytes=settings.max_upload_bytes,
        taxii_max_content_length=settings.intel_max_content_length,
        upload_prefixes=[
            path for capability in capabilities.CAPABILITIES for path in capability.upload_paths
        ],
    )
    app.add_middleware(BodyLimitMiddleware, limits=limits)
    app.add_middleware(SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    everyone = [Depends(public)]
    for capability in capabilities.CAPABILITIES:
        if capability.configure_app is not None:
            capability.configure_app(app)
        # Routes declare their policy per route; a public mount gives one to those that declare none.
        for mount in capability.routers():
            name_routes(capability.name, mount.router)
            app.include_router(
                mount.router,
                dependencies=everyone if mount.public else None,
                responses=mount.responses,
            )

    @app.get("/api/v1/health", tags=["system"], dependencies=everyone, responses=error_responses(401))
    def health() -> dict[str, str]:
        """Liveness check."""
        return {"status": "ok", "version": __version__}

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        return _error_answer(request, error.status_code, error.detail, headers=error.headers)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> Response:
        """Every error a user can cause, raised by a service and not answered by its route
        (docs/architecture.md, "Decisions", "Errors"); the request's transaction has rolled back."""
        return _error_answer(request, error.status, error.render(), extra={"field": error.field})

    @app.exception_handler(SignInRequiredError)
    async def sign_in_required(request: Request, error: SignInRequiredError) -> Response:
        return redirect_to(request, "auth.sign_in_page", query={"next": error.next_path})

    @app.exception_handler(StepUpRequiredError)
    async def step_up_required(request: Request, error: StepUpRequiredError) -> Response:
        if error.kept is None:
            return redirect_to(request, "auth.step_up_page", query={"next": error.next_path})
        # A form post: the step-up page holds what was typed and posts it again once confirmed.
        context = {
            "next": error.next_path,
            "kept": error.kept,
            "shown": shown_fields(error.kept),
            "purpose": app.state.authenticator.step_up_purpose(error.kept.permission),
        }
        return render(request, "auth/step_up.html", context)

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
