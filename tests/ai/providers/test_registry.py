"""Provider registry: the built-in slugs, plug-ins through real entry points (a distribution
on sys.path), configuration checks, and the API key read from an encrypted workspace secret."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from deskpilot.ai.providers import (
    ChatMessage,
    ChatProvider,
    ChatRequest,
    NotSupported,
    ProviderConfig,
    ProviderContext,
    ProviderError,
    ProviderRegistry,
    with_secret_api_key,
)
from deskpilot.ai.providers.builtin import BuiltinProvider
from deskpilot.ai.providers.openai_compatible import OpenAICompatibleProvider
from deskpilot.ai.providers.registry import ENTRY_POINT_GROUP
from deskpilot.kit.crypto import SecretBox
from deskpilot.kit.db import Database
from deskpilot.kit.errors import InvalidInput, NotFound
from deskpilot.workspaces import service as workspaces
from tests.factories import Tenant
from tests.support.fakellm import FakeLLM, Reply

REQUEST = ChatRequest(messages=(ChatMessage("user", "Hello"),))

PLUGIN = """
from deskpilot.ai.providers import ChatResponse, Usage


class EchoProvider:
    slug = "acme"
    generates_text = True

    def __init__(self, config, context):
        self.config = config
        self.breaker = context.breaker

    async def complete(self, request):
        text = "acme: " + (request.messages[-1].content or "")
        return ChatResponse(text, (), Usage(), self.config.chat_model or "acme", "acme")


def not_a_provider(config, context):
    return object()


raise_on_import = False
"""


def field_of(error: InvalidInput) -> str:
    return error.fields[0].field


def install_plugin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entries: dict[str, str]
) -> None:
    """A real installed distribution: a module plus ``*.dist-info`` with entry points."""
    package = f"acme_plugin_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{package}.py").write_text(PLUGIN)
    (tmp_path / f"{package}_broken.py").write_text("raise ImportError('no acme SDK here')\n")
    dist = tmp_path / f"{package}-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: 1.0\n")
    lines = [f"[{ENTRY_POINT_GROUP}]"]
    lines += [f"{name} = {target.replace('PKG', package)}" for name, target in entries.items()]
    (dist / "entry_points.txt").write_text("\n".join(lines) + "\n")
    monkeypatch.syspath_prepend(str(tmp_path))


# ------------------------------------------------------------------------- built-in slugs


async def test_builtin_is_offline_and_generates_no_text() -> None:
    provider = ProviderRegistry(plugins=False).resolve(ProviderConfig(slug="builtin"))

    assert isinstance(provider, BuiltinProvider)
    assert isinstance(provider, ChatProvider)
    assert provider.generates_text is False
    with pytest.raises(NotSupported) as raised:
        await provider.complete(REQUEST)
    assert isinstance(raised.value, ProviderError)  # callers' fallback path catches it


async def test_openai_slug_resolves_to_the_http_provider(fake: FakeLLM) -> None:
    config = ProviderConfig(slug="openai", base_url=fake.base_url, chat_model="fake-chat")
    provider = ProviderRegistry(plugins=False).resolve(config, workspace_id="ws_1")

    assert isinstance(provider, OpenAICompatibleProvider)
    assert provider.generates_text is True
    fake.script(Reply.text("hello from the fake"))
    assert (await provider.complete(REQUEST)).text == "hello from the fake"


def test_openai_defaults_to_the_openai_endpoint() -> None:
    provider = ProviderRegistry(plugins=False).resolve(
        ProviderConfig(slug="openai", chat_model="gpt-4o-mini")
    )
    assert isinstance(provider, OpenAICompatibleProvider)
    assert provider.base_url == "https://api.openai.com/v1"


def test_unknown_slug() -> None:
    with pytest.raises(InvalidInput) as raised:
        ProviderRegistry(plugins=False).resolve(ProviderConfig(slug="skynet"))
    assert field_of(raised.value) == "slug"
    assert "known: builtin, openai" in raised.value.message


def test_builtin_slugs_cannot_be_replaced() -> None:
    registry = ProviderRegistry(plugins=False)
    with pytest.raises(ValueError, match="built-in"):
        registry.register("openai", lambda config, context: BuiltinProvider(config))


def test_register_in_code() -> None:
    registry = ProviderRegistry(plugins=False)
    seen: list[ProviderContext] = []

    def factory(config: ProviderConfig, context: ProviderContext) -> ChatProvider:
        seen.append(context)
        return BuiltinProvider(config)

    registry.register("local", factory)
    assert registry.slugs() == ["builtin", "local", "openai"]
    registry.resolve(ProviderConfig(slug="local"), workspace_id="ws_1")
    assert seen[0].breaker is registry.board.get(ProviderConfig(slug="local").breaker_key("ws_1"))


# ------------------------------------------------------------------------- entry points


async def test_third_party_provider_through_entry_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_plugin(tmp_path, monkeypatch, {"acme": "PKG:EchoProvider"})
    registry = ProviderRegistry()

    assert registry.slugs() == ["acme", "builtin", "openai"]
    provider = registry.resolve(ProviderConfig(slug="acme", chat_model="acme-large"))
    response = await provider.complete(REQUEST)

    assert response.text == "acme: Hello"
    assert response.model == "acme-large"
    assert "acme" not in ProviderRegistry(plugins=False).slugs()


def test_broken_plugins_only_break_their_own_slug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_plugin(
        tmp_path,
        monkeypatch,
        {
            "acme": "PKG:EchoProvider",
            "acme-broken": "PKG_broken:Provider",
            "acme-wrong": "PKG:not_a_provider",
            "acme-value": "PKG:raise_on_import",
            "openai": "PKG:EchoProvider",  # may not hijack a built-in slug
        },
    )
    registry = ProviderRegistry()

    with pytest.raises(InvalidInput, match=r"failed to load .*no acme SDK here") as raised:
        registry.resolve(ProviderConfig(slug="acme-broken"))
    assert field_of(raised.value) == "slug"
    with pytest.raises(InvalidInput, match="does not implement ChatProvider"):
        registry.resolve(ProviderConfig(slug="acme-wrong"))
    with pytest.raises(InvalidInput, match="not callable"):
        registry.resolve(ProviderConfig(slug="acme-value"))
    assert registry.resolve(ProviderConfig(slug="acme")).slug == "acme"
    openai = registry.resolve(ProviderConfig(slug="openai", chat_model="m"))
    assert isinstance(openai, OpenAICompatibleProvider)


# ------------------------------------------------------------------------- configuration


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"base_url": "not a url"}, "base_url"),
        ({"base_url": "ftp://llm.example.com/v1"}, "base_url"),
        ({"base_url": "http:///v1"}, "base_url"),
        ({"base_url": "https://user:pw@llm.example.com/v1"}, "base_url"),
        ({"base_url": "https://llm.example.com/v1?key=1"}, "base_url"),
        ({"chat_model": "  "}, "chat_model"),
        ({"embedding_model": ""}, "embedding_model"),
        ({"timeout_seconds": 0}, "timeout_seconds"),
        ({"timeout_seconds": 301}, "timeout_seconds"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": 11}, "max_retries"),
        ({"slug": "Open AI"}, "slug"),
    ],
)
def test_config_validation(changes: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {"slug": "openai", "chat_model": "m", **changes}
    with pytest.raises(InvalidInput) as raised:
        ProviderConfig(**values)
    assert field_of(raised.value) == field


def test_openai_needs_a_chat_model() -> None:
    config = ProviderConfig(slug="openai", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(InvalidInput) as raised:
        ProviderRegistry(plugins=False).resolve(config)
    assert field_of(raised.value) == "chat_model"


def test_the_key_never_shows_in_repr() -> None:
    config = ProviderConfig(slug="openai", chat_model="m", api_key="sk-very-secret")
    provider = OpenAICompatibleProvider(config)
    assert "sk-very-secret" not in repr(config)
    assert "sk-very-secret" not in repr(provider)


async def test_api_key_from_encrypted_workspace_secret(
    database: Database, tenant: Tenant, other_tenant: Tenant, fake: FakeLLM
) -> None:
    box = SecretBox("test operator key")
    async with database.transaction() as session:
        await workspaces.put_secret(session, box, tenant.workspace_id, "llm_api_key", "sk-tenant-a")
    config = ProviderConfig(slug="openai", base_url=fake.base_url, chat_model="fake-chat")

    async with database.transaction() as session:
        keyed = await with_secret_api_key(config, session, box, tenant.workspace_id, "llm_api_key")
        with pytest.raises(NotFound):  # another workspace cannot read it
            await with_secret_api_key(
                config, session, box, other_tenant.workspace_id, "llm_api_key"
            )

    assert config.api_key is None
    fake.script(Reply.text("authorised"))
    provider = ProviderRegistry(plugins=False).resolve(keyed, workspace_id=tenant.workspace_id)
    assert (await provider.complete(REQUEST)).text == "authorised"
    assert fake.chat_requests[0].headers["authorization"] == "Bearer sk-tenant-a"
