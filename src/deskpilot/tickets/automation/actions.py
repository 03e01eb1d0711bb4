"""What rules and macros do to a ticket: ``{"type": "set_priority", "value": "high"}``.

Every ticket change goes through ``tickets.service`` under the caller's actor (``rule`` for
rules, the agent for macros), so history and events stay complete. ``validate`` checks actions
when a rule or macro is saved; ``execute`` performs one and says what it did.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.conversations import service as conversations
from deskpilot.kit.bus import Bus
from deskpilot.kit.errors import FieldError, InvalidInput
from deskpilot.kit.jobs import enqueue
from deskpilot.models import Priority, Ticket, TicketStatus, TicketType
from deskpilot.tickets import service as tickets
from deskpilot.tickets.automation.repository import FactRepository
from deskpilot.tickets.events import ticket_data
from deskpilot.tickets.notifications import service as notifications
from deskpilot.tickets.repository import TicketRepository
from deskpilot.tickets.responses import templates
from deskpilot.tickets.routing import service as routing
from deskpilot.tickets.routing.repository import TeamRepository
from deskpilot.tickets.schemas import LABEL_PATTERN, Actor, TicketUpdate, reference

SEND_WEBHOOK_JOB = "automation.send_webhook"
ROUND_ROBIN = "round_robin"
# the name (not the value) of the workspace secret that signs rule webhooks
DEFAULT_WEBHOOK_SECRET = "automation_webhook"  # noqa: S105
_LABEL = re.compile(LABEL_PATTERN)
_SECRET_NAME = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
_TEXT_LIMIT = 20_000


class SendWebhook(BaseModel):
    url: str
    secret_name: str = DEFAULT_WEBHOOK_SECRET
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Spec:
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


ACTIONS: dict[str, _Spec] = {
    "assign": _Spec((), ("user_id", "team_id")),
    "set_priority": _Spec(("value",)),
    "set_status": _Spec(("value",)),
    "set_type": _Spec(("value",)),
    "set_category": _Spec(("value",)),
    "add_labels": _Spec(("labels",)),
    "remove_labels": _Spec(("labels",)),
    "reply": _Spec(("template",)),
    "add_note": _Spec(("text",)),
    "send_webhook": _Spec(("url",), ("secret",)),
    "notify": _Spec(("to",), ("title", "body")),
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "set_priority": tuple(Priority),
    "set_status": tuple(TicketStatus),
    "set_type": tuple(TicketType),
}


def validate(actions: Sequence[object], path: str = "actions") -> list[FieldError]:
    """Every problem of ``actions``, each named by its path (``actions[0].value``)."""
    errors: list[FieldError] = []
    for index, action in enumerate(actions):
        where = f"{path}[{index}]"
        if not isinstance(action, dict):
            errors.append(FieldError(where, "must be an object with a type"))
            continue
        kind = action.get("type")
        spec = ACTIONS.get(kind) if isinstance(kind, str) else None
        if spec is None:
            errors.append(FieldError(f"{where}.type", f"unknown action {kind!r}"))
            continue
        assert isinstance(kind, str)
        allowed = {"type", *spec.required, *spec.optional}
        for key in sorted(set(action) - allowed):
            errors.append(FieldError(f"{where}.{key}", "unknown key"))
        for key in spec.required:
            if key not in action:
                errors.append(FieldError(f"{where}.{key}", "is required"))
        for key in sorted((set(action) & allowed) - {"type"}):
            reason = _check(kind, key, action[key], action)
            if reason is not None:
                errors.append(FieldError(f"{where}.{key}", reason))
        if kind == "assign" and not ({"user_id", "team_id"} & set(action)):
            errors.append(
                FieldError(f"{where}.user_id", "give user_id (or round_robin) or team_id")
            )
    return errors


def _check(kind: str, key: str, value: object, action: dict[str, Any]) -> str | None:
    if kind in _CHOICES and key == "value":
        return None if value in _CHOICES[kind] else f"must be one of {', '.join(_CHOICES[kind])}"
    if key == "labels":
        ok = _strings(value) and all(_LABEL.match(str(v)) for v in value)  # type: ignore[attr-defined]
        return None if ok else "must be a non-empty list of labels"
    if key == "to":
        if value in ("assignee", "team"):
            return None
        return None if _strings(value) else 'must be "assignee", "team" or a list of user ids'
    if key == "url":
        ok = isinstance(value, str) and value.startswith(("http://", "https://"))
        return None if ok and len(str(value)) <= 2000 else "must be an http(s) URL"
    if key == "secret":
        ok = isinstance(value, str) and _SECRET_NAME.match(value) is not None
        return None if ok else "must name a workspace secret (lower case, digits, _ . -)"
    if kind == "set_category" and value is None:
        return None  # clears the category
    limit = 100 if kind == "set_category" else 500 if key == "title" else _TEXT_LIMIT
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        return f"must be a non-empty string of at most {limit} characters"
    return None


def _strings(value: object) -> bool:
    """A non-empty list (at most 50) of non-empty strings."""
    if not isinstance(value, list) or not 0 < len(value) <= 50:
        return False
    return all(isinstance(v, str) and v for v in value)


@dataclass(slots=True)
class ActionContext:
    """Who acts, and on behalf of what: the rule (with its event) or the agent's macro."""

    session: AsyncSession
    bus: Bus
    workspace_id: str
    actor: Actor
    source: dict[str, Any]  # {"rule": {...}} or {"macro": {...}}: goes into webhook bodies
    event: dict[str, Any] = field(default_factory=dict)  # name, id and data of the event


async def execute(ctx: ActionContext, ticket_id: str, action: dict[str, Any]) -> dict[str, Any]:
    """Do ``action`` to the ticket; the result names what was done. Raises DeskPilotError when
    it cannot be done (closed ticket, unknown assignee...)."""
    kind = action["type"]
    ticket = await TicketRepository(ctx.session, ctx.workspace_id).get_or_404(ticket_id)
    result: dict[str, Any] = {"type": kind, "ok": True}
    if kind == "assign":
        result |= await _assign(ctx, ticket, action)
    elif kind in ("set_priority", "set_status", "set_type", "set_category"):
        column = kind.removeprefix("set_")
        await _update(ctx, ticket, {column: action["value"]})
        result["value"] = action["value"]
    elif kind in ("add_labels", "remove_labels"):
        given = list(action["labels"])
        if kind == "add_labels":
            labels = list(dict.fromkeys([*ticket.labels, *given]))
        else:
            labels = [label for label in ticket.labels if label not in given]
        await _update(ctx, ticket, {"labels": labels})
        result["labels"] = labels
    elif kind == "reply":
        result |= await _reply(ctx, ticket, action["template"])
    elif kind == "add_note":
        text = await _render(ctx, ticket, action["text"])
        await tickets.add_comment(
            ctx.session, ctx.bus, ctx.workspace_id, ticket.id, text, ctx.actor, public=False
        )
    elif kind == "send_webhook":
        result |= _send_webhook(ctx, ticket, action)
    elif kind == "notify":
        result |= await _notify(ctx, ticket, action)
    return result


async def _update(ctx: ActionContext, ticket: Ticket, fields: dict[str, Any]) -> None:
    await tickets.update_ticket(
        ctx.session,
        ctx.bus,
        ctx.workspace_id,
        ticket.id,
        TicketUpdate.model_validate(fields),
        ctx.actor,
    )


async def _assign(ctx: ActionContext, ticket: Ticket, action: dict[str, Any]) -> dict[str, Any]:
    user_id, team_id = action.get("user_id"), action.get("team_id")
    if (
        team_id is not None
        and await TeamRepository(ctx.session, ctx.workspace_id).get(team_id) is None
    ):
        raise InvalidInput.field("team_id", "is not a team of this workspace")
    if user_id != ROUND_ROBIN:
        fields = {k: v for k, v in (("assignee_id", user_id), ("team_id", team_id)) if v}
        await _update(ctx, ticket, fields)
        return fields
    # Routing sets fields on the ticket it is given; take its choice, put the ticket back as it
    # was, and make the change through update_ticket so that history and events record it.
    before = (ticket.assignee_id, ticket.team_id)
    ticket.assignee_id = None
    if team_id is not None:
        ticket.team_id = team_id
    try:
        await routing.route(ctx.session, ticket)
        chosen = (ticket.assignee_id, ticket.team_id)
    finally:
        ticket.assignee_id, ticket.team_id = before
    fields = {"team_id": chosen[1]} if chosen[1] else {}
    if chosen[0] is not None:
        fields["assignee_id"] = chosen[0]
    if fields:
        await _update(ctx, ticket, fields)
    return fields | ({} if chosen[0] else {"note": "nobody was available"})


async def _render(ctx: ActionContext, ticket: Ticket, template: str) -> str:
    variables = await templates.ticket_variables(ctx.session, ticket)
    return templates.render(template, variables)


async def _reply(ctx: ActionContext, ticket: Ticket, template: str) -> dict[str, Any]:
    """An outbound bot message in the ticket's newest conversation (the outbox delivers it);
    a ticket without a conversation gets a public comment instead."""
    text = await _render(ctx, ticket, template)
    facts = FactRepository(ctx.session, ctx.workspace_id)
    conversation_id = await facts.newest_conversation_id(ticket.id)
    if conversation_id is None:
        await tickets.add_comment(
            ctx.session, ctx.bus, ctx.workspace_id, ticket.id, text, ctx.actor, public=True
        )
        return {"comment": True}
    view = await conversations.get_conversation(ctx.session, ctx.workspace_id, conversation_id)
    message = await conversations.post_bot_message(ctx.session, ctx.bus, view.conversation, text)
    return {"message_id": message.id, "conversation_id": conversation_id}


def _send_webhook(ctx: ActionContext, ticket: Ticket, action: dict[str, Any]) -> dict[str, Any]:
    """A durable job posts the JSON (signed with the named workspace secret), with retries."""
    links = ctx.event.get("data", {}).get("conversation_ids", [])
    body = {
        "event": ctx.event.get("name"),
        "event_id": ctx.event.get("id"),
        **ctx.source,
        "ticket": ticket_data(ticket, list(links)).model_dump(mode="json"),
        "data": ctx.event.get("data", {}),
    }
    payload = SendWebhook(
        url=action["url"], secret_name=action.get("secret", DEFAULT_WEBHOOK_SECRET), body=body
    )
    job = enqueue(ctx.session, SEND_WEBHOOK_JOB, payload, workspace_id=ctx.workspace_id)
    return {"job_id": job.id, "url": action["url"]}


async def _notify(ctx: ActionContext, ticket: Ticket, action: dict[str, Any]) -> dict[str, Any]:
    to = action["to"]
    if to == "assignee":
        user_ids = [ticket.assignee_id] if ticket.assignee_id else []
    elif to == "team":
        facts = FactRepository(ctx.session, ctx.workspace_id)
        user_ids = await facts.team_member_ids(ticket.team_id) if ticket.team_id else []
    else:
        user_ids = list(to)
    title = await _render(ctx, ticket, action.get("title") or f"{reference(ticket.number)}: ")
    if "title" not in action:
        title += ticket.subject
    body = await _render(ctx, ticket, action.get("body") or "")
    sent = await notifications.notify(
        ctx.session,
        ctx.bus,
        ctx.workspace_id,
        user_ids,
        "automation.notify",
        title[:500],
        body,
        ticket_id=ticket.id,
    )
    return {"user_ids": user_ids, "notified": len(sent)}
