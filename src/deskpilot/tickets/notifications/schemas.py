"""What the notifications API and jobs take and give."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from deskpilot.kit.bus import BusEvent


class NotificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    user_id: str
    kind: str
    title: str
    body: str
    ticket_id: str | None
    conversation_id: str | None
    emailed_at: datetime | None
    read_at: datetime | None
    created_at: datetime


class ReadAllResult(BaseModel):
    marked: int


class NotificationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: bool


class NotificationSettingsRead(BaseModel):
    email: bool


class SendEmail(BaseModel):
    """Payload of ``notification.send_email``."""

    notification_id: str


class DispatchNotifications(BaseModel):
    """Payload of ``notification.dispatch``: the event that may notify someone."""

    event: BusEvent
