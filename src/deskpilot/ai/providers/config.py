"""How a workspace's LLM provider is configured: :class:`ProviderConfig`.

The API key is never stored here in clear by the caller: it lives in an encrypted workspace
secret and :func:`with_secret_api_key` fills it in just before the provider is resolved.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.crypto import SecretBox
from deskpilot.kit.errors import InvalidInput
from deskpilot.workspaces import service as workspaces

SLUG = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
MAX_TIMEOUT_SECONDS = 300.0
MAX_RETRIES = 10
DEFAULT_TIMEOUT_SECONDS = 20.0
DEFAULT_MAX_RETRIES = 2


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """One workspace's provider settings. Field checks that hold for every provider run here
    (and raise :class:`InvalidInput` naming the field); what a given provider requires (a base
    URL, a chat model) is checked by its factory when it is resolved."""

    slug: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    chat_model: str | None = None
    embedding_model: str | None = None
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    max_retries: int = DEFAULT_MAX_RETRIES

    def __post_init__(self) -> None:
        if not SLUG.match(self.slug):
            raise InvalidInput.field("slug", "must be lowercase letters, digits, - or _")
        if self.base_url is not None:
            url_problem = _url_problem(self.base_url)
            if url_problem:
                raise InvalidInput.field("base_url", url_problem)
        for name in ("chat_model", "embedding_model", "api_key"):
            value = getattr(self, name)
            if value is not None and (not value.strip() or value != value.strip()):
                raise InvalidInput.field(name, "must not be blank or padded with spaces")
        if not 0 < self.timeout_seconds <= MAX_TIMEOUT_SECONDS:
            raise InvalidInput.field(
                "timeout_seconds", f"must be more than 0 and at most {MAX_TIMEOUT_SECONDS:g}"
            )
        if isinstance(self.max_retries, bool) or not 0 <= self.max_retries <= MAX_RETRIES:
            raise InvalidInput.field("max_retries", f"must be between 0 and {MAX_RETRIES}")

    def breaker_key(self, workspace_id: str | None) -> str:
        """Which breaker guards calls made with this configuration: one per workspace and
        endpoint and model, so one workspace's broken endpoint never blocks another."""
        return "|".join(
            [workspace_id or "-", self.slug, self.base_url or "-", self.chat_model or "-"]
        )


def _url_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return "is not a URL"
    if parts.scheme not in ("http", "https"):
        return "must be an http:// or https:// URL"
    if not parts.hostname:
        return "must name a host"
    if parts.query or parts.fragment:
        return "must not have a query or fragment"
    if parts.username or parts.password:
        return "must not carry credentials (use the API key)"
    return None


async def with_secret_api_key(
    config: ProviderConfig,
    session: AsyncSession,
    box: SecretBox,
    workspace_id: str,
    secret_name: str,
) -> ProviderConfig:
    """``config`` with its API key read from the workspace's encrypted secret ``secret_name``
    (``NotFound`` when there is no such secret)."""
    api_key = await workspaces.read_secret(session, box, workspace_id, secret_name)
    return dataclasses.replace(config, api_key=api_key)
