"""The webhook jobs, and the listener that makes every published event durable for them.

``publish_on_commit`` hands each event to ``queue_dispatch`` inside the caller's transaction, so
a ``webhook.dispatch`` job exists exactly when the data behind the event committed: a rolled-back
request sends nothing, a crash after the commit loses nothing.
"""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.bus import BusEvent, add_transactional_listener
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import JobContext, enqueue
from deskpilot.kit.jobs.registry import default_registry
from deskpilot.models import DeliveryState
from deskpilot.webhooks import service
from deskpilot.webhooks.service import (
    DELIVER_JOB,
    DISPATCH_JOB,
    GONE_REASON,
    DeliverWebhook,
    DispatchEvent,
)

_ERROR_BODY_CHARS = 200


class WebhookDeliveryError(Exception):
    """An attempt that failed in a way worth retrying (the worker backs off and tries again)."""


def queue_dispatch(session: AsyncSession, event: BusEvent) -> None:
    enqueue(session, DISPATCH_JOB, DispatchEvent(event=event), workspace_id=event.workspace_id)


@default_registry.handler(DISPATCH_JOB, DispatchEvent)
async def dispatch(ctx: JobContext, payload: DispatchEvent) -> None:
    await service.dispatch(ctx.session, payload.event)


async def _give_up(ctx: JobContext, payload: DeliverWebhook, reason: str) -> None:
    if ctx.workspace_id is not None:
        await service.mark_failed(ctx.session, ctx.workspace_id, payload.delivery_id, reason)


def _answered(response: httpx.Response) -> str:
    text = " ".join(response.text.split())[:_ERROR_BODY_CHARS]
    return f"endpoint answered {response.status_code}" + (f": {text}" if text else "")


@default_registry.handler(DELIVER_JOB, DeliverWebhook, on_give_up=_give_up)
async def deliver(ctx: JobContext, payload: DeliverWebhook) -> None:
    """Read in a short transaction, call the endpoint with no transaction open (on SQLite an
    open transaction would hold the write lock for the whole call), then record the outcome.

    A success or a final answer is recorded through the job's session, committing with the
    job. A retryable failure is recorded in a transaction of its own (the job's rolls back when
    it raises), so the log shows every attempt; then it raises and the worker backs off.
    """
    resources = ctx.resource(Resources)
    workspace_id = ctx.workspace_id
    if workspace_id is None:
        return
    async with resources.database.transaction() as session:
        prepared = await service.prepare_request(
            session, resources.secret_box, workspace_id, payload.delivery_id
        )
    if prepared is None:
        return
    if isinstance(prepared, str):
        await service.record_attempt(
            ctx.session,
            workspace_id,
            payload.delivery_id,
            status=None,
            error=prepared,
            state=DeliveryState.FAILED,
            counted=False,
        )
        return
    status: int | None = None
    try:
        response = await resources.http.post(
            prepared.url, content=prepared.body, headers=prepared.headers
        )
    except httpx.HTTPError as exc:
        reason = f"endpoint unreachable: {type(exc).__name__}" + (f": {exc}" if str(exc) else "")
    else:
        status = response.status_code
        if 200 <= status < 300 or status == 410:
            delivered = status != 410
            await service.record_attempt(
                ctx.session,
                workspace_id,
                payload.delivery_id,
                status=status,
                error=None if delivered else GONE_REASON,
                state=DeliveryState.DELIVERED if delivered else DeliveryState.FAILED,
            )
            return
        reason = _answered(response)
    async with resources.database.transaction() as session:
        await service.record_attempt(
            session, workspace_id, payload.delivery_id, status=status, error=reason
        )
    raise WebhookDeliveryError(reason)


add_transactional_listener(queue_dispatch)
