"""``tracking.send_link``: when a ticket is created for a customer whose conversation is on a
channel, tell them its reference and tracking link in that conversation, in the ticket's
language. The message goes through the outbox like any reply (by email on an email channel)."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.conversations import service as conversations
from deskpilot.kit.bus import BusEvent, add_transactional_listener
from deskpilot.kit.deps import Resources
from deskpilot.kit.errors import NotFound
from deskpilot.kit.jobs import JobContext, enqueue
from deskpilot.kit.jobs.registry import default_registry
from deskpilot.tickets import service as tickets
from deskpilot.tickets.schemas import reference
from deskpilot.tickets.tracking import texts
from deskpilot.tickets.tracking.tokens import signing_key, tracking_url
from deskpilot.workspaces.service import get_workspace

SEND_LINK_JOB = "tracking.send_link"


class SendLink(BaseModel):
    ticket_id: str


def on_ticket_created(session: AsyncSession, event: BusEvent) -> None:
    """Transactional listener: queue the link for tickets with a customer and a conversation."""
    if event.name != "ticket.created":
        return
    data = event.data
    if data.get("customer_id") and data.get("conversation_ids"):
        enqueue(
            session,
            SEND_LINK_JOB,
            SendLink(ticket_id=str(data["id"])),
            workspace_id=event.workspace_id,
        )


@default_registry.handler(SEND_LINK_JOB, SendLink)
async def send_link(ctx: JobContext, payload: SendLink) -> None:
    workspace_id = ctx.workspace_id
    if workspace_id is None:
        return
    try:
        view = await tickets.get_ticket(ctx.session, workspace_id, payload.ticket_id)
    except NotFound:
        return  # deleted since
    if not view.conversation_ids:
        return
    conversation = (
        await conversations.get_conversation(ctx.session, workspace_id, view.conversation_ids[-1])
    ).conversation
    resources = ctx.resource(Resources)
    workspace = await get_workspace(ctx.session, workspace_id)
    ticket = view.ticket
    url = tracking_url(
        resources.public_url, workspace.slug, ticket, signing_key(resources.secret_box)
    )
    language = texts.choose(ticket.language, conversation.language, workspace.default_language)
    text = texts.text(language, "message.created", reference=reference(ticket.number), url=url)
    await conversations.post_bot_message(ctx.session, resources.bus, conversation, text)


add_transactional_listener(on_ticket_created)
