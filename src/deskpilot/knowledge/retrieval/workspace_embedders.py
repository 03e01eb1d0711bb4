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
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.deps import Resources
from deskpilot.knowledge.retrieval.embeddings import Embedder, get_embedder

WorkspaceLookup = Callable[[AsyncSession, str, Resources], Awaitable[Embedder | None]]
"""(session, workspace id, resources) -> the workspace's own embedder, or None for the
deployment's."""


class _Registered:
    lookup: WorkspaceLookup | None = None


def register(lookup: WorkspaceLookup) -> WorkspaceLookup:
    """Install ``lookup`` as the way to find a workspace's own embedder (one per process)."""
    _Registered.lookup = lookup
    return lookup


async def embedder_for(
    session: AsyncSession, workspace_id: str, resources: Resources | None
) -> Embedder | None:
    """The embedder of ``workspace_id``'s knowledge base, or None when search is lexical only
    (``DESKPILOT_EMBEDDINGS=none`` and no embedder of its own)."""
    lookup = _Registered.lookup
    if lookup is not None and resources is not None:
        own = await lookup(session, workspace_id, resources)
        if own is not None:
            return own
    return await asyncio.to_thread(get_embedder)
