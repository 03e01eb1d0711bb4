"""Shared steps of the Customer 360 tests: profiles with rows of every kind, row snapshots."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, select

from deskpilot.channels import service as channel_service
from deskpilot.channels.schemas import ChannelCreate
from deskpilot.conversations.intake import InboundMessage, receive
from deskpilot.customers.service import SenderHandle
from deskpilot.kit.clock import utcnow
from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.models import (
    Consent,
    ConsentStatus,
    Conversation,
    Customer,
    CustomerEvent,
    CustomerIdentity,
    Order,
)
from tests.factories import Tenant

MOVABLE = (Customer, CustomerIdentity, Order, CustomerEvent, Conversation, Consent)


async def api_channel(resources: Resources, tenant: Tenant) -> str:
    async with resources.database.transaction() as session:
        channel = await channel_service.create_channel(
            session,
            resources.secret_box,
            tenant.workspace_id,
            ChannelCreate(type="api", name="api"),
        )
    return channel.id


async def profile(
    resources: Resources,
    tenant: Tenant,
    handle: str,
    *,
    email: str | None = None,
    name: str | None = None,
    text: str = "Where is my order?",
    at: datetime | None = None,
    orders: int = 1,
    events: int = 1,
    channel_id: str | None = None,
) -> str:
    """A customer who wrote once (a conversation and a message), with orders, events, a consent."""
    channel_id = channel_id or await api_channel(resources, tenant)
    at = at or utcnow()
    async with resources.database.transaction() as session:
        channel = await channel_service.get_channel(session, tenant.workspace_id, channel_id)
        result = await receive(
            session,
            resources.bus,
            resources.files,
            channel,
            InboundMessage(
                sender=SenderHandle(handle, name=name, email=email),
                text=text,
                external_id=f"{handle}-m1",
            ),
        )
        customer_id = result.conversation.customer_id
        for n in range(orders):
            session.add(
                Order(
                    workspace_id=tenant.workspace_id,
                    external_id=f"{handle}-o{n}",
                    customer_id=customer_id,
                    status="delivered",
                    total=Decimal("10.50"),
                    placed_at=at - timedelta(days=n + 1),
                )
            )
        for n in range(events):
            session.add(
                CustomerEvent(
                    workspace_id=tenant.workspace_id,
                    customer_id=customer_id,
                    type="track",
                    name=f"Viewed {n}",
                    message_id=f"{handle}-e{n}",
                    occurred_at=at - timedelta(hours=n + 1),
                    received_at=at,
                )
            )
        session.add(
            Consent(
                workspace_id=tenant.workspace_id,
                customer_id=customer_id,
                purpose=f"marketing-{handle}",
                status=ConsentStatus.GRANTED,
                source="form",
                recorded_at=at,
            )
        )
    return customer_id


async def snapshot(database: Database, workspace_id: str) -> dict[str, list[dict[str, Any]]]:
    """The rows a merge may touch, without ``updated_at`` (a merge and undo do bump it)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    async with database.transaction() as session:
        for model in MOVABLE:
            table = cast(Table, model.__table__)
            result = await session.execute(
                select(table).where(table.c.workspace_id == workspace_id).order_by(table.c.id)
            )
            rows[table.name] = [
                {k: v for k, v in row._mapping.items() if k != "updated_at"} for row in result
            ]
    return rows
