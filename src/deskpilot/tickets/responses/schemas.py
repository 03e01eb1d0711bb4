"""What the canned responses API takes and gives."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

SHORTCUT_PATTERN = r"^[\w][\w.:-]{0,63}$"


class CannedResponseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shortcut: str = Field(pattern=SHORTCUT_PATTERN)  # typed after "/" in the reply box
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20_000)
    language: str | None = Field(default=None, max_length=16)


class CannedResponseUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shortcut: str | None = Field(default=None, pattern=SHORTCUT_PATTERN)
    title: str | None = Field(default=None, min_length=1, max_length=200)
    body: str | None = Field(default=None, min_length=1, max_length=20_000)
    language: str | None = Field(default=None, max_length=16)


class CannedResponseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    shortcut: str
    title: str
    body: str
    language: str | None
    created_at: datetime
    updated_at: datetime


class RenderRequest(BaseModel):
    """Render for a ticket or for a conversation (exactly one)."""

    model_config = ConfigDict(extra="forbid")

    ticket_id: str | None = None
    conversation_id: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> RenderRequest:
        if (self.ticket_id is None) == (self.conversation_id is None):
            raise ValueError("give ticket_id or conversation_id (one of them)")
        return self


class RenderedResponse(BaseModel):
    id: str
    shortcut: str
    text: str
