"""Realtime (and webhook) events of the conversations domain, named ``domain.verb``."""

from __future__ import annotations

from deskpilot.conversations.schemas import ConversationRead, MessageRead
from deskpilot.kit.bus import BusEvent
from deskpilot.models import Conversation, Message


def message_event(name: str, message: Message) -> BusEvent:
    return BusEvent(
        name=name,
        workspace_id=message.workspace_id,
        data=MessageRead.model_validate(message).model_dump(mode="json"),
    )


def message_created(message: Message) -> BusEvent:
    return message_event("message.created", message)


def conversation_event(
    name: str, conversation: Conversation, labels: list[str], **extra: object
) -> BusEvent:
    data = ConversationRead.model_validate(conversation).model_dump(mode="json")
    data["labels"] = labels
    return BusEvent(name=name, workspace_id=conversation.workspace_id, data=data | extra)
