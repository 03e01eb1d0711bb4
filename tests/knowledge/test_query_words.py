"""What a query is searched by: function words recognised before stemming, and Chinese
compounds that give their words (jieba's search mode) on the query side only."""

# ruff: noqa: RUF001 (Cyrillic and Chinese text on purpose)

from __future__ import annotations

import pytest
from sqlalchemy import select

from deskpilot.kit.db import Database
from deskpilot.knowledge.indexing import reindex
from deskpilot.knowledge.retrieval.lexical import Filters, lexical_search, query_terms
from deskpilot.knowledge.retrieval.stopwords import content_words, words_in_common
from deskpilot.knowledge.retrieval.tokenize import search_text
from deskpilot.models import KnowledgeChunk
from tests.factories import Tenant
from tests.knowledge.helpers import stored_article


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        # почти (almost) stems to почт, as почта / почту (email) do
        ("как сменить почту в аккаунте", "почт"),
        ("не приходит почта", "почт"),
        ("вы хотите вернуть заказ", "хот"),  # хоть (even) stems to хот
        ("тема письма", "тем"),  # тем (by that)
        ("мой друга не узнал", "друг"),  # другой (other) stems to друг
        ("Do you ship with UPS?", "up"),  # up
        ("a phone I owned for a year", "own"),  # own
    ],
)
def test_a_content_word_sharing_a_stem_with_a_function_word_is_searched(
    query: str, kept: str
) -> None:
    assert kept in query_terms(query)


def test_function_words_are_recognised_as_written_before_stemming() -> None:
    assert query_terms("почти всё про почту") == ["почт"]  # почти and всё left out, почту kept
    assert query_terms("What's wrong? I'd like it fixed") == ["wrong", "like", "fix"]
    assert query_terms("Где мои заказы? Моего заказа нет") == ["заказ"]
    assert query_terms("ЕЩЁ где") == ["ещ", "где"]  # only function words: they are kept


def test_the_support_check_sees_the_email_word_too() -> None:
    assert words_in_common("как сменить почту", "Смена почты в аккаунте") == {"смен", "почт"}
    assert "почт" in content_words("почти не работает почта")


def test_passages_are_tokenised_as_before() -> None:
    """Function words were never left out of passages: their stored tokens do not change, so
    this needs no re-index."""
    assert search_text("Почти всегда почта приходит") == "почт всегд почт приход"
    assert search_text("如何开具发票") == "如何 开具 发票"
    assert search_text("怎么开发票") == "怎么 开发票"  # passages keep jieba's precise mode


def test_a_chinese_query_compound_brings_its_words() -> None:
    assert {"发票", "开发票"} <= set(query_terms("怎么开发票"))
    assert query_terms("我的订单在哪里？") == ["订单"]


async def test_a_chinese_compound_in_a_question_finds_the_word_in_a_passage(
    database: Database, tenant: Tenant
) -> None:
    ws = tenant.workspace_id
    invoice = await stored_article(
        database, ws, "# 如何开具发票\n\n在订单页面申请电子发票。", language="zh"
    )
    await stored_article(database, ws, "# 退货政策\n\n收到商品后七天内可以退货。", language="zh")
    await reindex(database, ws, None)
    async with database.transaction() as session:
        found = await lexical_search(session, "怎么开发票", Filters(ws), 10)
        chunks = await session.scalars(
            select(KnowledgeChunk.article_id).where(KnowledgeChunk.id.in_([c for c, _ in found]))
        )
        assert list(chunks) == [invoice]
