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
