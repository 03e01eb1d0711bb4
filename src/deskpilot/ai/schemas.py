"""What the AI endpoints take and give, and the payload of the message job."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StrictBool,
    ValidationInfo,
    field_validator,
)

from deskpilot.models import Decision, Handling

INTENT_NAME = r"^[a-z][a-z0-9_]{0,79}$"
MAX_EXAMPLE_CHARS = 500
"""An example is one customer utterance; longer ones only make training slow."""
MAX_PREVIEW_CHARS = 10_000


def _no_nul(value: str, field: str) -> str:
    # PostgreSQL text cannot hold NUL, and no customer writes one: refuse it up front
    # instead of failing when the run is stored.
    if "\x00" in value:
        raise ValueError(f"{field} must not contain NUL characters")
    return value


Example = Annotated[
    str,
    Field(min_length=1, max_length=MAX_EXAMPLE_CHARS),
    AfterValidator(lambda value: _no_nul(value, "an example")),
]
Description = Annotated[
    str, Field(max_length=2000), AfterValidator(lambda value: _no_nul(value, "description"))
]
LanguageCode = Annotated[str, Field(min_length=1, max_length=10)]
SegmentRef = Annotated[str, Field(min_length=1, max_length=200)]
ActionName = Annotated[str, Field(min_length=1, max_length=80)]


def _not_nullable(*names: str) -> Callable[[dict[str, Any]], None]:
    """For a PATCH model whose fields ``names`` may be left out but not set to null (the
    service answers 422 to a null): show them in the schema as their plain type, so clients
    and generated code do not offer null."""

    def edit(schema: dict[str, Any]) -> None:
        for name in names:
            prop = schema.get("properties", {}).get(name)
            if prop is None or "anyOf" not in prop:
                continue
            kept = [b for b in prop.pop("anyOf") if b.get("type") != "null"]
            prop.pop("default", None)
            if len(kept) == 1:
                prop.update(kept[0])
            else:
                prop["anyOf"] = kept

    return edit


class SettingsRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    bot_enabled: bool
    provider: str
    base_url: str | None
    chat_model: str | None
    embedding_model: str | None
    api_key_secret: str | None
    timeout_seconds: float
    max_retries: int
    languages: list[str]
    handoff_confidence: float
    negative_sentiment: float
    vip_segments: list[str]
    actions_enabled: list[str]
    max_bot_failures: int


class SettingsUpdate(BaseModel):
    """A partial change. Only ``base_url``, ``chat_model``, ``embedding_model`` and
    ``api_key_secret`` may be set to null (cleared); the other fields may be left out."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=_not_nullable(
            "bot_enabled",
            "provider",
            "timeout_seconds",
            "max_retries",
            "languages",
            "handoff_confidence",
            "negative_sentiment",
            "vip_segments",
            "actions_enabled",
            "max_bot_failures",
        ),
    )

    bot_enabled: StrictBool | None = None
    provider: str | None = Field(None, pattern=r"^[a-z][a-z0-9_-]{0,39}$")
    base_url: HttpUrl | None = Field(None, max_length=2000)
    chat_model: str | None = Field(None, min_length=1, max_length=200)
    embedding_model: str | None = Field(None, min_length=1, max_length=200)
    api_key_secret: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9_.-]{0,99}$")
    timeout_seconds: float | None = Field(None, gt=0, le=120)
    max_retries: int | None = Field(None, ge=0, le=10)
    languages: list[LanguageCode] | None = Field(None, min_length=1, max_length=20)
    handoff_confidence: float | None = Field(None, ge=0, le=1)
    # a score at or below it hands off; neutral messages score near 0, on either side of it
    negative_sentiment: float | None = Field(None, ge=-1, le=-0.2)
    vip_segments: list[SegmentRef] | None = Field(None, max_length=50)
    actions_enabled: list[ActionName] | None = Field(None, max_length=50)
    max_bot_failures: int | None = Field(None, ge=1, le=10)


class CheckResult(BaseModel):
    """One endpoint's answer to a connection check."""

    ok: bool
    latency_ms: float | None = Field(None, description="How long the endpoint took to answer.")
    status: int | None = Field(None, description="The HTTP status of a refusal or an error.")
    error: str | None = Field(None, description="What failed: the endpoint's words, never the key.")
    dimensions: int | None = Field(None, description="The size of an embedding (embeddings).")


class ProviderCheck(BaseModel):
    """The saved configuration, tried: ``embeddings`` is null when no embedding model is set
    (the deployment's embedder serves the knowledge base)."""

    provider: str
    chat: CheckResult
    embeddings: CheckResult | None


class IntentWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=INTENT_NAME)
    description: Description = ""
    handling: Handling
    action: str | None = Field(None, max_length=80)
    examples: list[Example] = Field(min_length=1, max_length=500)

    @field_validator("action")
    @classmethod
    def _action_only_for_actions(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("handling") not in (None, Handling.ACTION):
            raise ValueError("only an intent handled by an action names one")
        return value


class IntentUpdate(BaseModel):
    """A partial change; only ``action`` may be set to null."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra=_not_nullable("description", "handling", "examples")
    )

    description: Description | None = None
    handling: Handling | None = None
    action: str | None = Field(None, max_length=80)
    examples: list[Example] | None = Field(None, min_length=1, max_length=500)


class IntentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    description: str
    handling: Handling
    action: str | None
    examples: list[str]


class HistoryTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str = Field(pattern=r"^(customer|bot|agent)$")
    text: str = Field(max_length=MAX_PREVIEW_CHARS)

    @field_validator("text")
    @classmethod
    def _text_has_no_nul(cls, value: str) -> str:
        return _no_nul(value, "text")


class PreviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_PREVIEW_CHARS)
    customer_id: str | None = Field(None, min_length=1, max_length=100)
    email: str | None = Field(None, min_length=3, max_length=320)  # one the caller verified
    history: list[HistoryTurn] = Field(default_factory=list, max_length=50)

    @field_validator("text")
    @classmethod
    def _text_has_no_nul(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return _no_nul(value, "text")

    @field_validator("email")
    @classmethod
    def _one_customer(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("customer_id") is not None:
            raise ValueError("give customer_id or email, not both")
        return value


class CitationRead(BaseModel):
    article_id: str
    version: int
    title: str


class PreviewRead(BaseModel):
    decision: Decision
    reason: str
    reply: str
    language: str
    intent: str | None
    confidence: float
    sentiment: float
    citations: list[CitationRead]
    action: dict[str, Any] | None
    annotations: dict[str, Any]
    latency_ms: float


class RunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    conversation_id: str | None
    message_id: str | None
    kind: str
    input_redacted: str
    language: str | None
    intent: str | None
    confidence: float | None
    sentiment: float | None
    decision: Decision
    reason: str
    reply: str | None
    sources: list[dict[str, Any]]
    action: dict[str, Any] | None
    provider: str
    latency_ms: float
    prompt_tokens: int
    completion_tokens: int
    created_at: datetime


class Suggestion(BaseModel):
    reply: str
    decision: Decision
    reason: str
    citations: list[CitationRead]


class Assist(BaseModel):
    """For an agent: a suggested reply with its sources, and the conversation's summary."""

    suggestions: list[Suggestion]
    summary: str
