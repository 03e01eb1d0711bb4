"""What a widget visitor sees of the workspace's realtime events, and the events it adds.

The visitor's socket subscribes to the workspace's bus and keeps only events of the visitor's own
conversation, projected to the few fields a visitor may see. Agents' private notes, delivery
errors, assignees and everything of other conversations never leave the server.

Events the widget takes part in (names are ``domain.verb``):

- ``conversation.visitor_typing`` (published here, for agents): ``{"conversation_id",
  "typing": bool}`` while the visitor types.
- ``ai.thinking`` (published by the AI pipeline while it works on a reply; forwarded to the
  visitor, who sees a "thinking" indicator): ``{"conversation_id", "thinking": bool}``.
- ``conversation.agent_typing`` (for the agent console to publish): ``{"conversation_id",
  "typing": bool}``; forwarded to the visitor as a typing indicator.
"""

from __future__ import annotations

from typing import Any

from deskpilot.kit.bus import BusEvent
from deskpilot.kit.pagination import encode_cursor
from deskpilot.models import DeliveryStatus, Direction, Message, SenderType

VISITOR_TYPING_EVENT = "conversation.visitor_typing"
THINKING_EVENT = "ai.thinking"
AGENT_TYPING_EVENT = "conversation.agent_typing"

_DELIVERED = {DeliveryStatus.SENT.value, DeliveryStatus.DELIVERED.value}
_FROM = {
    SenderType.CUSTOMER.value: "visitor",
    SenderType.AGENT.value: "agent",
    SenderType.BOT.value: "bot",
    SenderType.SYSTEM.value: "system",
}


def visible_to_visitor(data: dict[str, Any]) -> bool:
    """A message the visitor may see: never a private note; their own messages and system
    notices at once; an agent's or the bot's reply once the outbox has sent it."""
    if data.get("is_private"):
        return False
    if data.get("direction") == Direction.INBOUND.value:
        return True
    if data.get("sender_type") == SenderType.SYSTEM.value:
        return True
    return data.get("delivery_status") in _DELIVERED


def message_data(message: Message) -> dict[str, Any]:
    """The fields ``visible_to_visitor`` and ``visitor_message`` read, from a stored message."""
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "direction": message.direction.value,
        "sender_type": message.sender_type.value,
        "text": message.text,
        "attachments": message.attachments,
        "is_private": message.is_private,
        "external_id": message.external_id,
        "delivery_status": message.delivery_status.value if message.delivery_status else None,
        "created_at": message.created_at.isoformat(),
    }


def visitor_message(data: dict[str, Any], kind: str | None = None) -> dict[str, Any]:
    """A message as the widget shows it (``client_id`` lets it match its own pending sends)."""
    external_id = data.get("external_id") or ""
    inbound = data.get("direction") == Direction.INBOUND.value
    return {
        "id": data["id"],
        "from": _FROM.get(str(data.get("sender_type")), "system"),
        "kind": kind,
        "text": data.get("text", ""),
        "attachments": [
            {
                "id": a["id"],
                "filename": a["filename"],
                "content_type": a["content_type"],
                "size": a["size"],
            }
            for a in data.get("attachments") or []
        ],
        "client_id": external_id.split(":", 1)[1] if inbound and ":" in external_id else None,
        "created_at": data.get("created_at"),
    }


def message_cursor(message: Message) -> str:
    return encode_cursor(message.created_at, message.id)


def conversation_state(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": data.get("id"),
        "status": data.get("status"),
        "handled_by": data.get("handled_by"),
        "resolved_at": data.get("resolved_at"),
    }


def visitor_typing(workspace_id: str, conversation_id: str, typing: bool) -> BusEvent:
    return BusEvent(
        name=VISITOR_TYPING_EVENT,
        workspace_id=workspace_id,
        data={"conversation_id": conversation_id, "typing": typing},
    )
