"""A crafted data set for the analytics tests (and the dashboard pages): a workspace in
Asia/Shanghai (UTC+8), so that a local day differs from the UTC one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.clock import utcnow
from deskpilot.kit.db import Database
from deskpilot.models import (
    AIRun,
    Channel,
    Conversation,
    Customer,
    Decision,
    Direction,
    HandledBy,
    Message,
    Priority,
    SenderType,
    Ticket,
    TicketSource,
    TicketStatus,
    Workspace,
)

ZONE = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True, slots=True)
class Crafted:
    now: datetime  # noon today, local time
    today: date


def _annotations(intent: str | None, score: float, label: str) -> dict[str, Any]:
    return {"language": "en", "intent": intent, "sentiment": {"score": score, "label": label}}


class _Builder:
    def __init__(self, session: AsyncSession, workspace_id: str) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.customer = Customer(workspace_id=workspace_id, name="Ann")
        session.add(self.customer)

    def channel(self, name: str, kind: str) -> Channel:
        channel = Channel(
            workspace_id=self.workspace_id, type=kind, name=name, public_key=uuid.uuid4().hex
        )
        self.session.add(channel)
        return channel

    async def conversation(
        self, channel: Channel, at: datetime, handled_by: HandledBy = HandledBy.BOT
    ) -> Conversation:
        await self.session.flush()
        conversation = Conversation(
            workspace_id=self.workspace_id,
            channel_id=channel.id,
            customer_id=self.customer.id,
            handled_by=handled_by,
            created_at=at,
            last_activity_at=at,
        )
        self.session.add(conversation)
        await self.session.flush()
        return conversation

    async def message(
        self,
        conversation: Conversation,
        at: datetime,
        *,
        sender: SenderType = SenderType.CUSTOMER,
        annotations: dict[str, Any] | None = None,
        decision: Decision | None = None,
        private: bool = False,
    ) -> Message:
        inbound = sender == SenderType.CUSTOMER
        message = Message(
            workspace_id=self.workspace_id,
            conversation_id=conversation.id,
            channel_id=conversation.channel_id,
            direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
            sender_type=sender,
            text="hello",
            is_private=private,
            annotations=annotations,
            created_at=at,
        )
        self.session.add(message)
        await self.session.flush()
        if decision is not None:
            self.session.add(
                AIRun(
                    workspace_id=self.workspace_id,
                    conversation_id=conversation.id,
                    message_id=message.id,
                    kind="message",
                    input_redacted="hello",
                    decision=decision,
                    reason="test",
                    provider="builtin",
                    latency_ms=1.0,
                    created_at=at,
                )
            )
        return message


async def craft_messages(
    database: Database, workspace_id: str, *, hostile: bool = False
) -> Crafted:
    """Channels, conversations, messages and AI runs; tests/analytics/test_overview.py lists
    the figures they give. ``hostile`` names a channel and an intent ``<script>...``."""
    real = utcnow().astimezone(ZONE)
    today = real.date()
    midnight = datetime.combine(today, datetime.min.time(), tzinfo=ZONE)
    now = midnight + timedelta(hours=12)
    async with database.transaction() as session:
        await session.execute(
            update(Workspace).where(Workspace.id == workspace_id).values(timezone="Asia/Shanghai")
        )
        b = _Builder(session, workspace_id)
        web = b.channel("<script>alert(1)</script>" if hostile else "Web chat", "webchat")
        mail = b.channel("Email", "email")
        b.channel("Telegram", "telegram")
        h = timedelta(hours=1)

        one = await b.conversation(web, midnight + 9 * h)
        await b.message(
            one,
            midnight + 9 * h,
            annotations=_annotations("order_status", 0.5, "positive"),
            decision=Decision.ANSWER,
        )
        await b.message(one, midnight + 9 * h + timedelta(minutes=1), sender=SenderType.BOT)

        two = await b.conversation(web, midnight + 10 * h, HandledBy.HUMAN)
        intent = "<script>x</script>" if hostile else "complaint"
        await b.message(
            two,
            midnight + 10 * h,
            annotations=_annotations(intent, -0.8, "negative"),
            decision=Decision.HANDOFF,
        )
        await b.message(two, midnight + 10 * h + timedelta(minutes=1), sender=SenderType.BOT)
        await b.message(two, midnight + 10 * h + timedelta(minutes=5), sender=SenderType.AGENT)
        await b.message(
            two, midnight + 10 * h + timedelta(minutes=6), sender=SenderType.AGENT, private=True
        )

        # opened yesterday at 23:30 local; its second message at 00:30 local is today here,
        # though still yesterday in UTC
        three = await b.conversation(mail, midnight - timedelta(minutes=30))
        await b.message(
            three,
            midnight - timedelta(minutes=30),
            annotations=_annotations("order_status", 0.0, "neutral"),
            decision=Decision.CLARIFY,
        )
        await b.message(
            three,
            midnight + timedelta(minutes=30),
            annotations=_annotations("order_status", -0.2, "neutral"),
            decision=Decision.ACTION,
        )

        four = await b.conversation(web, midnight - 3 * 24 * h + 8 * h)
        await b.message(
            four,
            midnight - 3 * 24 * h + 8 * h,
            annotations=_annotations("billing", 0.9, "positive"),
        )
        await b.message(four, midnight - 3 * 24 * h + 9 * h)  # not annotated

        old = await b.conversation(web, midnight - 20 * 24 * h)
        await b.message(
            old,
            midnight - 20 * 24 * h,
            annotations=_annotations("refund", -1.0, "negative"),
            decision=Decision.ANSWER,
        )
    return Crafted(now=now, today=today)


async def craft_tickets(database: Database, workspace_id: str) -> None:
    """Six tickets: five unresolved (one at risk, two breached, one paused), one solved."""
    now = utcnow()
    minute = timedelta(minutes=1)
    specs: list[tuple[TicketStatus, Priority, dict[str, Any]]] = [
        (TicketStatus.NEW, Priority.NORMAL, {"first_response_due_at": now + 30 * minute}),
        (TicketStatus.OPEN, Priority.HIGH, {"resolution_due_at": now - 10 * minute}),
        (
            TicketStatus.ON_HOLD,
            Priority.URGENT,
            {"first_response_due_at": now - 90 * minute, "first_response_breached_at": now},
        ),
        (
            TicketStatus.PENDING_CUSTOMER,
            Priority.LOW,
            {"sla_paused_at": now - 5 * minute, "resolution_due_at": now + 10 * minute},
        ),
        (TicketStatus.SOLVED, Priority.NORMAL, {"resolution_due_at": now - 10 * minute}),
        (TicketStatus.OPEN, Priority.NORMAL, {"first_response_due_at": now + 300 * minute}),
    ]
    async with database.transaction() as session:
        for number, (status, priority, sla) in enumerate(specs, start=1):
            session.add(
                Ticket(
                    workspace_id=workspace_id,
                    number=number,
                    status=status,
                    priority=priority,
                    source=TicketSource.AGENT,
                    subject=f"Ticket {number}",
                    **sla,
                )
            )
