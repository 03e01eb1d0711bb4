"""Providers by slug: ``builtin`` and ``openai`` ship with DeskPilot; others plug in through
the ``deskpilot.ai_providers`` entry-point group.

A plug-in package declares, in its ``pyproject.toml``::

    [project.entry-points."deskpilot.ai_providers"]
    acme = "acme_llm.deskpilot:make_provider"

where ``make_provider(config: ProviderConfig, context: ProviderContext) -> ChatProvider`` (a
class with that constructor works too). The entry point's name is the slug a workspace
configures. Plug-ins cannot replace the built-in slugs; one that fails to import is logged and
only its own slug becomes unusable.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points

import httpx

from deskpilot.ai.providers.base import ChatProvider
from deskpilot.ai.providers.breaker import BreakerBoard, CircuitBreaker
from deskpilot.ai.providers.builtin import BuiltinProvider
from deskpilot.ai.providers.config import ProviderConfig, with_secret_api_key
from deskpilot.ai.providers.openai_compatible import OpenAICompatibleProvider
from deskpilot.kit.errors import InvalidInput

__all__ = [
    "ENTRY_POINT_GROUP",
    "ProviderConfig",
    "ProviderContext",
    "ProviderFactory",
    "ProviderRegistry",
    "default_registry",
    "resolve",
    "with_secret_api_key",
]

log = logging.getLogger("deskpilot.ai.providers")
ENTRY_POINT_GROUP = "deskpilot.ai_providers"


@dataclass(frozen=True, slots=True)
class ProviderContext:
    """What a factory gets besides the configuration: the breaker that guards this
    workspace's endpoint, and the process's shared HTTP client if the caller has one."""

    breaker: CircuitBreaker
    http: httpx.AsyncClient | None = None


ProviderFactory = Callable[[ProviderConfig, ProviderContext], ChatProvider]


def _builtin(config: ProviderConfig, context: ProviderContext) -> ChatProvider:
    return BuiltinProvider(config)


def _openai(config: ProviderConfig, context: ProviderContext) -> ChatProvider:
    return OpenAICompatibleProvider(config, breaker=context.breaker, client=context.http)


BUILTIN_FACTORIES: dict[str, ProviderFactory] = {"builtin": _builtin, "openai": _openai}


class ProviderRegistry:
    def __init__(self, *, board: BreakerBoard | None = None, plugins: bool = True) -> None:
        self.board = board if board is not None else BreakerBoard()
        self._factories: dict[str, ProviderFactory] = dict(BUILTIN_FACTORIES)
        self._broken: dict[str, str] = {}
        self._plugins_loaded = not plugins
        self._lock = threading.Lock()

    def register(self, slug: str, factory: ProviderFactory) -> None:
        """Add a provider under ``slug`` (tests, or code that embeds DeskPilot)."""
        ProviderConfig(slug=slug)  # the same slug rules as configurations
        if slug in BUILTIN_FACTORIES:
            raise ValueError(f"{slug!r} is a built-in provider and cannot be replaced")
        with self._lock:
            self._factories[slug] = factory
            self._broken.pop(slug, None)

    def _load_plugins(self) -> None:
        with self._lock:
            if self._plugins_loaded:
                return
            self._plugins_loaded = True
            for point in entry_points(group=ENTRY_POINT_GROUP):
                if point.name in BUILTIN_FACTORIES:
                    log.warning(
                        "ignoring AI provider plug-in %s: %r is a built-in slug",
                        point.value,
                        point.name,
                    )
                    continue
                try:
                    factory = point.load()
                except Exception as exc:  # a broken plug-in must not break the others
                    log.exception("AI provider plug-in %r failed to load", point.name)
                    self._broken[point.name] = f"{type(exc).__name__}: {exc}"
                    continue
                if not callable(factory):
                    self._broken[point.name] = f"{point.value} is not callable"
                    continue
                self._factories.setdefault(point.name, factory)

    def slugs(self) -> list[str]:
        self._load_plugins()
        return sorted(self._factories)

    def factory(self, slug: str) -> ProviderFactory:
        self._load_plugins()
        if slug in self._broken:
            raise InvalidInput.field(
                "slug", f"the provider plug-in {slug!r} failed to load ({self._broken[slug]})"
            )
        found = self._factories.get(slug)
        if found is None:
            known = ", ".join(self.slugs())
            raise InvalidInput.field("slug", f"unknown provider {slug!r} (known: {known})")
        return found

    def resolve(
        self,
        config: ProviderConfig,
        *,
        workspace_id: str | None = None,
        http: httpx.AsyncClient | None = None,
    ) -> ChatProvider:
        """The provider for ``config``; its breaker is shared by every provider resolved for
        the same workspace, slug, endpoint and model in this process."""
        factory = self.factory(config.slug)
        context = ProviderContext(
            breaker=self.board.get(config.breaker_key(workspace_id)), http=http
        )
        provider = factory(config, context)
        if not isinstance(provider, ChatProvider):
            raise InvalidInput.field(
                "slug", f"the provider {config.slug!r} does not implement ChatProvider"
            )
        return provider


_default: ProviderRegistry | None = None
_default_lock = threading.Lock()


def default_registry() -> ProviderRegistry:
    """The process's registry (plug-ins loaded on first use, breakers kept for the process)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = ProviderRegistry()
        return _default


def resolve(
    config: ProviderConfig,
    *,
    workspace_id: str | None = None,
    http: httpx.AsyncClient | None = None,
) -> ChatProvider:
    """The provider for ``config`` from the process's registry."""
    return default_registry().resolve(config, workspace_id=workspace_id, http=http)
