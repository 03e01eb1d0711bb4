"""What the automation API takes and gives: rules, their run log, dry runs, and macros.

Conditions and actions arrive as plain JSON objects and are checked by ``conditions.validate``
and ``actions.validate``, which name the failing field as ``conditions[1].op``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

TRIGGERS = (
    "ticket.created",
    "ticket.updated",
    "message.received",
    "ticket.sla_warning",
    "ticket.sla_breached",
    "ticket.rated",
    "time",
)
TIME_TRIGGER = "time"

Conditions = list[dict[str, Any]]
Actions = list[dict[str, Any]]


class RuleFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    trigger: str | None = None
    conditions: Conditions | None = Field(default=None, max_length=50)
    actions: Actions | None = Field(default=None, max_length=20)
    position: int | None = Field(default=None, ge=0, le=1_000_000)
    is_active: bool | None = None


class RuleCreate(RuleFields):
    name: str = Field(min_length=1, max_length=200)
    trigger: str
    conditions: Conditions = Field(default_factory=list, max_length=50)
    actions: Actions = Field(min_length=1, max_length=20)


class RuleUpdate(RuleFields):
    """Fields to change; a field left out is left alone."""


class RuleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    description: str | None
    trigger: str
    conditions: Conditions
    actions: Actions
    position: int
    is_active: bool
    created_at: datetime
    updated_at: datetime


class RuleRunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    rule_id: str
    ticket_id: str | None
    trigger: str
    event_id: str | None
    dedupe_key: str | None
    matched: bool
    actions_done: list[dict[str, Any]]
    error: str | None
    created_at: datetime


class DryRunRequest(RuleCreate):
    """A rule to try (it is not saved), and how many recent tickets to try it on."""

    limit: int = Field(default=100, ge=1, le=500)


class DryRunOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=100, ge=1, le=500)


class DryRunTicket(BaseModel):
    ticket_id: str
    reference: str
    matched: bool
    actions: list[dict[str, Any]]  # what the rule would do (nothing is done)


class DryRunRead(BaseModel):
    evaluated: int
    matched: int
    tickets: list[DryRunTicket]


class MacroFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    actions: Actions | None = Field(default=None, min_length=1, max_length=20)


class MacroCreate(MacroFields):
    name: str = Field(min_length=1, max_length=200)
    actions: Actions = Field(min_length=1, max_length=20)


class MacroUpdate(MacroFields):
    """Fields to change; a field left out is left alone."""


class MacroRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    description: str | None
    actions: Actions
    created_at: datetime
    updated_at: datetime
