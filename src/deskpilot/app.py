"""``create_app``: the ASGI application and its lifespan, which builds every resource."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from deskpilot import __version__
from deskpilot.api import ROUTERS
from deskpilot.channels.email.listener import smtp_listener
from deskpilot.config import Settings
from deskpilot.kit.bus import Bus, InProcessBus, RedisBus
from deskpilot.kit.crypto import SecretBox
from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.error_handlers import install_error_handlers
from deskpilot.kit.http import RequestContextMiddleware
from deskpilot.kit.jobs import Worker
from deskpilot.kit.ratelimit import RateLimiter
from deskpilot.kit.storage import FileStore
from deskpilot.knowledge.retrieval.embeddings import embed_messages_ahead
from deskpilot.migrations.runner import upgrade
from deskpilot.web.console import form_not_sent

log = logging.getLogger(__name__)


def build_bus(settings: Settings) -> Bus:
    return RedisBus(settings.redis_url) if settings.redis_url else InProcessBus()


def build_worker(settings: Settings, resources: Resources) -> Worker:
    return Worker(
        resources.database,
        concurrency=settings.worker_concurrency,
        poll_seconds=settings.worker_poll_seconds,
        lease_seconds=settings.job_lease_seconds,
        max_attempts=settings.job_max_attempts,
        backoff_seconds=settings.job_backoff_seconds,
        resources={Settings: settings, Resources: resources},
    )


@asynccontextmanager
async def open_resources(settings: Settings) -> AsyncIterator[Resources]:
    """Connect everything the app needs, and close it all again."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings.effective_database_url)
    bus = build_bus(settings)
    login_limiter = RateLimiter(
        settings.login_attempts_per_window, settings.login_window_seconds, settings.redis_url
    )
    http = httpx.AsyncClient(timeout=httpx.Timeout(15.0), follow_redirects=False)
    try:
        if settings.migrate_on_start:
            await upgrade(database)
        await bus.start()
        yield Resources(
            database=database,
            bus=bus,
            secret_box=SecretBox.from_settings(settings.secret_key, settings.data_dir),
            login_limiter=login_limiter,
            files=FileStore(settings.data_dir / "attachments"),
            http=http,
            public_url=settings.public_origin,
        )
    finally:
        await http.aclose()
        await login_limiter.aclose()
        await bus.close()
        await database.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_resources(settings) as resources, smtp_listener(settings, resources):
            app.state.resources = resources
            stop = asyncio.Event()
            worker_task = None
            if settings.run_worker:
                worker_task = asyncio.create_task(build_worker(settings, resources).run(stop))
                embed_messages_ahead(True)  # their jobs run here: embed them during intake
            try:
                yield
            finally:
                stop.set()
                embed_messages_ahead(False)
                if worker_task is not None:
                    await worker_task

    app = FastAPI(
        title="DeskPilot",
        version=__version__,
        lifespan=lifespan,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.add_middleware(RequestContextMiddleware)
    install_error_handlers(app)
    form_not_sent.install(app)
    for router in ROUTERS:
        app.include_router(router)
    app.mount(
        "/static", StaticFiles(directory=Path(__file__).parent / "web" / "static"), name="static"
    )
    return app
