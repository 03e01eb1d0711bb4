"""Embeddings of evaluation texts, cached on disk so a repeated evaluation does not pay again.

The cache lives under ``<DESKPILOT_DATA_DIR or ./var>/cache/embeddings``, one ``.npy`` file per
(model, kind, list of texts); it holds derived numbers only, never the texts.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from deskpilot.knowledge.retrieval.embeddings import Embedder, Matrix


def cache_dir() -> Path:
    return Path(os.environ.get("DESKPILOT_DATA_DIR", "./var")) / "cache" / "embeddings"


def embed_cached(embedder: Embedder, texts: list[str], *, kind: str = "query") -> Matrix:
    """``embedder.passages(texts)`` (kind "passage") or one query embedding per text (kind
    "query"), read from the cache when this exact list was embedded before."""
    digest = hashlib.sha256("\x1f".join(texts).encode()).hexdigest()[:32]
    safe_model = embedder.name.replace("/", "_").replace(":", "_")
    path = cache_dir() / f"{safe_model}-{kind}-{digest}.npy"
    if path.exists():
        cached: Matrix = np.load(path)
        return cached
    if kind == "passage":
        matrix = embedder.passages(texts)
    else:
        rows = [embedder.query(t) for t in texts]
        matrix = np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, matrix.astype(np.float32))
    result: Matrix = matrix.astype(np.float32)
    return result


class CachedPassages:
    """An embedder whose passage embeddings are cached on disk one text at a time, so an
    evaluation that indexes the same documents again (in any batches) embeds nothing twice."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.folder = cache_dir() / "passages" / inner.name.replace("/", "_").replace(":", "_")

    def _path(self, text: str) -> Path:
        digest = hashlib.sha256(text.encode()).hexdigest()
        return self.folder / digest[:2] / f"{digest}.npy"

    def passages(self, texts: list[str]) -> Matrix:
        rows: dict[int, Matrix] = {}
        missing: list[int] = []
        for i, text in enumerate(texts):
            path = self._path(text)
            if path.exists():
                rows[i] = np.load(path)
            else:
                missing.append(i)
        if missing:
            fresh = self.inner.passages([texts[i] for i in missing])
            for i, row in zip(missing, fresh, strict=True):
                path = self._path(texts[i])
                path.parent.mkdir(parents=True, exist_ok=True)
                np.save(path, row.astype(np.float32))
                rows[i] = row
        if not texts:
            return self.inner.passages([])
        stacked: Matrix = np.vstack([rows[i] for i in range(len(texts))]).astype(np.float32)
        return stacked

    def query(self, text: str) -> Matrix:
        return self.inner.query(text)
