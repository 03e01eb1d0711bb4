"""HTTP for conversations: list, read, assign, status, labels, replies and private notes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from deskpilot.auth.dependencies import AgentAuth, ViewerAuth
from deskpilot.conversations import service
from deskpilot.conversations.schemas import (
    AssignRequest,
    ConversationFilter,
    ConversationRead,
    ConversationUpdate,
    LabelsUpdate,
    MessageCreate,
    MessageRead,
    StatusChange,
)
from deskpilot.kit.deps import ResourcesDep, SessionDep
from deskpilot.kit.pagination import Page
from deskpilot.models import ConversationStatus, HandledBy

router = APIRouter(prefix="/api/v1/conversations", tags=["conversations"])

Limit = Annotated[int, Query(ge=1, le=200)]


def _read(view: service.ConversationView) -> ConversationRead:
    read = ConversationRead.model_validate(view.conversation)
    read.labels = view.labels
    return read


@router.get("")
async def list_conversations(
    principal: ViewerAuth,
    session: SessionDep,
    status: ConversationStatus | None = None,
    channel_id: str | None = None,
    customer_id: str | None = None,
    assignee_id: Annotated[str | None, Query(description="A user id, or `me`.")] = None,
    unassigned: bool = False,
    handled_by: HandledBy | None = None,
    label: str | None = None,
    language: str | None = None,
    intent: Annotated[str | None, Query(description="Of the newest customer message.")] = None,
    sentiment: Annotated[
        str | None, Query(pattern="^(negative|neutral|positive)$", description="Its label.")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Customer name, email or message text.")
    ] = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[ConversationRead]:
    """Most recent activity first. Pass `next_cursor` back as `cursor` for the next page."""
    if assignee_id == "me":
        assignee_id = principal.user_id or principal.actor
    where = ConversationFilter(
        status=status,
        channel_id=channel_id,
        customer_id=customer_id,
        assignee_id=assignee_id,
        unassigned=unassigned,
        handled_by=handled_by,
        label=label,
        language=language,
        intent=intent,
        sentiment=sentiment,
        search=q,
    )
    views, next_cursor = await service.list_conversations(
        session, principal.workspace_id, where, cursor, limit
    )
    return Page(items=[_read(v) for v in views], next_cursor=next_cursor)


@router.get("/{conversation_id}")
async def get_conversation(
    conversation_id: str, principal: ViewerAuth, session: SessionDep
) -> ConversationRead:
    return _read(await service.get_conversation(session, principal.workspace_id, conversation_id))


@router.patch("/{conversation_id}")
async def update_conversation(
    conversation_id: str,
    body: ConversationUpdate,
    principal: AgentAuth,
    session: SessionDep,
    resources: ResourcesDep,
) -> ConversationRead:
    """Priority, team, or `handled_by` (`human` takes over from the bot, `bot` gives back)."""
    view = await service.update(session, resources.bus, principal, conversation_id, body)
    return _read(view)


@router.get("/{conversation_id}/messages")
async def list_messages(
    conversation_id: str,
    principal: ViewerAuth,
    session: SessionDep,
    cursor: str | None = None,
    limit: Limit = 100,
) -> Page[MessageRead]:
    """Oldest first, as the conversation reads."""
    messages, next_cursor = await service.list_messages(
        session, principal.workspace_id, conversation_id, cursor, limit
    )
    return Page(items=[MessageRead.model_validate(m) for m in messages], next_cursor=next_cursor)


@router.post("/{conversation_id}/messages", status_code=201)
async def send_message(
    conversation_id: str,
    body: MessageCreate,
    principal: AgentAuth,
    session: SessionDep,
    resources: ResourcesDep,
) -> MessageRead:
    """Reply to the customer on the conversation's channel, or add a private note."""
    message = await service.post_message(
        session, resources.bus, principal, conversation_id, body.text, private=body.private
    )
    return MessageRead.model_validate(message)


@router.post("/{conversation_id}/assign")
async def assign(
    conversation_id: str,
    body: AssignRequest,
    principal: AgentAuth,
    session: SessionDep,
    resources: ResourcesDep,
) -> ConversationRead:
    view = await service.assign(
        session, resources.bus, principal, conversation_id, body.assignee_id
    )
    return _read(view)


@router.post("/{conversation_id}/status")
async def change_status(
    conversation_id: str,
    body: StatusChange,
    principal: AgentAuth,
    session: SessionDep,
    resources: ResourcesDep,
) -> ConversationRead:
    view = await service.change_status(session, resources.bus, principal, conversation_id, body)
    return _read(view)


@router.put("/{conversation_id}/labels")
async def set_labels(
    conversation_id: str,
    body: LabelsUpdate,
    principal: AgentAuth,
    session: SessionDep,
    resources: ResourcesDep,
) -> ConversationRead:
    view = await service.set_labels(session, resources.bus, principal, conversation_id, body.labels)
    return _read(view)


@router.get("/{conversation_id}/attachments/{attachment_id}")
async def download_attachment(
    conversation_id: str,
    attachment_id: str,
    principal: ViewerAuth,
    session: SessionDep,
    resources: ResourcesDep,
) -> Response:
    """A file a message of the conversation carries (sent as a download, never rendered)."""
    meta, data = await service.attachment_of(
        session, resources.files, principal.workspace_id, conversation_id, attachment_id
    )
    return Response(
        data,
        media_type=str(meta.get("content_type") or "application/octet-stream"),
        headers={
            "Content-Disposition": f'attachment; filename="{meta.get("filename", "file")}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
