"""HTTP for webhook subscriptions and their delivery log (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from deskpilot.auth.dependencies import AdminAuth
from deskpilot.kit.deps import ResourcesDep, SessionDep
from deskpilot.kit.pagination import Page
from deskpilot.models import DeliveryState
from deskpilot.webhooks import service
from deskpilot.webhooks.events import KNOWN_EVENTS
from deskpilot.webhooks.schemas import (
    DeliveryRead,
    EventTypeRead,
    WebhookCreate,
    WebhookCreated,
    WebhookRead,
    WebhookUpdate,
)

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])

Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("/events")
async def event_types(_: AdminAuth) -> list[EventTypeRead]:
    """The events a webhook can subscribe to."""
    return [EventTypeRead(name=name, description=text) for name, text in KNOWN_EVENTS.items()]


@router.post("", status_code=201)
async def create_webhook(
    body: WebhookCreate, principal: AdminAuth, session: SessionDep, resources: ResourcesDep
) -> WebhookCreated:
    """Subscribe an endpoint to events. The answer holds the signing secret (generated unless
    given): store it now, it is never shown again."""
    webhook, secret = await service.create_webhook(
        session, resources.secret_box, principal.workspace_id, body
    )
    return WebhookCreated.model_validate(
        WebhookRead.model_validate(webhook).model_dump() | {"secret": secret}
    )


@router.get("")
async def list_webhooks(principal: AdminAuth, session: SessionDep) -> list[WebhookRead]:
    webhooks = await service.list_webhooks(session, principal.workspace_id)
    return [WebhookRead.model_validate(w) for w in webhooks]


@router.get("/{webhook_id}")
async def get_webhook(webhook_id: str, principal: AdminAuth, session: SessionDep) -> WebhookRead:
    return WebhookRead.model_validate(
        await service.get_webhook(session, principal.workspace_id, webhook_id)
    )


@router.patch("/{webhook_id}")
async def update_webhook(
    webhook_id: str,
    body: WebhookUpdate,
    principal: AdminAuth,
    session: SessionDep,
    resources: ResourcesDep,
) -> WebhookRead:
    """Change the URL, events or secret, or pause (`is_active: false`) and resume."""
    webhook = await service.update_webhook(
        session, resources.secret_box, principal.workspace_id, webhook_id, body
    )
    return WebhookRead.model_validate(webhook)


@router.delete("/{webhook_id}", status_code=204)
async def delete_webhook(webhook_id: str, principal: AdminAuth, session: SessionDep) -> None:
    """Delete the webhook with its delivery log."""
    await service.delete_webhook(session, principal.workspace_id, webhook_id)


@router.get("/{webhook_id}/deliveries")
async def list_deliveries(
    webhook_id: str,
    principal: AdminAuth,
    session: SessionDep,
    state: DeliveryState | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[DeliveryRead]:
    """The delivery log, newest first. Pass `next_cursor` back as `cursor` for the next page."""
    rows, next_cursor = await service.list_deliveries(
        session, principal.workspace_id, webhook_id, state, cursor, limit
    )
    return Page(items=[DeliveryRead.model_validate(d) for d in rows], next_cursor=next_cursor)


@router.post("/{webhook_id}/deliveries/{delivery_id}/redeliver", status_code=202)
async def redeliver(
    webhook_id: str, delivery_id: str, principal: AdminAuth, session: SessionDep
) -> DeliveryRead:
    """Send a delivery's body again, as a new delivery with the same event id."""
    delivery = await service.redeliver(session, principal.workspace_id, webhook_id, delivery_id)
    return DeliveryRead.model_validate(delivery)


@router.post("/{webhook_id}/test", status_code=202)
async def send_test(webhook_id: str, principal: AdminAuth, session: SessionDep) -> DeliveryRead:
    """Queue a `webhook.test` ping to this webhook; follow it in the delivery log."""
    delivery = await service.send_test(session, principal.workspace_id, webhook_id)
    return DeliveryRead.model_validate(delivery)
