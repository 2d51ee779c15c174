"""The FastAPI application: wiring of settings, store, sessions, templates and routes."""

from __future__ import annotations

import gc
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from eligo.accounts import ratelimit
from eligo.process import Caches, relax_gc
from eligo.store import TrialStore, open_store
from eligo.web import api_docs, editor, errors
from eligo.web.deps import SignInRequired, redirect_to_sign_in
from eligo.web.features import Features
from eligo.web.security import HardeningMiddleware
from eligo.web.sessions import SessionBackend, SessionLimits, SessionManager, SessionRefused
from eligo.web.settings import WebSettings
from eligo.web.templating import configure_templates

WEB_ROOT = Path(str(files("eligo.web")))


def create_app(
    settings: WebSettings | None = None, *, store: TrialStore | None = None, caches: Caches | None = None
) -> FastAPI:
    """Build the app; tests pass their own store and settings. `caches` are the worker's (new ones if not given)."""
    settings = settings or WebSettings.from_env()
    settings.check()
    store = store or open_store(settings.database_url)
    app = FastAPI(
        title="Eligo",
        summary="Clinical trials a child with relapsed or refractory neuroblastoma could join. "
        "Eligo does not decide eligibility; the study team does.",
        version="0.1.0",
        # /api/docs is eligo.web.api_docs: FastAPI's own page loads Swagger UI from a CDN.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.store = store
    app.state.caches = caches if caches is not None else Caches()
    app.state.features = Features()
    backend: SessionBackend = store  # the store implements the session backend protocol
    limits = SessionLimits(
        max_bytes=settings.max_session_bytes,
        max_sessions=settings.max_sessions,
        anonymous_days=settings.anonymous_session_days,
    )

    def admit(client: str) -> bool:
        return ratelimit.allow(store, "session:ip", client, datetime.now(UTC))

    app.state.sessions = SessionManager(
        backend, settings.secret_key, days=settings.session_days, secure=settings.https, limits=limits, admit=admit
    )
    app.state.templates = configure_templates(Jinja2Templates(directory=str(WEB_ROOT / "templates")))

    app.add_exception_handler(RequestValidationError, errors.handle_validation)
    app.add_exception_handler(StarletteHTTPException, errors.handle_http)
    app.add_exception_handler(errors.EligoHTTPError, errors.handle_http)
    app.add_exception_handler(Exception, errors.handle_unexpected)
    app.add_exception_handler(SignInRequired, redirect_to_sign_in)

    @app.middleware("http")
    async def session_middleware(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        manager: SessionManager = request.app.state.sessions
        if request.url.path.startswith(("/static/", api_docs.ASSETS)):
            return await call_next(request)
        # The session is read and written in the thread pool: a database call here would stall the event loop.
        session = await manager.open(request)
        request.state.session = session
        response = await call_next(request)
        try:
            await manager.close(session, response)
        except SessionRefused as refused:  # nothing of this request's changes was kept: say so
            return errors.render_error(request, refused.status, refused.code, refused.message, [])
        return response

    app.mount("/static", StaticFiles(directory=str(WEB_ROOT / "static")), name="static")
    api_docs.install(app)

    from eligo.web.routes import account, admin, alerts, api, compare, notes, pages, profile, referrals

    for routes in (api, account, notes, alerts, referrals, compare, admin, profile, pages):
        app.include_router(routes.router)
    # The people features add their panels to the trial and account pages; the pages never import them.
    for feature in (notes, alerts, referrals):
        feature.register(app)
    app.state.features.trial_page = pages.trial_page
    # base.html shows administrators an "Admin" link to the coordinator links page.
    app.state.templates.env.globals["shows_admin_link"] = admin.shows_admin_link
    # The header and footer speak to a family or to a clinician, as the profile editor does (issue #15).
    app.state.templates.env.globals["site_words"] = editor.site_words
    app.state.templates.env.globals["for_reader"] = editor.for_reader
    hsts = settings.environment == "production" and settings.https
    app.add_middleware(HardeningMiddleware, max_body_bytes=settings.max_body_bytes, hsts=hsts)
    # Outermost, so every rate limit keys on the real client: X-Forwarded-For is believed only from the
    # trusted proxies (uvicorn's own copy of this middleware is off; see eligo.web.server).
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
    return app


def warm_worker(app: FastAPI) -> None:
    """Prepare a long-lived worker before its first request: load the parsed criteria of open trials,
    then move everything alive now out of the garbage collector's sight and collect less often.

    The parsed trees are hundreds of thousands of long-lived objects; without `gc.freeze()` every
    full collection walks them all, a 0.5 s pause in the middle of some request. These are
    process-wide settings, so they are made here, in the workers' entry point, not in library code.
    """
    from eligo.geo import geocode
    from eligo.trials.statuses import OPEN_STATUSES
    from eligo.units import registry

    caches: Caches = app.state.caches
    caches.parsed.warm(app.state.store, OPEN_STATUSES)
    # What the first request of each kind would otherwise build while a visitor waits: the unit
    # registry (lab values), the place index (distances) and the compiled page templates.
    registry()
    geocode("London")
    environment = app.state.templates.env
    for name in environment.list_templates(filter_func=lambda name: name.endswith(".html")):
        environment.get_template(name)
    gc.collect()
    gc.freeze()
    relax_gc()


def app_factory() -> Any:  # pragma: no cover - used by `eligo serve` workers
    # The worker's entry point: it owns the caches its requests share.
    app = create_app(caches=Caches())
    warm_worker(app)
    return app
