"""The automation jobs, and the listener that turns trigger events into durable jobs.

``queue_evaluation`` runs inside the transaction that publishes an event, so an
``automation.evaluate`` job exists exactly when the change behind the event committed."""

from __future__ import annotations

import json

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.bus import BusEvent, add_transactional_listener
from deskpilot.kit.deps import Resources
from deskpilot.kit.errors import NotFound
from deskpilot.kit.jobs import JobContext, enqueue
from deskpilot.kit.jobs.registry import NoPayload, default_registry
from deskpilot.kit.signing import signed_headers
from deskpilot.tickets.automation import engine
from deskpilot.tickets.automation.actions import SEND_WEBHOOK_JOB, SendWebhook
from deskpilot.workspaces import service as workspaces

TIME_RULES_EVERY_SECONDS = 300
WEBHOOK_ATTEMPTS = 8  # with the worker's exponential backoff
_ERROR_BODY_CHARS = 200


class AutomationWebhookError(Exception):
    """The endpoint did not take the webhook; the worker backs off and tries again."""


def queue_evaluation(session: AsyncSession, event: BusEvent) -> None:
    payload = engine.evaluation_for(event)
    if payload is not None:
        enqueue(session, engine.EVALUATE_JOB, payload, workspace_id=event.workspace_id)


@default_registry.handler(engine.EVALUATE_JOB, engine.EvaluateEvent)
async def evaluate(ctx: JobContext, payload: engine.EvaluateEvent) -> None:
    await engine.evaluate(ctx.session, ctx.resource(Resources).bus, payload)


@default_registry.periodic(engine.TIME_RULES_JOB, every_seconds=TIME_RULES_EVERY_SECONDS)
async def run_time_rules(ctx: JobContext, _: NoPayload) -> None:
    await engine.run_time_rules(ctx.session, ctx.resource(Resources).bus)


@default_registry.handler(SEND_WEBHOOK_JOB, SendWebhook, max_attempts=WEBHOOK_ATTEMPTS)
async def send_webhook(ctx: JobContext, payload: SendWebhook) -> None:
    """POST the body, signed when the workspace has the named secret; a non-2xx answer or an
    unreachable endpoint raises, and the worker retries with backoff. The secret is read in a
    short transaction of its own: no transaction stays open during the call."""
    resources = ctx.resource(Resources)
    workspace_id = ctx.workspace_id
    if workspace_id is None:
        return
    body = json.dumps(payload.body, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json"}
    async with resources.database.transaction() as session:
        try:
            secret: str | None = await workspaces.read_secret(
                session, resources.secret_box, workspace_id, payload.secret_name
            )
        except NotFound:
            secret = None
    if secret is not None:
        headers = signed_headers(secret, body)
    headers["X-DeskPilot-Event"] = str(payload.body.get("event") or "automation")
    try:
        response = await resources.http.post(payload.url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise AutomationWebhookError(f"endpoint unreachable: {type(exc).__name__}") from exc
    if not 200 <= response.status_code < 300:
        text = " ".join(response.text.split())[:_ERROR_BODY_CHARS]
        raise AutomationWebhookError(f"endpoint answered {response.status_code}: {text}")


add_transactional_listener(queue_evaluation)
