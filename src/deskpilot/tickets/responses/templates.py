"""Reply templates with variables: ``Hello {{ customer.first_name | default: "there" }}``.

The renderer is a regular expression, not a template engine: templates are written by admins
and must never execute code. A placeholder is a dotted path looked up in nested mappings only
(never attributes, never calls), with an optional ``| default: "text"``. Anything that is not a
well-formed placeholder, names an unknown variable, or holds no value (missing, null, an empty
string, a mapping) renders as the default, or as the empty string.

The variables come from the customer's 360 (``customer``: profile, traits, last order), the
ticket, the agent and the workspace; ``ticket_variables`` and ``conversation_variables`` build
them through the other domains' services.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.auth import users
from deskpilot.customers import service as customers
from deskpilot.kit.errors import NotFound
from deskpilot.models import Conversation, Ticket
from deskpilot.orders import service as orders
from deskpilot.tickets.repository import TicketRepository
from deskpilot.tickets.schemas import reference
from deskpilot.workspaces import service as workspaces

_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_EXPRESSION = re.compile(
    r"""^\s*(?P<path>[A-Za-z_]\w*(?:\.[\w-]+)*)\s*
        (?:\|\s*default\s*:\s*(?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>(?:[^'\\]|\\.)*)'))?\s*$""",
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def render(template: str, variables: Mapping[str, object]) -> str:
    """``Hello {{ customer.name }}`` with ``{"customer": {"name": "Ann"}}`` -> ``Hello Ann``;
    an unknown variable renders empty (or its ``| default: "..."``), never raises."""

    def substitute(match: re.Match[str]) -> str:
        parsed = _EXPRESSION.match(match.group(1))
        if parsed is None:
            return ""
        quoted = parsed.group("dq") if parsed.group("dq") is not None else parsed.group("sq")
        default = _ESCAPE.sub(r"\1", quoted) if quoted is not None else ""
        text = _text(_lookup(variables, parsed.group("path").split(".")))
        return text if text else default

    return _PLACEHOLDER.sub(substitute, template)


def _lookup(variables: Mapping[str, object], path: list[str]) -> object:
    value: object = variables
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _text(value: object) -> str:
    if value is None or isinstance(value, Mapping):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str | int | float | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(t for t in (_text(v) for v in value) if t)
    return ""  # anything else is not a value a template may show


async def ticket_variables(
    session: AsyncSession, ticket: Ticket, *, agent_id: str | None = None
) -> dict[str, object]:
    """The variables a template about ``ticket`` may use: ``customer`` (name, email, phone,
    traits, last order...), ``ticket`` (reference, subject, status...), ``agent`` (the one
    given, else the assignee) and ``workspace``."""
    return {
        "customer": await customer_variables(session, ticket.workspace_id, ticket.customer_id),
        "ticket": _ticket(ticket),
        "agent": await _agent(session, agent_id or ticket.assignee_id),
        "workspace": await _workspace(session, ticket.workspace_id),
    }


async def conversation_variables(
    session: AsyncSession, conversation: Conversation, *, agent_id: str | None = None
) -> dict[str, object]:
    """Like ``ticket_variables`` for a conversation; ``ticket`` is its open ticket, if any."""
    workspace_id = conversation.workspace_id
    ticket = await TicketRepository(session, workspace_id).open_for_conversation(conversation.id)
    return {
        "customer": await customer_variables(session, workspace_id, conversation.customer_id),
        "ticket": _ticket(ticket) if ticket is not None else {},
        "conversation": {
            "id": conversation.id,
            "subject": conversation.subject,
            "status": str(conversation.status),
            "language": conversation.language,
        },
        "agent": await _agent(session, agent_id or conversation.assignee_id),
        "workspace": await _workspace(session, workspace_id),
    }


async def customer_variables(
    session: AsyncSession, workspace_id: str, customer_id: str | None
) -> dict[str, object]:
    """The customer's profile, traits (their own attributes over computed ones) and last order;
    empty when there is no customer (or it is gone)."""
    if customer_id is None:
        return {}
    try:
        customer = await customers.live_customer(session, workspace_id, customer_id)
    except NotFound:
        return {}
    latest, _ = await orders.list_customer_orders(session, workspace_id, customer.id, None, 1)
    last_order: dict[str, object] = {}
    if latest:
        order = latest[0]
        last_order = {
            "number": order.external_id,
            "status": order.status,
            "total": order.total,
            "currency": order.currency,
            "placed_at": order.placed_at,
        }
    name = (customer.name or "").strip()
    return {
        "id": customer.id,
        "name": name,
        "first_name": name.split()[0] if name else "",
        "email": customer.email,
        "phone": customer.phone,
        "language": customer.language,
        "country": customer.country,
        "city": customer.city,
        "tags": list(customer.tags),
        "traits": {**(customer.computed or {}), **(customer.attributes or {})},
        "last_order": last_order,
    }


def _ticket(ticket: Ticket) -> dict[str, object]:
    return {
        "id": ticket.id,
        "reference": reference(ticket.number),
        "number": ticket.number,
        "subject": ticket.subject,
        "status": str(ticket.status),
        "priority": str(ticket.priority),
        "type": str(ticket.type),
        "category": ticket.category,
        "due_at": ticket.due_at,
    }


async def _agent(session: AsyncSession, user_id: str | None) -> dict[str, object]:
    user = await users.get_user(session, user_id) if user_id else None
    if user is None:
        return {}
    name = user.name.strip()
    return {"id": user.id, "name": name, "first_name": name.split()[0] if name else ""}


async def _workspace(session: AsyncSession, workspace_id: str) -> dict[str, object]:
    workspace = await workspaces.get_workspace(session, workspace_id)
    return {"name": workspace.name}
