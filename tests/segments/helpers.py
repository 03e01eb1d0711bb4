"""Making customers with orders and messages, and running the jobs they queue."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from deskpilot.channels import service as channel_service
from deskpilot.channels.schemas import ChannelCreate
from deskpilot.conversations.intake import InboundMessage, receive
from deskpilot.customers.service import SenderHandle
from deskpilot.customers.traits import enqueue_recompute
from deskpilot.kit.clock import utcnow
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import Worker
from deskpilot.models import Customer, Order


async def run_jobs(resources: Resources) -> int:
    worker = Worker(resources.database, resources={Resources: resources})
    return await worker.run_until_idle()


async def make_customer(
    resources: Resources, workspace_id: str, name: str, **traits: object
) -> str:
    async with resources.database.transaction() as session:
        customer = Customer(workspace_id=workspace_id, name=name, **traits)
        session.add(customer)
        await session.flush()
        return customer.id


async def add_order(
    resources: Resources,
    workspace_id: str,
    customer_id: str,
    total: str,
    *,
    placed_at: datetime | None = None,
    status: str = "delivered",
    external_id: str | None = None,
) -> None:
    """An order stored as the orders code does: with ``enqueue_recompute`` in its transaction."""
    async with resources.database.transaction() as session:
        session.add(
            Order(
                workspace_id=workspace_id,
                external_id=external_id or f"o-{customer_id}-{total}-{status}",
                customer_id=customer_id,
                status=status,
                total=Decimal(total),
                placed_at=placed_at or utcnow(),
            )
        )
        enqueue_recompute(session, workspace_id, customer_id)


async def inbound_message(
    resources: Resources, workspace_id: str, sender: str, text: str, external_id: str
) -> str:
    """A customer's message through intake on an API channel; the customer's id."""
    async with resources.database.transaction() as session:
        channels = await channel_service.list_channels(session, workspace_id)
        channel = next((c for c in channels if c.type == "api"), None)
        if channel is None:
            channel = await channel_service.create_channel(
                session, resources.secret_box, workspace_id, ChannelCreate(type="api", name="API")
            )
        result = await receive(
            session,
            resources.bus,
            resources.files,
            channel,
            InboundMessage(
                sender=SenderHandle(sender, name=sender), text=text, external_id=external_id
            ),
        )
        return result.conversation.customer_id
