"""What the analytics overview returns (``GET /api/v1/analytics/overview``)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class ChannelVolume(BaseModel):
    """One channel's volume in the period (today, in the workspace's time zone)."""

    channel_id: str
    name: str
    type: str
    conversations: int = Field(description="Conversations opened in the period.")
    inbound: int = Field(description="Messages from customers.")
    outbound: int = Field(description="Replies sent by agents and the bot (notes excluded).")


class Automation(BaseModel):
    """How much the bot resolved without handing off (docs/analytics.md defines it)."""

    customer_messages: int
    bot_resolved_messages: int = Field(description="Answered or acted on by the bot.")
    message_rate: float | None = Field(description="None when there is no customer message.")
    conversations: int = Field(description="Conversations with a customer message.")
    bot_resolved_conversations: int
    conversation_rate: float | None


class Count(BaseModel):
    key: str
    count: int


class OpenTickets(BaseModel):
    total: int
    by_status: list[Count]
    by_priority: list[Count]


class SLAFigures(BaseModel):
    at_risk: int = Field(description="Running tickets with a target due within the window.")
    breached: int = Field(description="Unresolved tickets that missed a target.")
    window_minutes: int


class SentimentDay(BaseModel):
    day: date
    average: float | None = Field(description="Mean score in -1..1; None on a day with none.")
    negative: int
    neutral: int
    positive: int


class Overview(BaseModel):
    """The dashboard's figures for one workspace, in its time zone."""

    timezone: str
    generated_at: datetime
    today: date
    days: int
    volume_today: list[ChannelVolume]
    automation_today: Automation
    automation_period: Automation
    open_tickets: OpenTickets
    sla: SLAFigures
    sentiment: list[SentimentDay]
    top_intents: list[Count] = Field(description="Customer messages per intent, last 7 days.")
