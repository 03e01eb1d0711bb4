"""Which ticket events notify whom, and the notification jobs.

A transactional bus listener looks at every published event; when a row of ``RULES`` applies it
queues ``notification.dispatch`` in the same transaction (so a rolled-back change notifies
nobody, and a committed one cannot lose its notifications). The job finds the people and calls
``notify``, which queues ``notification.send_email`` for those who want email.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.config import Settings
from deskpilot.kit.bus import BusEvent, add_transactional_listener
from deskpilot.kit.clock import utcnow
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import JobContext, enqueue
from deskpilot.kit.jobs.registry import default_registry
from deskpilot.models import Ticket
from deskpilot.tickets.notifications.email import (
    EmailRefused,
    build_email,
    parse_smtp_url,
    send_email,
)
from deskpilot.tickets.notifications.repository import MemberRepository, NotificationRepository
from deskpilot.tickets.notifications.schemas import DispatchNotifications, SendEmail
from deskpilot.tickets.notifications.service import DISPATCH_JOB, SEND_EMAIL_JOB, notify
from deskpilot.tickets.repository import TicketRepository
from deskpilot.tickets.schemas import reference

log = logging.getLogger(__name__)

Recipient = Literal["new_assignee", "assignee", "assignee_or_team", "admins"]
Data = dict[str, Any]


def _always(data: Data) -> bool:
    return True


def _new_assignee(data: Data) -> str | None:
    """The assignee an event gave the ticket: on creation its assignee, on an update the new
    value of a changed ``assignee_id``."""
    if "changes" in data:
        change = data["changes"].get("assignee_id")
        return change[1] if isinstance(change, list) and len(change) == 2 else None
    value = data.get("assignee_id")
    return value if isinstance(value, str) else None


def _assigned_by_someone_else(data: Data) -> bool:
    assignee = _new_assignee(data)
    actor = data.get("actor") or {}
    return assignee is not None and not (
        actor.get("type") == "user" and actor.get("id") == assignee
    )


def _customer_public_comment(data: Data) -> bool:
    comment = data.get("comment") or {}
    return (data.get("actor") or {}).get("type") == "customer" and bool(comment.get("public"))


@dataclass(frozen=True, slots=True)
class NotifyRule:
    event: str
    applies: Callable[[Data], bool]
    kind: str
    recipients: tuple[Recipient, ...]
    title: str  # formatted with {reference} and {subject}


# event, when it applies, kind of notification, who is told, title
RULES: tuple[NotifyRule, ...] = (
    NotifyRule("ticket.created", _assigned_by_someone_else, "ticket.assigned",
               ("new_assignee",), "{reference} is assigned to you: {subject}"),
    NotifyRule("ticket.updated", _assigned_by_someone_else, "ticket.assigned",
               ("new_assignee",), "{reference} is assigned to you: {subject}"),
    NotifyRule("ticket.sla_warning", _always, "ticket.sla_warning",
               ("assignee_or_team",), "{reference} is close to its SLA target: {subject}"),
    NotifyRule("ticket.sla_breached", _always, "ticket.sla_breached",
               ("assignee_or_team",), "{reference} missed its SLA target: {subject}"),
    NotifyRule("ticket.commented", _customer_public_comment, "ticket.customer_replied",
               ("assignee",), "The customer replied on {reference}: {subject}"),
    NotifyRule("ticket.rated_low", _always, "ticket.rated_low",
               ("assignee", "admins"), "{reference} was rated low: {subject}"),
)  # fmt: skip


def rules_for(event: BusEvent) -> list[NotifyRule]:
    return [r for r in RULES if r.event == event.name and r.applies(event.data)]


def queue_dispatch(session: AsyncSession, event: BusEvent) -> None:
    """Transactional listener: no I/O, only a durable job when some rule applies."""
    if rules_for(event):
        enqueue(
            session,
            DISPATCH_JOB,
            DispatchNotifications(event=event),
            workspace_id=event.workspace_id,
        )


async def _recipients(
    session: AsyncSession, ticket: Ticket, data: Data, who: tuple[Recipient, ...]
) -> list[str]:
    members = MemberRepository(session, ticket.workspace_id)
    found: list[str] = []
    for recipient in who:
        if recipient == "new_assignee":
            found += [a for a in [_new_assignee(data)] if a]
        elif recipient == "assignee":
            found += [ticket.assignee_id] if ticket.assignee_id else []
        elif recipient == "assignee_or_team":
            if ticket.assignee_id:
                found.append(ticket.assignee_id)
            elif ticket.team_id:
                found += await members.team_member_ids(ticket.team_id)
        else:
            found += await members.admin_ids()
    return list(dict.fromkeys(found))


def _body(data: Data) -> str:
    comment = data.get("comment")
    if isinstance(comment, dict) and isinstance(comment.get("text"), str):
        return str(comment["text"])[:2000]
    parts = [f"{key}: {data[key]}" for key in ("target", "score") if data.get(key) is not None]
    return ", ".join(parts)


@default_registry.handler(DISPATCH_JOB, DispatchNotifications)
async def dispatch(ctx: JobContext, payload: DispatchNotifications) -> None:
    event = payload.event
    ticket_id = event.data.get("ticket_id") or event.data.get("id")
    if not isinstance(ticket_id, str):
        return
    ticket = await TicketRepository(ctx.session, event.workspace_id).get(ticket_id)
    if ticket is None:
        return  # deleted since: nothing to tell
    bus = ctx.resource(Resources).bus
    for rule in rules_for(event):
        user_ids = await _recipients(ctx.session, ticket, event.data, rule.recipients)
        title = rule.title.format(reference=reference(ticket.number), subject=ticket.subject)
        await notify(
            ctx.session,
            bus,
            event.workspace_id,
            user_ids,
            rule.kind,
            title,
            _body(event.data),
            ticket_id=ticket.id,
        )


def _settings(ctx: JobContext) -> Settings | None:
    try:
        return ctx.resource(Settings)
    except LookupError:
        return None


@default_registry.handler(SEND_EMAIL_JOB, SendEmail)
async def send_notification_email(ctx: JobContext, payload: SendEmail) -> None:
    """Email one notification. Reads in a short transaction and sends with none open (like
    webhook deliveries); a transient failure raises so the worker retries with backoff."""
    settings = _settings(ctx)
    workspace_id = ctx.workspace_id
    if workspace_id is None:
        return
    if settings is None or not settings.smtp_url:
        log.info("notification email is off (no DESKPILOT_SMTP_URL): %s", payload.notification_id)
        return
    relay = parse_smtp_url(settings.smtp_url)
    resources = ctx.resource(Resources)
    async with resources.database.transaction() as session:
        found = await NotificationRepository(session, workspace_id).with_user(
            payload.notification_id
        )
        if found is None or found[0].emailed_at is not None or not found[1].is_active:
            return
        notification, user = found
        mail = build_email(
            sender=settings.mail_from,
            to=user.email,
            subject=notification.title,
            body=(notification.title + "\n\n" + notification.body).strip(),
            link=None,
        )
    try:
        await send_email(relay, mail)
    except EmailRefused as exc:
        log.warning("notification email refused for good: %s", exc)
        return
    stored = await NotificationRepository(ctx.session, workspace_id).get(payload.notification_id)
    if stored is not None:
        stored.emailed_at = utcnow()


add_transactional_listener(queue_dispatch)
