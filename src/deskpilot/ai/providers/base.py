"""What every chat provider speaks: typed requests and responses, and the errors callers fall
back on.

A provider turns a :class:`ChatRequest` (messages, optional tools) into a :class:`ChatResponse`
(text and/or tool calls, token usage). Anything that goes wrong on the provider's side is a
:class:`ProviderError`; the pipeline catches that one type and falls back to the built-in
(extractive) engine or to a hand-off. Tool-call arguments are parsed and checked against the
tool's JSON schema before they reach the caller, so an action never runs on arguments the model
made up in the wrong shape.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant", "tool"]
ROLES: frozenset[str] = frozenset({"system", "user", "assistant", "tool"})
TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
"""Tool names OpenAI accepts (and the only ones we declare)."""

JsonObject = dict[str, Any]


# --------------------------------------------------------------------------- errors


class ProviderError(Exception):
    """The provider could not give a usable answer; the caller falls back (extractive or
    hand-off). ``provider`` is the slug of the provider that failed."""

    def __init__(self, message: str, *, provider: str) -> None:
        super().__init__(message)
        self.provider = provider


class ProviderTimeout(ProviderError):
    """Every attempt timed out."""


class ProviderUnavailable(ProviderError):
    """The endpoint failed (connection refused, 429 or 5xx on every attempt)."""

    def __init__(self, message: str, *, provider: str, status: int | None = None) -> None:
        super().__init__(message, provider=provider)
        self.status = status


class CircuitOpen(ProviderUnavailable):
    """The breaker is open: the provider failed repeatedly and is not called for a while."""


class ProviderRejected(ProviderError):
    """The endpoint refused the request with a 4xx other than 429 (bad request, wrong key,
    unknown model). Not retried: the same request would be refused again."""

    def __init__(self, message: str, *, provider: str, status: int) -> None:
        super().__init__(message, provider=provider)
        self.status = status


class MalformedResponse(ProviderError):
    """The endpoint answered 2xx with something that is not a usable chat completion: not
    JSON, no choices, an unknown tool, tool arguments that are not a JSON object or that break
    the tool's schema."""


class NotSupported(ProviderError):
    """The provider cannot do this at all (the built-in provider generates no free text)."""


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A tool (function) the model may call; ``parameters`` is a JSON schema of an object."""

    name: str
    description: str
    parameters: Mapping[str, Any] = field(
        default_factory=lambda: {"type": "object", "properties": {}}
    )

    def __post_init__(self) -> None:
        if not TOOL_NAME.match(self.name):
            raise ValueError(f"tool name {self.name!r} must match {TOOL_NAME.pattern}")
        if self.parameters.get("type") != "object":
            raise ValueError(f"tool {self.name!r}: parameters must be a JSON schema of an object")


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One call the model asked for; ``arguments`` is the parsed, schema-checked JSON object."""

    id: str
    name: str
    arguments: JsonObject


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message of the conversation sent to the model.

    ``tool`` messages carry the result of a call (``tool_call_id`` says which); ``assistant``
    messages may carry the ``tool_calls`` the model made earlier, so a conversation with tools
    can be sent back in full.
    """

    role: Role
    content: str | None = None
    tool_call_id: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role {self.role!r} is not one of {sorted(ROLES)}")
        if self.role == "tool" and not self.tool_call_id:
            raise ValueError("a tool message needs the tool_call_id it answers")
        if self.role != "tool" and self.tool_call_id is not None:
            raise ValueError("only tool messages carry a tool_call_id")
        if self.tool_calls and self.role != "assistant":
            raise ValueError("only assistant messages carry tool_calls")
        if self.content is None and not self.tool_calls:
            raise ValueError(f"a {self.role} message needs content")


@dataclass(frozen=True, slots=True)
class ChatRequest:
    messages: tuple[ChatMessage, ...]
    tools: tuple[ToolSpec, ...] = ()
    temperature: float | None = None
    max_tokens: int | None = None

    def __post_init__(self) -> None:
        if not self.messages:
            raise ValueError("a chat request needs at least one message")
        names = [tool.name for tool in self.tools]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate tool names in {names}")
        if self.temperature is not None and not 0 <= self.temperature <= 2:
            raise ValueError("temperature must be between 0 and 2")
        if self.max_tokens is not None and self.max_tokens < 1:
            raise ValueError("max_tokens must be positive")

    def tool(self, name: str) -> ToolSpec | None:
        return next((tool for tool in self.tools if tool.name == name), None)


# --------------------------------------------------------------------------- responses


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True, slots=True)
class ChatResponse:
    """The model's answer: ``text`` (may be None when it only calls tools) and ``tool_calls``."""

    text: str | None
    tool_calls: tuple[ToolCall, ...]
    usage: Usage
    model: str
    provider: str
    finish_reason: str | None = None


# --------------------------------------------------------------------------- protocol


@runtime_checkable
class ChatProvider(Protocol):
    """A chat model behind one async call.

    ``generates_text`` is False for providers that cannot write free text (``builtin``): the
    pipeline then composes replies extractively and never calls :meth:`complete`.
    """

    slug: str
    generates_text: bool

    async def complete(self, request: ChatRequest) -> ChatResponse:
        """Answer ``request``; raise a :class:`ProviderError` subclass when that fails."""
        ...


# --------------------------------------------------------------------------- schema checks

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


def schema_errors(value: Any, schema: Mapping[str, Any], path: str = "$") -> list[str]:
    """Where ``value`` breaks ``schema``: the subset of JSON Schema that tool definitions use
    (``type``, ``properties``, ``required``, ``additionalProperties: false``, ``enum``,
    ``items``, ``minLength``/``maxLength``, ``minimum``/``maximum``, ``minItems``/``maxItems``).
    Other keywords are ignored, not enforced."""
    errors: list[str] = []
    expected = schema.get("type")
    if expected is not None:
        kinds = [expected] if isinstance(expected, str) else list(expected)
        if not any(_is_type(value, kind) for kind in kinds):
            return [f"{path}: expected {' or '.join(kinds)}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{path}: shorter than {schema['minLength']}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{path}: longer than {schema['maxLength']}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: below {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: above {schema['maximum']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{path}: more than {schema['maxItems']} items")
        items = schema.get("items")
        if isinstance(items, Mapping):
            for index, item in enumerate(value):
                errors.extend(schema_errors(item, items, f"{path}[{index}]"))
    if isinstance(value, dict):
        properties: Mapping[str, Any] = schema.get("properties", {})
        errors.extend(
            f"{path}: missing {name!r}" for name in schema.get("required", ()) if name not in value
        )
        for name, item in value.items():
            if name in properties:
                errors.extend(schema_errors(item, properties[name], f"{path}.{name}"))
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}: unexpected {name!r}")
    return errors


def _is_type(value: Any, kind: str) -> bool:
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    if kind == "number" and isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, _JSON_TYPES.get(kind, (object,)))


def check_tool_calls(calls: Sequence[ToolCall], request: ChatRequest, provider: str) -> None:
    """Raise :class:`MalformedResponse` for a call to an undeclared tool or with arguments that
    break its schema."""
    for call in calls:
        tool = request.tool(call.name)
        if tool is None:
            raise MalformedResponse(
                f"the model called an undeclared tool {call.name!r}", provider=provider
            )
        problems = schema_errors(call.arguments, tool.parameters)
        if problems:
            raise MalformedResponse(
                f"arguments of {call.name!r} break its schema: {'; '.join(problems[:5])}",
                provider=provider,
            )
