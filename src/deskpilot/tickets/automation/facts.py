"""What a condition's field means for one ticket: loaded on first use, then remembered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.customers import service as customers
from deskpilot.kit.errors import NotFound
from deskpilot.models import Customer, Ticket
from deskpilot.segments import service as segments
from deskpilot.tickets.automation.conditions import TRAIT_PREFIX
from deskpilot.tickets.automation.repository import FactRepository

_TICKET_COLUMNS = {
    "ticket.status",
    "ticket.priority",
    "ticket.type",
    "ticket.source",
    "ticket.category",
    "ticket.labels",
    "ticket.assignee_id",
    "ticket.team_id",
    "ticket.language",
    "ticket.subject",
    "ticket.description",
    "ticket.customer_id",
}
_CUSTOMER_COLUMNS = ("name", "email", "phone", "language", "locale", "country", "city", "tags")
_HOUR = 3600.0


class Facts:
    """The facts of ``ticket`` for rules, as of ``now`` and in the light of ``event`` (the
    event's data, or None for time rules and dry runs)."""

    def __init__(
        self,
        session: AsyncSession,
        ticket: Ticket,
        *,
        now: datetime,
        event: dict[str, Any] | None = None,
    ) -> None:
        self.session = session
        self.ticket = ticket
        self.now = now
        self.event = event or {}
        self._repository = FactRepository(session, ticket.workspace_id)
        self._cache: dict[str, object] = {}
        self._customer: Customer | None = None
        self._customer_loaded = False

    @property
    def changes(self) -> dict[str, Any] | None:
        """``{column: [before, after]}`` of a ``ticket.updated`` event, else None."""
        changes = self.event.get("changes")
        return changes if isinstance(changes, dict) else None

    async def lookup(self, field: str) -> object:
        if field not in self._cache:
            self._cache[field] = await self._load(field)
        return self._cache[field]

    async def _load(self, field: str) -> object:
        ticket = self.ticket
        if field in _TICKET_COLUMNS:
            value = getattr(ticket, field.removeprefix("ticket."))
            return list(value) if isinstance(value, list) else value
        if field == "ticket.channel_type":
            if ticket.channel_id is None:
                return None
            return await self._repository.channel_type(ticket.channel_id)
        if field == "ticket.hours_since_update":
            return _hours(self.now, ticket.updated_at)
        if field == "ticket.hours_since_created":
            return _hours(self.now, ticket.created_at)
        if field == "ticket.hours_in_status":
            since = await self._repository.status_since(ticket.id) or ticket.created_at
            return _hours(self.now, since)
        if field.startswith("customer."):
            return await self._customer_fact(field)
        if field.startswith("ai."):
            return await self._ai_fact(field)
        if field == "event.changes":
            return sorted(self.changes or {})
        if field == "event.score":
            return self.event.get("score")
        if field == "event.actor_type":
            actor = self.event.get("actor")
            return actor.get("type") if isinstance(actor, dict) else None
        return None

    async def customer(self) -> Customer | None:
        if not self._customer_loaded:
            self._customer_loaded = True
            if self.ticket.customer_id is not None:
                try:
                    self._customer = await customers.get_customer(
                        self.session, self.ticket.workspace_id, self.ticket.customer_id
                    )
                except NotFound:
                    self._customer = None
        return self._customer

    async def _customer_fact(self, field: str) -> object:
        customer = await self.customer()
        if customer is None:
            return None
        if field == "customer.segments":
            refs = await segments.segments_of(self.session, customer.workspace_id, customer.id)
            return [r.id for r in refs] + [r.name for r in refs]
        if field == "customer.email_domain":
            email = customer.email or ""
            return email.rsplit("@", 1)[1].lower() if "@" in email else None
        if field.startswith(TRAIT_PREFIX):
            return _trait(customer, field[len(TRAIT_PREFIX) :])
        return getattr(customer, field.removeprefix("customer."), None)

    async def _ai_fact(self, field: str) -> object:
        annotations = await self._repository.newest_annotations(self.ticket.id) or {}
        sentiment = annotations.get("sentiment")
        sentiment = sentiment if isinstance(sentiment, dict) else {}
        return {
            "ai.intent": annotations.get("intent"),
            "ai.intent_confidence": annotations.get("confidence"),
            "ai.sentiment": sentiment.get("label"),
            "ai.sentiment_score": sentiment.get("score"),
            "ai.language": annotations.get("language"),
            "ai.urgency": annotations.get("urgency"),
        }.get(field)


def _hours(now: datetime, then: datetime) -> float:
    if then.tzinfo is None and now.tzinfo is not None:
        then = then.replace(tzinfo=now.tzinfo)
    return (now - then).total_seconds() / _HOUR


def _trait(customer: Customer, name: str) -> object:
    """A trait: a profile column, a custom attribute, or a computed trait (in that order)."""
    if name in _CUSTOMER_COLUMNS:
        return getattr(customer, name)
    for source in (customer.attributes or {}, customer.computed or {}):
        if name in source:
            value: object = source[name]
            return value
    return None
