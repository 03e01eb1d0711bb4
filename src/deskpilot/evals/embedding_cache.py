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
