"""Surveys as the API gives them, the customer's answer, and the aggregates."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class SurveyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    ticket_id: str
    customer_id: str | None
    agent_id: str | None
    conversation_id: str | None
    score: int | None
    comment: str | None
    sent_at: datetime
    answered_at: datetime | None


class SurveyAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=5000)


class PublicSurvey(BaseModel):
    """What the customer's survey page knows: no ids beyond the reference."""

    reference: str
    language: str
    answered: bool
    score: int | None
    comment: str | None


class Aggregate(BaseModel):
    sent: int
    answered: int
    average: float | None
    distribution: dict[str, int]  # "1".."5" -> answers with that score


class CustomerSatisfaction(Aggregate):
    customer_id: str
    surveys: list[SurveyRead]


class AgentSatisfaction(Aggregate):
    agent_id: str | None  # None: the whole workspace
    days: int
