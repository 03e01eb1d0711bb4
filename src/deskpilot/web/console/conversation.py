"""One conversation: its messages with delivery status and the AI's annotations and decisions,
the reply box, and the controls (take over, assign, labels, status). Rendered on the server;
static/console/conversation.js keeps it live and does the actions through the JSON API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from deskpilot.ai import service as ai
from deskpilot.auth import users
from deskpilot.conversations import service as conversations
from deskpilot.kit.deps import SessionDep
from deskpilot.kit.errors import NotFound
from deskpilot.models import AIRun, Channel, Customer, Message
from deskpilot.web.console.conversation_rows import customer_name, sentiment_label
from deskpilot.web.console.pages import member_of, not_found, render

router = APIRouter(include_in_schema=False)

MESSAGE_LIMIT = 200
SNOOZE_HOURS = 4


def message_data(message: Message, run: AIRun | None, names: dict[str, str]) -> dict[str, Any]:
    """A message as the page shows it (the same keys conversation.js builds from the API)."""
    annotations = message.annotations or {}
    return {
        "id": message.id,
        "sender_type": message.sender_type.value,
        "sender": names.get(message.sender_id or "", ""),
        "text": message.text,
        "private": message.is_private,
        "direction": message.direction.value,
        "delivery_status": message.delivery_status.value if message.delivery_status else None,
        "delivery_error": message.delivery_error,
        "attachments": [
            {
                "id": a.get("id"),
                "filename": a.get("filename"),
                "size": a.get("size"),
                "url": f"/api/v1/conversations/{message.conversation_id}/attachments/{a.get('id')}",
            }
            for a in message.attachments
        ],
        "created_at": message.created_at.isoformat(),
        "language": annotations.get("language"),
        "intent": annotations.get("intent"),
        "confidence": annotations.get("confidence"),
        "sentiment": sentiment_label(annotations),
        "urgency": annotations.get("urgency"),
        "decision": run.decision.value if run else None,
        "reason": run.reason if run else None,
    }


@router.get("/conversations/{conversation_id}", response_class=HTMLResponse)
async def conversation_page(
    conversation_id: str, request: Request, session: SessionDep
) -> Response:
    ctx = await member_of(request, session, "agent")
    if isinstance(ctx, Response):
        return ctx
    workspace_id = ctx.workspace.id
    try:
        view = await conversations.get_conversation(session, workspace_id, conversation_id)
    except NotFound:
        return not_found(request, ctx)
    conversation = view.conversation
    messages, _ = await conversations.list_messages(
        session, workspace_id, conversation_id, None, MESSAGE_LIMIT
    )
    runs: dict[str, AIRun] = {}
    for run in await ai.runs_of_conversation(session, workspace_id, conversation_id):
        if run.message_id and run.message_id not in runs:  # newest first: keep the newest
            runs[run.message_id] = run
    members = [
        (membership, user)
        for membership, user in await users.members(session, workspace_id)
        if user.is_active
    ]
    customer = await session.get(Customer, conversation.customer_id)
    channel = await session.get(Channel, conversation.channel_id)
    names = {user.id: user.name for _, user in members}
    names[conversation.customer_id] = customer_name(customer)
    return render(
        request,
        ctx,
        "console/conversation.html",
        conversation=conversation,
        labels=view.labels,
        customer=customer_name(customer),
        channel=channel.name if channel else "",
        members=[{"id": user.id, "name": user.name} for _, user in members],
        names=names,
        messages=[message_data(m, runs.get(m.id), names) for m in messages],
        snooze_hours=SNOOZE_HOURS,
    )
