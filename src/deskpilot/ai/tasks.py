"""The AI's jobs: ``conversation.message_received`` (every new customer message goes through
the engine) and ``ai.handoff`` (a hand-off's summary and ticket, after the reply)."""

from __future__ import annotations

from deskpilot.ai.handoff import HANDOFF_JOB, HandOffJob, follow_up
from deskpilot.ai.pipeline import handle_message
from deskpilot.conversations.schemas import MESSAGE_RECEIVED_JOB, MessageReceived
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import JobContext
from deskpilot.kit.jobs.registry import default_registry


@default_registry.handler(MESSAGE_RECEIVED_JOB, MessageReceived)
async def message_received(ctx: JobContext, payload: MessageReceived) -> None:
    if ctx.workspace_id is None:
        raise ValueError("conversation.message_received needs a workspace")
    await handle_message(ctx.session, ctx.resource(Resources), ctx.workspace_id, payload.message_id)


@default_registry.handler(HANDOFF_JOB, HandOffJob)
async def handoff(ctx: JobContext, payload: HandOffJob) -> None:
    if ctx.workspace_id is None:
        raise ValueError("ai.handoff needs a workspace")
    await follow_up(ctx.session, ctx.resource(Resources).bus, ctx.workspace_id, payload)
