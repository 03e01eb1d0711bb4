"""``csat.send_survey``: queued (in the same transaction) when a ticket becomes solved."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.bus import BusEvent, add_transactional_listener
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import JobContext, enqueue
from deskpilot.kit.jobs.registry import default_registry
from deskpilot.models import TicketStatus
from deskpilot.tickets.csat import service
from deskpilot.tickets.tracking.tokens import signing_key

SEND_SURVEY_JOB = "csat.send_survey"


class SendSurvey(BaseModel):
    ticket_id: str


def on_ticket_solved(session: AsyncSession, event: BusEvent) -> None:
    """Transactional listener: a ``ticket.updated`` whose status became ``solved``."""
    if event.name != "ticket.updated":
        return
    status = event.data.get("changes", {}).get("status")
    if isinstance(status, list) and len(status) == 2 and status[1] == TicketStatus.SOLVED.value:
        enqueue(
            session,
            SEND_SURVEY_JOB,
            SendSurvey(ticket_id=str(event.data["id"])),
            workspace_id=event.workspace_id,
        )


@default_registry.handler(SEND_SURVEY_JOB, SendSurvey)
async def send_survey(ctx: JobContext, payload: SendSurvey) -> None:
    if ctx.workspace_id is None:
        return
    resources = ctx.resource(Resources)
    await service.send_survey(
        ctx.session,
        resources.bus,
        signing_key(resources.secret_box),
        resources.public_url,
        ctx.workspace_id,
        payload.ticket_id,
    )


add_transactional_listener(on_ticket_solved)
