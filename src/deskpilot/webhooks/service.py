"""Webhook subscriptions and their delivery log: the rules, for the endpoints and the jobs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.bus import BusEvent
from deskpilot.kit.clock import utcnow
from deskpilot.kit.crypto import SecretBox, new_token
from deskpilot.kit.errors import Conflict, NotFound
from deskpilot.kit.ids import new_id
from deskpilot.kit.jobs import enqueue
from deskpilot.kit.pagination import decode_time_cursor, encode_cursor
from deskpilot.kit.signing import signed_headers
from deskpilot.models import DeliveryState, WebhookDelivery, WebhookSubscription
from deskpilot.webhooks.events import ALL_EVENTS, TEST_EVENT, webhook_body
from deskpilot.webhooks.repository import DeliveryRepository, WebhookRepository
from deskpilot.webhooks.schemas import WebhookCreate, WebhookUpdate

DISPATCH_JOB = "webhook.dispatch"
DELIVER_JOB = "webhook.deliver"

EVENT_HEADER = "X-DeskPilot-Event"
DELIVERY_HEADER = "X-DeskPilot-Delivery"
GONE_REASON = "endpoint answered 410 Gone: the webhook was deactivated"
INACTIVE_REASON = "the webhook is inactive"


class DispatchEvent(BaseModel):
    """Find the subscriptions that want ``event`` and queue a delivery to each."""

    event: BusEvent


class DeliverWebhook(BaseModel):
    delivery_id: str


def new_secret() -> str:
    return "whsec_" + new_token(24)


def _seal(box: SecretBox, webhook_id: str, secret: str) -> str:
    return box.encrypt(secret, context=f"webhook/{webhook_id}")


def open_secret(box: SecretBox, webhook: WebhookSubscription) -> str:
    return box.decrypt(webhook.secret_ciphertext, context=f"webhook/{webhook.id}")


async def create_webhook(
    session: AsyncSession, box: SecretBox, workspace_id: str, data: WebhookCreate
) -> tuple[WebhookSubscription, str]:
    """The new subscription and its secret in clear text: the only time anyone sees it."""
    secret = data.secret or new_secret()
    webhook_id = new_id("whs")  # the secret is sealed to the row's id, so it is needed now
    webhook = WebhookRepository(session, workspace_id).add(
        WebhookSubscription(
            id=webhook_id,
            workspace_id=workspace_id,
            url=str(data.url),
            events=data.events,
            secret_ciphertext=_seal(box, webhook_id, secret),
            is_active=data.is_active,
        )
    )
    await session.flush()
    return webhook, secret


async def list_webhooks(session: AsyncSession, workspace_id: str) -> Sequence[WebhookSubscription]:
    return await WebhookRepository(session, workspace_id).ordered()


async def get_webhook(
    session: AsyncSession, workspace_id: str, webhook_id: str
) -> WebhookSubscription:
    return await WebhookRepository(session, workspace_id).get_or_404(webhook_id)


async def update_webhook(
    session: AsyncSession, box: SecretBox, workspace_id: str, webhook_id: str, data: WebhookUpdate
) -> WebhookSubscription:
    webhook = await get_webhook(session, workspace_id, webhook_id)
    if data.url is not None:
        webhook.url = str(data.url)
    if data.events is not None:
        webhook.events = data.events
    if data.secret is not None:
        webhook.secret_ciphertext = _seal(box, webhook.id, data.secret)
    if data.is_active is not None:
        webhook.is_active = data.is_active
    await session.flush()
    return webhook


async def delete_webhook(session: AsyncSession, workspace_id: str, webhook_id: str) -> None:
    """Delete the subscription and its delivery log; queued deliveries are dropped."""
    repository = WebhookRepository(session, workspace_id)
    await repository.delete(await repository.get_or_404(webhook_id))


async def list_deliveries(
    session: AsyncSession,
    workspace_id: str,
    webhook_id: str,
    state: DeliveryState | None,
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[WebhookDelivery], str | None]:
    await get_webhook(session, workspace_id, webhook_id)
    after = decode_time_cursor(cursor) if cursor else None
    rows = list(
        await DeliveryRepository(session, workspace_id).page(webhook_id, state, after, limit + 1)
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1].created_at, rows[-1].id) if more else None


def _queue_delivery(
    session: AsyncSession, webhook: WebhookSubscription, body: dict[str, Any]
) -> WebhookDelivery:
    """A pending delivery of ``body`` and the job that sends it, in the caller's transaction."""
    delivery = DeliveryRepository(session, webhook.workspace_id).add(
        WebhookDelivery(
            id=new_id("whd"),
            workspace_id=webhook.workspace_id,
            subscription_id=webhook.id,
            event_id=body["id"],
            event_name=body["event"],
            payload=body,
            state=DeliveryState.PENDING,
            attempts=0,
            created_at=utcnow(),
        )
    )
    enqueue(
        session,
        DELIVER_JOB,
        DeliverWebhook(delivery_id=delivery.id),
        workspace_id=webhook.workspace_id,
    )
    return delivery


def _usable(webhook: WebhookSubscription) -> WebhookSubscription:
    if not webhook.is_active:
        raise Conflict("the webhook is inactive: activate it first (PATCH is_active: true)")
    return webhook


async def redeliver(
    session: AsyncSession, workspace_id: str, webhook_id: str, delivery_id: str
) -> WebhookDelivery:
    """Send a logged delivery's body again, as a new delivery (the event id stays the same)."""
    webhook = await get_webhook(session, workspace_id, webhook_id)
    original = await DeliveryRepository(session, workspace_id).of_webhook(webhook_id, delivery_id)
    if original is None:
        raise NotFound.of("delivery", delivery_id)
    delivery = _queue_delivery(session, _usable(webhook), dict(original.payload))
    await session.flush()
    return delivery


async def send_test(session: AsyncSession, workspace_id: str, webhook_id: str) -> WebhookDelivery:
    """Queue a ``webhook.test`` ping to this webhook, whatever events it subscribes to."""
    webhook = _usable(await get_webhook(session, workspace_id, webhook_id))
    ping = BusEvent(
        name=TEST_EVENT,
        workspace_id=workspace_id,
        data={"webhook_id": webhook.id, "message": "A test delivery from DeskPilot."},
    )
    delivery = _queue_delivery(session, webhook, webhook_body(ping))
    await session.flush()
    return delivery


async def dispatch(session: AsyncSession, event: BusEvent) -> list[WebhookDelivery]:
    """One pending delivery (and its job) per active subscription that wants ``event``."""
    webhooks = await WebhookRepository(session, event.workspace_id).active()
    body = webhook_body(event)
    return [
        _queue_delivery(session, webhook, body)
        for webhook in webhooks
        if not webhook.events or event.name in webhook.events or ALL_EVENTS in webhook.events
    ]


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    """Everything the HTTP call needs, read before it so that no transaction stays open."""

    url: str
    body: bytes
    headers: dict[str, str]


async def _pending(
    session: AsyncSession, workspace_id: str, delivery_id: str
) -> WebhookDelivery | None:
    delivery = await DeliveryRepository(session, workspace_id).get(delivery_id)
    if delivery is None or delivery.state != DeliveryState.PENDING:
        return None  # the webhook was deleted, or an earlier run settled it
    return delivery


async def prepare_request(
    session: AsyncSession, box: SecretBox, workspace_id: str, delivery_id: str
) -> PreparedRequest | str | None:
    """The signed request of a pending delivery; a reason it cannot be sent; or None if it
    needs nothing more."""
    delivery = await _pending(session, workspace_id, delivery_id)
    if delivery is None:
        return None
    webhook = await get_webhook(session, workspace_id, delivery.subscription_id)
    if not webhook.is_active:
        return INACTIVE_REASON
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = signed_headers(open_secret(box, webhook), body)
    headers[EVENT_HEADER] = delivery.event_name
    headers[DELIVERY_HEADER] = delivery.id
    headers["User-Agent"] = "DeskPilot-Webhooks/1"
    return PreparedRequest(webhook.url, body, headers)


async def record_attempt(
    session: AsyncSession,
    workspace_id: str,
    delivery_id: str,
    *,
    status: int | None,
    error: str | None,
    state: DeliveryState = DeliveryState.PENDING,
    counted: bool = True,
) -> None:
    """Log one attempt's outcome on a pending delivery. A 410 answer deactivates the webhook."""
    delivery = await _pending(session, workspace_id, delivery_id)
    if delivery is None:
        return
    if counted:
        delivery.attempts += 1
    delivery.response_status = status
    delivery.error = error
    delivery.state = state
    if state == DeliveryState.DELIVERED:
        delivery.delivered_at = utcnow()
    if status == 410:
        webhook = await get_webhook(session, workspace_id, delivery.subscription_id)
        webhook.is_active = False
    await session.flush()


async def mark_failed(
    session: AsyncSession, workspace_id: str, delivery_id: str, reason: str
) -> None:
    """Retries are used up: the delivery is failed for good, with the last reason."""
    delivery = await _pending(session, workspace_id, delivery_id)
    if delivery is not None:
        delivery.state = DeliveryState.FAILED
        delivery.error = reason
        await session.flush()
