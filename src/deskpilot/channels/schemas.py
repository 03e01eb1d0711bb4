from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ChannelCreate(BaseModel):
    type: str = Field(min_length=1, max_length=40, description="See GET /api/v1/channels/types.")
    name: str = Field(min_length=1, max_length=200)
    config: dict[str, Any] = Field(default_factory=dict, description="The type's settings.")
    secrets: dict[str, str] = Field(
        default_factory=dict, description="Tokens and keys; stored encrypted, never returned."
    )


class ChannelUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    config: dict[str, Any] | None = None
    secrets: dict[str, str] | None = Field(None, description="Replaces the given secrets only.")
    is_active: bool | None = None


class ChannelRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    type: str
    name: str
    config: dict[str, Any]
    public_key: str = Field(description="Identifies the channel in webhook URLs and the widget.")
    is_active: bool
    secret_names: list[str] = Field(default_factory=list)
    webhook_path: str = ""
    created_at: datetime
    updated_at: datetime


class ChannelTypeRead(BaseModel):
    type: str
    display_name: str
    config_schema: dict[str, Any]
    secrets_schema: dict[str, Any]
