from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

from deskpilot.models import DeliveryState
from deskpilot.webhooks.events import ALL_EVENTS, KNOWN_EVENTS

EVENTS_DESCRIPTION = "Event names (see GET /api/v1/webhooks/events), or `*` for every event."


def _known_events(names: list[str]) -> list[str]:
    """The names, cleaned and deduplicated; ``[]`` stands for every event."""
    cleaned = list(dict.fromkeys(name.strip() for name in names))
    unknown = [n for n in cleaned if n != ALL_EVENTS and n not in KNOWN_EVENTS]
    if unknown:
        raise ValueError(
            f"unknown event {unknown[0]!r}; known: {', '.join(KNOWN_EVENTS)}, or {ALL_EVENTS!r}"
        )
    if not cleaned:
        raise ValueError(f"name at least one event, or {ALL_EVENTS!r} for every event")
    return [] if ALL_EVENTS in cleaned else cleaned


class WebhookCreate(BaseModel):
    url: HttpUrl = Field(description="An http or https endpoint that accepts JSON POSTs.")
    events: list[str] = Field(
        default_factory=lambda: [ALL_EVENTS],
        max_length=50,
        validate_default=True,
        description=EVENTS_DESCRIPTION,
    )
    secret: str | None = Field(
        None,
        min_length=16,
        max_length=200,
        description="The signing secret; generated when not given. Shown once, in the answer.",
    )
    is_active: bool = True

    @field_validator("events")
    @classmethod
    def _events(cls, names: list[str]) -> list[str]:
        return _known_events(names)


class WebhookUpdate(BaseModel):
    url: HttpUrl | None = None
    events: list[str] | None = Field(None, max_length=50, description=EVENTS_DESCRIPTION)
    secret: str | None = Field(
        None, min_length=16, max_length=200, description="A new signing secret; never returned."
    )
    is_active: bool | None = None

    @field_validator("events")
    @classmethod
    def _events(cls, names: list[str] | None) -> list[str] | None:
        return None if names is None else _known_events(names)


class WebhookRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    url: str
    events: list[str] = Field(description=EVENTS_DESCRIPTION)
    is_active: bool
    created_at: datetime
    updated_at: datetime

    @field_validator("events")
    @classmethod
    def _all(cls, names: list[str]) -> list[str]:
        return names or [ALL_EVENTS]


class WebhookCreated(WebhookRead):
    secret: str = Field(description="Verify signatures with it. It is never shown again.")


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    webhook_id: str = Field(validation_alias="subscription_id")
    event_id: str
    event: str = Field(validation_alias="event_name")
    state: DeliveryState
    attempts: int
    response_status: int | None = Field(description="The endpoint's last HTTP status, if any.")
    error: str | None = Field(description="Why the last attempt failed.")
    payload: dict[str, Any] = Field(description="The JSON body sent.")
    created_at: datetime
    delivered_at: datetime | None


class EventTypeRead(BaseModel):
    name: str
    description: str
