"""The typed action protocol: what an action needs, its policy check, and running it.

An action is asked twice. ``check`` decides, without changing anything, whether the verified
customer may do this now: allowed (with a ``plan``: what will change, shown to the customer to
confirm), refused (a reason code and a customer-safe message key), or missing slots (what to
ask for, with the choices when they are known). ``run`` checks again (the order may have changed
since the question) and, when allowed and confirmed, makes the change through the orders
service. Nothing here commits: the pipeline's job boundary does.

Refusals never reveal more than the customer may know: an order that does not exist and an
order of somebody else are the same refusal (``order_not_found``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.customers import service as customers
from deskpilot.kit.bus import Bus
from deskpilot.kit.errors import InvalidInput, NotFound, field_errors
from deskpilot.models import Order
from deskpilot.orders import service as orders


@dataclass(frozen=True, slots=True)
class ActionContext:
    """Who is asking, in which workspace. ``customer_id`` is None until verification passed.

    One context serves one turn, and remembers the orders and profiles it looked up: the
    engine finds the order the message is about, then the action is checked and run, and each
    step asks for the same records (a turn reads one state of them; what an action changes is
    the same object, changed)."""

    session: AsyncSession
    workspace_id: str
    customer_id: str | None
    language: str = "en"
    bus: Bus | None = None  # order.updated events go out after commit when given
    _orders: dict[str, Order | None] = field(default_factory=dict, repr=False)
    _live_ids: dict[str, str | None] = field(default_factory=dict, repr=False)

    async def order(self, reference: str) -> Order | None:
        """The order a customer means by ``reference`` (``orders.find_order``), any owner."""
        if reference not in self._orders:
            self._orders[reference] = await orders.find_order(
                self.session, self.workspace_id, reference
            )
        return self._orders[reference]

    async def live_id(self, customer_id: str) -> str | None:
        """The live profile of ``customer_id`` (merges followed), None when it does not exist."""
        if customer_id not in self._live_ids:
            try:
                live = await customers.live_customer(self.session, self.workspace_id, customer_id)
                self._live_ids[customer_id] = live.id
            except NotFound:
                self._live_ids[customer_id] = None
        return self._live_ids[customer_id]


class Refusal(enum.StrEnum):
    """Why an action was refused; the customer-safe message key is ``actions.refused.<code>``."""

    NOT_VERIFIED = "not_verified"
    ORDER_NOT_FOUND = "order_not_found"  # unknown, or not this customer's: never say which
    NOT_PENDING = "not_pending"
    NO_ORDER_FITS = "no_order_fits"  # none of their recent orders is in a status it applies to
    NOT_DELIVERED = "not_delivered"
    REASON_NOT_ACCEPTED = "reason_not_accepted"
    ITEM_NOT_IN_ORDER = "item_not_in_order"
    FINAL_SALE = "final_sale"  # a line the shop marks as not returnable
    REFUND_METHOD_NOT_ALLOWED = "refund_method_not_allowed"
    NOT_CONFIRMED = "not_confirmed"
    INVALID_ADDRESS = "invalid_address"


class Decision(enum.StrEnum):
    ALLOWED = "allowed"
    REFUSED = "refused"
    MISSING = "missing"


class PolicyOutcome(BaseModel):
    """The answer of ``check``; build one with ``allowed``, ``refused`` or ``missing``."""

    model_config = ConfigDict(frozen=True)

    decision: Decision
    reason: Refusal | None = None
    message_key: str | None = None
    missing: list[str] = []
    choices: dict[str, list[str]] = {}  # for a missing slot, the values the customer may pick
    plan: dict[str, Any] = {}  # what the action will do (so far, while a slot is missing)
    details: dict[str, Any] = {}  # safe facts about a refusal (the order's status, bad items)

    @property
    def is_allowed(self) -> bool:
        return self.decision is Decision.ALLOWED

    @classmethod
    def allowed(cls, plan: dict[str, Any] | None = None) -> PolicyOutcome:
        return cls(decision=Decision.ALLOWED, plan=plan or {})

    @classmethod
    def refused(cls, reason: Refusal, details: dict[str, Any] | None = None) -> PolicyOutcome:
        return cls(
            decision=Decision.REFUSED,
            reason=reason,
            message_key=f"actions.refused.{reason.value}",
            details=details or {},
        )

    @classmethod
    def missing_slots(
        cls,
        missing: list[str],
        choices: dict[str, list[str]] | None = None,
        plan: dict[str, Any] | None = None,
    ) -> PolicyOutcome:
        return cls(
            decision=Decision.MISSING,
            missing=missing,
            message_key=f"actions.ask.{missing[0]}" if missing else None,
            choices=choices or {},
            plan=plan or {},
        )


@dataclass(frozen=True, slots=True)
class Change:
    """One field of one record that the action changed."""

    record: str  # "order #W1234567"
    field: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What ``run`` did: ``ok`` with data and changes, or the outcome that stopped it."""

    action: str
    ok: bool
    data: dict[str, Any] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    outcome: PolicyOutcome | None = None

    @classmethod
    def stopped(cls, action: str, outcome: PolicyOutcome) -> ActionResult:
        return cls(action=action, ok=False, outcome=outcome)


@runtime_checkable
class Action(Protocol):
    """A typed action on the verified customer's own data, registered by ``name``."""

    name: ClassVar[str]
    description: ClassVar[str]
    slots_model: ClassVar[type[BaseModel]]
    needs_confirmation: ClassVar[bool]
    order_statuses: ClassVar[tuple[str, ...]]  # of the orders it applies to; empty: any

    async def check(self, ctx: ActionContext, slots: Any) -> PolicyOutcome:
        """Whether the action may run now, without changing anything."""
        ...

    async def run(self, ctx: ActionContext, slots: Any, *, confirmed: bool) -> ActionResult:
        """Check again and, when allowed (and confirmed where needed), do it."""
        ...


def parse_slots(action: Action, data: Mapping[str, Any]) -> BaseModel:
    """The action's slots from a tool call or the slot filler; bad values are a 422 per field."""
    try:
        return action.slots_model.model_validate(dict(data))
    except ValidationError as exc:
        raise InvalidInput.of(field_errors(exc.errors(), "slots")) from exc


def slots_schema(action: Action) -> dict[str, Any]:
    """The action as a tool: name, description and the JSON schema of its slots."""
    return {
        "name": action.name,
        "description": action.description,
        "parameters": action.slots_model.model_json_schema(),
    }
