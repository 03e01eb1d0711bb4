"""Which embedder a workspace's knowledge index and searches use.

The deployment's (``DESKPILOT_EMBEDDINGS``, ``get_embedder``) unless the workspace's AI
settings name an embedding model of their own provider (``openai`` with ``embedding_model``):
then its articles are embedded, and its searches ranked, by that endpoint. The AI settings
and their encrypted API key belong to layers above this one, so the AI layer registers how
to find a workspace's own embedder (:func:`register`), as job handlers are registered; the
app imports it. Without a registered lookup, without resources (no secret box), or when the
workspace has no embedder of its own, the deployment's is used.

A chunk records the model that embedded it and a search only ranks the chunks of its own
model, so a workspace whose embedder changed ranks by words alone until its reindex (queued
when the setting changes) has embedded its articles again.

An outside endpoint may be slow or down, and on SQLite a transaction holds the database's one
writer: read-only searches (the API's, the help center's) end their transaction before they
call it (``search_knowledge``), and every caller embeds the query with
``outside_query_vector``, which redacts it and turns a failure into a search by words.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.deps import Resources
from deskpilot.kit.pii import KnownValues, Redactor, find_pii
from deskpilot.knowledge.retrieval.embeddings import (
    Embedder,
    EmbeddingUnavailable,
    Matrix,
    embed_query,
    get_embedder,
)

log = logging.getLogger(__name__)

WorkspaceLookup = Callable[[AsyncSession, str, Resources], Awaitable[Embedder | None]]
"""(session, workspace id, resources) -> the workspace's own embedder, or None for the
deployment's."""


class _Registered:
    lookup: WorkspaceLookup | None = None


def register(lookup: WorkspaceLookup) -> WorkspaceLookup:
    """Install ``lookup`` as the way to find a workspace's own embedder (one per process)."""
    _Registered.lookup = lookup
    return lookup


async def own_embedder(
    session: AsyncSession, workspace_id: str, resources: Resources | None
) -> Embedder | None:
    """The workspace's own embedder (an outside endpoint), or None."""
    lookup = _Registered.lookup
    if lookup is None or resources is None:
        return None
    return await lookup(session, workspace_id, resources)


async def embedder_for(
    session: AsyncSession, workspace_id: str, resources: Resources | None
) -> Embedder | None:
    """The embedder of ``workspace_id``'s knowledge base, or None when search is lexical only
    (``DESKPILOT_EMBEDDINGS=none`` and no embedder of its own)."""
    own = await own_embedder(session, workspace_id, resources)
    return own if own is not None else await asyncio.to_thread(get_embedder)


async def outside_query_vector(
    embedder: Embedder, workspace_id: str, text: str, known: KnownValues | None = None
) -> Matrix | None:
    """``text`` embedded as a query by an outside endpoint, or None when it cannot be (logged:
    the search then ranks by words). Personal data is replaced by placeholders first: what the
    patterns find, and ``known`` (the customer's own name, zip and address, which no pattern
    finds), as for every other call that leaves the process."""
    redacted = Redactor(known=known or KnownValues()).redact(text, find_pii(text)).text
    try:
        return await asyncio.to_thread(embed_query, embedder, redacted)
    except EmbeddingUnavailable as exc:
        log.warning("workspace %s: searching by words only: %s", workspace_id, exc)
        return None
