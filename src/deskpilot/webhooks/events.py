"""The events a webhook can subscribe to (the one list of them) and the body it is sent."""

from __future__ import annotations

from typing import Any

from deskpilot.kit.bus import BusEvent

ALL_EVENTS = "*"
TEST_EVENT = "webhook.test"

KNOWN_EVENTS: dict[str, str] = {
    "conversation.created": "A conversation was opened (by a customer's first message).",
    "conversation.updated": "A conversation's priority, handler, team or labels changed.",
    "conversation.assigned": "A conversation was assigned to a member, or unassigned.",
    "conversation.status_changed": "A conversation was opened, set pending, snoozed or resolved.",
    "message.created": "A message was stored: a customer's, an agent's reply, a private note.",
    "message.updated": "A message's delivery status changed (sent, delivered, failed).",
    "workspace.updated": "The workspace's settings changed.",
    "segment.entered": "A customer entered a segment (its rules now select them).",
    "segment.exited": "A customer left a segment.",
    "order.updated": "An order's status, items or shipping address changed.",
    "ticket.created": "A ticket was opened (by an agent, the API, a handoff or the feedback form).",
    "ticket.updated": "A ticket's fields changed (status, assignee, priority...), with changes.",
    "ticket.commented": "A comment was added to a ticket (public or private).",
    "ticket.sla_warning": "A ticket's SLA target (first response or resolution) is due soon.",
    "ticket.sla_breached": "A ticket missed an SLA target; its priority was raised a step.",
    "ticket.rated": "A customer answered a ticket's satisfaction survey (score, comment).",
    "ticket.rated_low": "A customer rated a ticket 2 of 5 or lower.",
    "notification.created": "A member was notified (assigned a ticket, an SLA warning...).",
}
"""Every event a subscription may name, with what it means. An event a domain publishes that
is missing here still reaches the subscriptions to all events (``*``); add it here to let
subscriptions name it."""


def webhook_body(event: BusEvent) -> dict[str, Any]:
    """What the endpoint receives, as JSON. ``id`` is the event's: the same on every redelivery,
    so a receiver can drop the repeats."""
    return {
        "id": event.id,
        "event": event.name,
        "workspace_id": event.workspace_id,
        "occurred_at": event.occurred_at.isoformat(),
        "data": event.data,
    }
