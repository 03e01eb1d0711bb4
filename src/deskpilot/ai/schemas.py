"""What the AI endpoints take and give, and the payload of the message job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from deskpilot.models import Decision, Handling

INTENT_NAME = r"^[a-z][a-z0-9_]{0,79}$"


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
    model_config = ConfigDict(extra="forbid")

    bot_enabled: bool | None = None
    provider: str | None = Field(None, pattern=r"^[a-z][a-z0-9_-]{0,39}$")
    base_url: HttpUrl | None = None
    chat_model: str | None = Field(None, min_length=1, max_length=200)
    embedding_model: str | None = Field(None, min_length=1, max_length=200)
    api_key_secret: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9_.-]{0,99}$")
    timeout_seconds: float | None = Field(None, gt=0, le=120)
    max_retries: int | None = Field(None, ge=0, le=10)
    languages: list[str] | None = Field(None, min_length=1, max_length=20)
    handoff_confidence: float | None = Field(None, ge=0, le=1)
    negative_sentiment: float | None = Field(None, ge=-1, le=1)
    vip_segments: list[str] | None = Field(None, max_length=50)
    actions_enabled: list[str] | None = None
    max_bot_failures: int | None = Field(None, ge=1, le=10)


class IntentWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=INTENT_NAME)
    description: str = Field("", max_length=2000)
    handling: Handling
    action: str | None = Field(None, max_length=80)
    examples: list[str] = Field(min_length=1, max_length=500)


class IntentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str | None = Field(None, max_length=2000)
    handling: Handling | None = None
    action: str | None = Field(None, max_length=80)
    examples: list[str] | None = Field(None, min_length=1, max_length=500)


class IntentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    description: str
    handling: Handling
    action: str | None
    examples: list[str]


class HistoryTurn(BaseModel):
    role: str = Field(pattern=r"^(customer|bot|agent)$")
    text: str = Field(max_length=10_000)


class PreviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=10_000)
    customer_id: str | None = None
    email: str | None = Field(None, max_length=320)  # an identity the caller has verified
    history: list[HistoryTurn] = Field(default_factory=list, max_length=50)


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
