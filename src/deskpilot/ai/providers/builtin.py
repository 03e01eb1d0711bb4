"""The ``builtin`` provider: offline and deterministic, and honest about it.

It has no language model, so it writes no free text: ``generates_text`` is False and
:meth:`BuiltinProvider.complete` raises :class:`NotSupported` (a :class:`ProviderError`). The
pipeline checks ``generates_text`` and composes replies extractively (best passages plus short
templates) instead of calling it; code that calls it anyway lands in the same fallback path as a
failed remote provider.
"""

from __future__ import annotations

from deskpilot.ai.providers.base import ChatRequest, ChatResponse, NotSupported
from deskpilot.ai.providers.config import ProviderConfig


class BuiltinProvider:
    slug = "builtin"
    generates_text = False

    def __init__(self, config: ProviderConfig | None = None) -> None:
        self.config = config if config is not None else ProviderConfig(slug=self.slug)

    async def complete(self, request: ChatRequest) -> ChatResponse:
        raise NotSupported(
            "the builtin provider generates no text; compose the reply extractively",
            provider=self.slug,
        )
