"""No endpoint lets one workspace read or change another's data.

The test walks every route the app registers. A route whose path names a record
(``{api_key_id}``, ``{job_id}``...) is called by workspace A with workspace B's ids and must
answer 404 (not 403: a foreign id does not exist for the caller), then with A's own ids and
must succeed, which proves the 404 came from scoping and not from a broken route. Routes without
ids are called too, and no response may contain anything of B's. At the end B's rows in every
workspace-scoped table are exactly as they were.

A new route fails this test until it is covered: give its path parameter a factory in
``RECORD_FACTORIES`` and its body a sample in ``SAMPLE_BODIES``.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute, APIWebSocketRoute
from pydantic import HttpUrl
from sqlalchemy import select

from deskpilot.channels import service as channel_service
from deskpilot.channels.schemas import ChannelCreate
from deskpilot.conversations.intake import InboundAttachment, InboundMessage, receive
from deskpilot.customers.service import SenderHandle
from deskpilot.kit.db import Base, Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import Job, JobState
from deskpilot.models import Role, Workspace
from deskpilot.webhooks import service as webhook_service
from deskpilot.webhooks.schemas import WebhookCreate
from deskpilot.workspaces import service as workspace_service
from tests.auth import client_for, sign_in
from tests.factories import PASSWORD, Tenant, create_api_key, create_member

MARKER = "globex"  # B's slug; B's names carry it, so any leak of B's data shows it

# Routes that hold no workspace data, or that sign in (they have their own tests).
OUTSIDE_WORKSPACES = {
    "/healthz",
    "/readyz",
    "/metrics",
    "/api/openapi.json",
    "/api/docs",
    "/docs/oauth2-redirect",
    "/login",
    "/logout",
    "/api/v1/auth/login",
    # The console agent's display choices (language, theme, text size): a cookie of their own
    # browser, no workspace data (tests/web/test_console_shell.py).
    "/preferences",
    # The member's own password (a form): their account, not workspace data
    # (tests/web/test_console_shell.py).
    "/account/password",
    "/static",
    # A platform's webhook: found by the channel's unguessable public key and authenticated by
    # the platform's signature, never by workspace credentials (tests/channels/ cover it).
    "/hooks/{public_key}",
    # The web chat widget's public API: found by the channel's public key, and the visitor by
    # their unguessable token, never by workspace credentials; a visitor reaches only their own
    # conversation (tests/channels/test_webchat.py: other visitors see nothing).
    "/widget.js",
    "/widget/api/{path:path}",
    "/widget/api/config",
    "/widget/api/session",
    "/widget/api/messages",
    "/widget/api/attachments",
    "/widget/api/attachments/{attachment_id}",
    "/widget/api/handoff",
    "/widget/api/rating",
    "/widget/api/typing",
    "/widget/ws",
    "/demo/widget",  # a public page of the demo workspace only
    # The public help center: found by the workspace's slug, shows only published, public
    # articles, which are meant for anyone (tests/knowledge/test_help_center.py).
    "/help/{workspace_slug}",
    "/help/{workspace_slug}/articles/{article_id}",
    # Its feedback form: a vote on a public published article of the slug's workspace only
    # (tests/knowledge/test_quality.py: another workspace's article is a 404).
    "/help/{workspace_slug}/articles/{article_id}/feedback",
    # The public feedback form and its API: anyone may file feedback into the slug's workspace;
    # the answer shows only the new ticket's own reference and the public help center's
    # articles (tests/feedback/test_form.py: unknown slug 404, nothing else is read).
    "/feedback/{workspace_slug}",
    "/api/public/feedback/{workspace_slug}",
    # Ticket tracking and surveys: found by the workspace's slug and reference with a token
    # signed for that one ticket, or by a signed survey token; anything else is the same 404
    # (tests/tickets/test_tracking.py, tests/tickets/test_csat.py, tests/web/test_track_page.py).
    "/track/{workspace_slug}/{reference}",
    "/track/{workspace_slug}/{reference}/comment",
    "/track/{workspace_slug}/{reference}/reopen",
    "/api/public/track/{workspace_slug}/{reference}",
    "/api/public/track/{workspace_slug}/{reference}/comments",
    "/api/public/track/{workspace_slug}/{reference}/reopen",
    "/survey/{survey_token}",
    "/api/public/surveys/{survey_token}",
}
# Routes covered by a dedicated cross-workspace test elsewhere.
COVERED_ELSEWHERE = {"/api/v1/ws": "tests/realtime/test_websocket.py"}
# PUT by name creates the caller's own record: B's record of that name must stay untouched.
UPSERTS = {"PUT /api/v1/workspace/secrets/{name}"}

SAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "POST /api/v1/auth/password": {"current_password": PASSWORD, "new_password": "a new password"},
    "POST /api/v1/api-keys": {"name": "isolation", "role": "agent"},
    "POST /api/v1/users": {"email": "new@acme.example.com", "name": "New", "password": PASSWORD},
    "PATCH /api/v1/users/{member_id}": {"role": "viewer"},
    "PATCH /api/v1/workspace": {"name": "Acme renamed"},
    "PUT /api/v1/workspace/secrets/{name}": {"value": "acme value"},
    "POST /api/v1/channels": {"type": "api", "name": "Isolation"},
    "PATCH /api/v1/channels/{channel_id}": {"name": "Renamed"},
    "POST /api/v1/channels/{channel_id}/inbound": {
        "external_id": "iso-1",
        "sender": {"external_id": "iso-sender"},
        "text": "hello",
    },
    "PATCH /api/v1/conversations/{conversation_id}": {"priority": "high"},
    "POST /api/v1/conversations/{conversation_id}/messages": {"text": "a reply"},
    "POST /api/v1/conversations/{conversation_id}/assign": {"assignee_id": None},
    "POST /api/v1/conversations/{conversation_id}/status": {"status": "pending"},
    "PUT /api/v1/conversations/{conversation_id}/labels": {"labels": ["vip"]},
    "POST /api/v1/webhooks": {"url": "https://hooks.example.com/isolation"},
    "PATCH /api/v1/webhooks/{webhook_id}": {"events": ["message.created"]},
    "PATCH /api/v1/customers/{customer_id}": {"name": "Renamed", "country": "DE"},
    "PUT /api/v1/customers/{customer_id}/consents/{purpose}": {"status": "granted"},
    # The partner is A's own profile (see _customer), so A's own merge call succeeds.
    "POST /api/v1/customers/{customer_id}/merge": {
        "other_id": "cus_acme_partner",
        "reason": "isolation",
    },
    "POST /api/v1/events/identify": {"userId": "iso-user", "traits": {"name": "Iso"}},
    "POST /api/v1/events/track": {"userId": "iso-user", "event": "Isolation"},
    "POST /api/v1/events/page": {"anonymousId": "iso-anon", "name": "Home"},
    "POST /api/v1/events/alias": {"userId": "iso-user", "previousId": "iso-anon"},
    "POST /api/v1/events/batch": {
        "batch": [{"type": "track", "userId": "iso-user", "event": "Batch"}]
    },
    "POST /api/v1/segments": {"name": "Isolation", "rules": {"all": []}},
    "PATCH /api/v1/segments/{segment_id}": {"name": "Renamed", "rules": {"any": []}},
    "POST /api/v1/segments/preview": {"rules": {"all": []}},
    "POST /api/v1/teams": {"name": "Isolation team", "categories": ["isolation"]},
    "PATCH /api/v1/teams/{team_id}": {"description": "Edited.", "assignment": "load_balanced"},
    "PATCH /api/v1/availability": {"availability": "online"},
    "POST /api/v1/calendars": {"name": "Isolation", "hours": {"mon": [["09:00", "17:00"]]}},
    "PATCH /api/v1/calendars/{calendar_id}": {"holidays": ["2026-12-25"]},
    "POST /api/v1/sla-policies": {"name": "Isolation", "first_response_minutes": 60},
    "PATCH /api/v1/sla-policies/{policy_id}": {"description": "Edited.", "position": 3},
    "PATCH /api/v1/availability/{user_id}": {"availability": "away", "max_open_tickets": 5},
    # Multipart uploads: a JSON body is refused (422), which still proves nothing of B leaks;
    # tests/imports/test_api.py covers real uploads.
    "POST /api/v1/imports/customers": {},
    "POST /api/v1/imports/orders": {},
    "POST /api/v1/kb/categories": {"slug": "isolation", "name": "Isolation"},
    "POST /api/v1/kb/articles": {"title": "Isolation", "body": "Text."},
    "PATCH /api/v1/kb/articles/{article_id}": {"body": "Edited."},
    "PATCH /api/v1/kb/categories/{slug}": {"name": "Renamed"},
    "POST /api/v1/kb/preview": {"body": "# Preview"},
    "POST /api/v1/kb/articles/{article_id}/publish": {},
    "POST /api/v1/kb/articles/{article_id}/rollback": {"version": 1},
    "POST /api/v1/kb/import": {},  # multipart: refused as JSON (tests/knowledge/test_import.py)
    "POST /api/v1/kb/articles/{article_id}/feedback": {"helpful": True, "version": 1},
    "POST /api/v1/kb/articles/{article_id}/reviewed": {"review_due_on": "2999-01-01"},
    "PATCH /api/v1/ai/settings": {"handoff_confidence": 0.5},
    "POST /api/v1/ai/intents": {
        "name": "isolation_check",
        "handling": "answer",
        "examples": ["Is this an isolation check?"],
    },
    "PATCH /api/v1/ai/intents/{intent_id}": {"description": "Edited."},
    "POST /api/v1/ai/reply-preview": {"text": "Hello"},
    "POST /api/v1/tickets": {"subject": "Isolation"},
    "PATCH /api/v1/notifications/settings": {"email": False},  # an API key: 422, no change
    "POST /api/v1/canned-responses": {"shortcut": "isolation", "title": "Iso", "body": "Hi"},
    "PATCH /api/v1/canned-responses/{response_id}": {"title": "Renamed"},
    # A's fixed conversation (see _canned_response), so A's own render call succeeds.
    "POST /api/v1/canned-responses/{response_id}/render": {"conversation_id": "cnv_acme_canned"},
    "PATCH /api/v1/tickets/{ticket_id}": {"priority": "high"},
    "POST /api/v1/tickets/{ticket_id}/comments": {"text": "a note"},
    # A's fixed conversation (see _ticket), so A's own link call succeeds.
    "POST /api/v1/tickets/{ticket_id}/conversations": {"conversation_id": "cnv_acme_linkable"},
    "POST /api/v1/automation/rules": {
        "name": "Isolation rule",
        "trigger": "ticket.created",
        "actions": [{"type": "set_priority", "value": "high"}],
    },
    "POST /api/v1/automation/rules/dry-run": {
        "name": "Isolation dry run",
        "trigger": "ticket.created",
        "actions": [{"type": "set_priority", "value": "high"}],
    },
    "PATCH /api/v1/automation/rules/{rule_id}": {"position": 2},
    "POST /api/v1/automation/rules/{rule_id}/dry-run": {"limit": 5},
    "POST /api/v1/macros": {
        "name": "Isolation macro",
        "actions": [{"type": "add_labels", "labels": ["isolation"]}],
    },
    "PATCH /api/v1/macros/{macro_id}": {"description": "Edited."},
    "POST /api/v1/conversations/{conversation_id}/ticket": {"priority": "high"},
}

RecordFactory = Callable[[Resources, Tenant], Awaitable[str]]
# Path parameters whose values are not the other workspace's data (small numbers that any
# response may contain): they are not searched for in the responses.
NOT_SECRET = {"number"}


async def _article(resources: Resources, tenant: Tenant) -> str:
    """An article with an entry in its history (``.../changes``) that names its workspace, and
    a second version (version 1 to roll back to)."""
    from deskpilot.knowledge import service as knowledge_service
    from deskpilot.knowledge.schemas import ArticleCreate, ArticleUpdate

    async with resources.database.transaction() as session:
        article = await knowledge_service.create_article(
            session,
            tenant.workspace_id,
            ArticleCreate(title=f"{tenant.slug} article", body=f"{tenant.slug} text"),
            None,
        )
        await knowledge_service.update_article(
            session,
            tenant.workspace_id,
            article.id,
            ArticleUpdate(owner_team=f"{tenant.slug} team", body=f"{tenant.slug} text, v2"),
            None,
            publish_refusal=None,
        )
    return article.id


async def _version_number(resources: Resources, tenant: Tenant) -> str:
    return "1"  # every article has version 1


async def _category(resources: Resources, tenant: Tenant) -> str:
    """A workspace's own category, by its slug (each workspace its own)."""
    from deskpilot.knowledge import service as knowledge_service
    from deskpilot.knowledge.schemas import CategoryCreate

    slug = f"{tenant.slug}-topics-{secrets.token_hex(3)}"  # asked for once per route
    async with resources.database.transaction() as session:
        await knowledge_service.create_category(
            session, tenant.workspace_id, CategoryCreate(slug=slug, name=f"{tenant.slug} topics")
        )
    return slug


async def _api_key(resources: Resources, tenant: Tenant) -> str:
    async with resources.database.transaction() as session:
        from deskpilot.auth.credentials import create_api_key as make_key

        api_key, _ = await make_key(
            session,
            tenant.workspace_id,
            name=f"{tenant.slug} key",
            role=Role.AGENT,
            created_by=None,
        )
    return api_key.id


async def _member(resources: Resources, tenant: Tenant) -> str:
    return await create_member(
        resources.database,
        tenant.workspace_id,
        f"member-{uuid.uuid4().hex[:8]}@{tenant.slug}.example.com",
        Role.AGENT,
    )


async def _secret(resources: Resources, tenant: Tenant) -> str:
    name = f"{tenant.slug}-token"
    async with resources.database.transaction() as session:
        await workspace_service.put_secret(
            session, resources.secret_box, tenant.workspace_id, name, f"{tenant.slug} secret"
        )
    return name


async def _failed_job(resources: Resources, tenant: Tenant) -> str:
    async with resources.database.transaction() as session:
        job = Job(
            name=f"{tenant.slug}.job",
            workspace_id=tenant.workspace_id,
            state=JobState.FAILED,
            payload={"about": tenant.slug},
            last_error=f"{tenant.slug} failure",
        )
        session.add(job)
    return job.id


async def _channel(resources: Resources, tenant: Tenant) -> str:
    async with resources.database.transaction() as session:
        channel = await channel_service.create_channel(
            session,
            resources.secret_box,
            tenant.workspace_id,
            ChannelCreate(type="api", name=f"{tenant.slug} api"),
        )
    return channel.id


async def _conversation(resources: Resources, tenant: Tenant) -> str:
    channel_id = await _channel(resources, tenant)
    async with resources.database.transaction() as session:
        channel = await channel_service.get_channel(session, tenant.workspace_id, channel_id)
        sender = SenderHandle(f"{tenant.slug}-customer", name=f"{tenant.slug} customer")
        result = await receive(
            session,
            resources.bus,
            resources.files,
            channel,
            InboundMessage(sender=sender, text=f"{tenant.slug} question", external_id="q-1"),
        )
    _last_conversation[tenant.workspace_id] = (channel_id, result.conversation.id)
    return result.conversation.id


_last_conversation: dict[str, tuple[str, str]] = {}  # per workspace: (channel, conversation)


async def _attachment(resources: Resources, tenant: Tenant) -> str:
    """A file the customer sent in the conversation made last (the path names both)."""
    if tenant.workspace_id not in _last_conversation:
        await _conversation(resources, tenant)
    channel_id, conversation_id = _last_conversation[tenant.workspace_id]
    async with resources.database.transaction() as session:
        channel = await channel_service.get_channel(session, tenant.workspace_id, channel_id)
        sender = SenderHandle(f"{tenant.slug}-customer", name=f"{tenant.slug} customer")
        result = await receive(
            session,
            resources.bus,
            resources.files,
            channel,
            InboundMessage(
                sender=sender,
                text="",
                external_id=f"file-{uuid.uuid4().hex}",
                attachments=[InboundAttachment("receipt.txt", "text/plain", b"paid")],
            ),
        )
    assert result.conversation.id == conversation_id
    attachment_id: str = result.message.attachments[0]["id"]
    return attachment_id


_last_webhook: dict[str, str] = {}  # per workspace: deliveries go to the webhook made last


async def _webhook(resources: Resources, tenant: Tenant) -> str:
    async with resources.database.transaction() as session:
        webhook, _ = await webhook_service.create_webhook(
            session,
            resources.secret_box,
            tenant.workspace_id,
            WebhookCreate(url=HttpUrl(f"https://{tenant.slug}.example.com/hook")),
        )
    _last_webhook[tenant.workspace_id] = webhook.id
    return webhook.id


async def _webhook_delivery(resources: Resources, tenant: Tenant) -> str:
    webhook_id = _last_webhook.get(tenant.workspace_id) or await _webhook(resources, tenant)
    async with resources.database.transaction() as session:
        delivery = await webhook_service.send_test(session, tenant.workspace_id, webhook_id)
    return delivery.id


async def _team(resources: Resources, tenant: Tenant) -> str:
    from deskpilot.tickets.routing import teams
    from deskpilot.tickets.routing.schemas import TeamCreate

    async with resources.database.transaction() as session:
        team = await teams.create_team(
            session, tenant.workspace_id, TeamCreate(name=f"{tenant.slug} {uuid.uuid4().hex[:8]}")
        )
    return team.id


async def _calendar(resources: Resources, tenant: Tenant) -> str:
    from deskpilot.tickets.sla import policies
    from deskpilot.tickets.sla.schemas import CalendarCreate

    async with resources.database.transaction() as session:
        calendar = await policies.create_calendar(
            session,
            tenant.workspace_id,
            CalendarCreate(name=f"{tenant.slug} {uuid.uuid4().hex[:8]}"),
        )
    return calendar.id


async def _sla_policy(resources: Resources, tenant: Tenant) -> str:
    from deskpilot.tickets.sla import policies
    from deskpilot.tickets.sla.schemas import PolicyCreate

    async with resources.database.transaction() as session:
        policy = await policies.create_policy(
            session, tenant.workspace_id, PolicyCreate(name=f"{tenant.slug} {uuid.uuid4().hex[:8]}")
        )
    return policy.id


async def _user(resources: Resources, tenant: Tenant) -> str:
    """An agent's user id (teams and availability name members by user)."""
    from deskpilot.models import Membership

    membership_id = await _member(resources, tenant)
    async with resources.database.transaction() as session:
        membership = await session.get(Membership, membership_id)
        assert membership is not None
        return membership.user_id


async def _segment(resources: Resources, tenant: Tenant) -> str:
    from deskpilot.segments import service as segment_service
    from deskpilot.segments.schemas import SegmentCreate

    async with resources.database.transaction() as session:
        segment = await segment_service.create_segment(
            session,
            tenant.workspace_id,
            SegmentCreate(name=f"{tenant.slug} {uuid.uuid4().hex[:8]}", rules={"all": []}),
        )
    return segment.id


async def _new_customer(
    resources: Resources, tenant: Tenant, customer_id: str | None = None
) -> str:
    from deskpilot.models import Customer

    async with resources.database.transaction() as session:
        customer = Customer(workspace_id=tenant.workspace_id, name=f"{tenant.slug} customer")
        if customer_id is not None:
            if await session.get(Customer, customer_id) is not None:
                return customer_id
            customer.id = customer_id
        session.add(customer)
    return customer.id


async def _customer(resources: Resources, tenant: Tenant) -> str:
    """A profile, and the tenant's fixed partner profile that SAMPLE_BODIES merges into it."""
    await _new_customer(resources, tenant, f"cus_{tenant.slug}_partner")
    return await _new_customer(resources, tenant)


async def _consent_purpose(resources: Resources, tenant: Tenant) -> str:
    return f"{tenant.slug}-marketing"


async def _match_review(resources: Resources, tenant: Tenant) -> str:
    from deskpilot.customers.service import propose_match

    a, b = await _new_customer(resources, tenant), await _new_customer(resources, tenant)
    async with resources.database.transaction() as session:
        review = await propose_match(session, tenant.workspace_id, a, b, 0.7, {"name": 0.9})
        assert review is not None
    return review.id


async def _customer_merge(resources: Resources, tenant: Tenant) -> str:
    from deskpilot.customers.merging import merge_customers

    a, b = await _new_customer(resources, tenant), await _new_customer(resources, tenant)
    async with resources.database.transaction() as session:
        merge = await merge_customers(session, tenant.workspace_id, a, b, reason="isolation")
    return merge.id


async def _import(resources: Resources, tenant: Tenant) -> str:
    from deskpilot.imports import service as import_service
    from deskpilot.imports.records import ImportKind

    rows = [(1, {"external_id": f"{tenant.slug}-crm-1", "name": f"{tenant.slug} client"})]
    async with resources.database.transaction() as session:
        job = await import_service.import_rows(
            session, tenant.workspace_id, ImportKind.CUSTOMERS, rows, {}, filename=tenant.slug
        )
    return job.id


async def _intent(resources: Resources, tenant: Tenant) -> str:
    from deskpilot.ai import service as ai

    async with resources.database.transaction() as session:
        intents = await ai.list_intents(session, tenant.workspace_id)  # the default taxonomy
    return intents[0].id


async def _order(resources: Resources, tenant: Tenant) -> str:
    from deskpilot.imports import service as import_service
    from deskpilot.imports.records import ImportKind
    from deskpilot.models import Order

    rows = [(1, {"external_id": f"{tenant.slug}-order-{uuid.uuid4().hex[:8]}"})]
    async with resources.database.transaction() as session:
        await import_service.import_rows(
            session, tenant.workspace_id, ImportKind.ORDERS, rows, {}, filename=tenant.slug
        )
        order = await session.scalar(
            select(Order).where(Order.external_id == rows[0][1]["external_id"])
        )
        assert order is not None
    return order.id


async def _automation_rule(resources: Resources, tenant: Tenant) -> str:
    """An inactive rule (it never acts during the test), named after its workspace."""
    from deskpilot.tickets.automation import service as automation
    from deskpilot.tickets.automation.schemas import RuleCreate

    body = RuleCreate(
        name=f"{tenant.slug} rule {uuid.uuid4().hex[:8]}",
        trigger="ticket.created",
        actions=[{"type": "set_priority", "value": "high"}],
        is_active=False,
    )
    async with resources.database.transaction() as session:
        rule = await automation.create_rule(session, tenant.workspace_id, body)
    return rule.id


async def _macro(resources: Resources, tenant: Tenant) -> str:
    from deskpilot.tickets.automation import service as automation
    from deskpilot.tickets.automation.schemas import MacroCreate

    body = MacroCreate(
        name=f"{tenant.slug} macro {uuid.uuid4().hex[:8]}",
        actions=[{"type": "set_priority", "value": "high"}],
    )
    async with resources.database.transaction() as session:
        macro = await automation.create_macro(session, tenant.workspace_id, body)
    return macro.id


async def _ticket(resources: Resources, tenant: Tenant) -> str:
    """A ticket (linked to no conversation), and the tenant's fixed conversation that
    SAMPLE_BODIES links to it."""
    from deskpilot.models import Conversation
    from tests.tickets.helpers import new_ticket

    linkable = f"cnv_{tenant.slug}_linkable"
    channel_id = await _channel(resources, tenant)
    customer_id = await _new_customer(resources, tenant, f"cus_{tenant.slug}_linkable")
    async with resources.database.transaction() as session:
        if await session.get(Conversation, linkable) is None:
            session.add(
                Conversation(
                    id=linkable,
                    workspace_id=tenant.workspace_id,
                    channel_id=channel_id,
                    customer_id=customer_id,
                )
            )
    view = await new_ticket(resources.database, resources.bus, tenant.workspace_id)
    return view.ticket.id


async def _notification(resources: Resources, tenant: Tenant) -> str:
    """A notification for the owner (an API key stands for the workspace: it may mark it)."""
    from deskpilot.tickets.notifications.service import notify

    async with resources.database.transaction() as session:
        [made] = await notify(
            session, resources.bus, tenant.workspace_id, [tenant.owner_id], "k", tenant.slug
        )
    return made.id


async def _canned_response(resources: Resources, tenant: Tenant) -> str:
    """A canned response, and the tenant's fixed conversation that SAMPLE_BODIES renders it for."""
    from deskpilot.models import CannedResponse, Conversation

    fixed = f"cnv_{tenant.slug}_canned"
    channel_id = await _channel(resources, tenant)
    customer_id = await _new_customer(resources, tenant, f"cus_{tenant.slug}_canned")
    async with resources.database.transaction() as session:
        if await session.get(Conversation, fixed) is None:
            session.add(
                Conversation(
                    id=fixed,
                    workspace_id=tenant.workspace_id,
                    channel_id=channel_id,
                    customer_id=customer_id,
                )
            )
        response = CannedResponse(
            workspace_id=tenant.workspace_id,
            shortcut=f"{tenant.slug}-{uuid.uuid4().hex[:8]}",
            title=f"{tenant.slug} response",
            body="Hi {{ customer.name }}",
        )
        session.add(response)
    return response.id


RECORD_FACTORIES: dict[str, RecordFactory] = {
    "channel_id": _channel,
    "conversation_id": _conversation,
    "attachment_id": _attachment,  # after conversation_id: it is a file of that conversation
    "api_key_id": _api_key,
    "member_id": _member,
    "name": _secret,
    "job_id": _failed_job,
    "webhook_id": _webhook,  # before delivery_id: a delivery belongs to the last webhook
    "delivery_id": _webhook_delivery,
    "customer_id": _customer,
    "purpose": _consent_purpose,
    "review_id": _match_review,
    "merge_id": _customer_merge,
    "segment_id": _segment,
    "team_id": _team,
    "calendar_id": _calendar,
    "policy_id": _sla_policy,
    "user_id": _user,
    "import_id": _import,
    "order_id": _order,
    "intent_id": _intent,
    "article_id": _article,
    "slug": _category,
    "number": _version_number,  # an article's version number: not B's data (see NOT_SECRET)
    "ticket_id": _ticket,
    "rule_id": _automation_rule,
    "macro_id": _macro,
    "notification_id": _notification,
    "response_id": _canned_response,
}


def _parameters(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


async def _snapshot(database: Database, workspace_id: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the workspace, in every table that carries workspace_id."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    async with database.transaction() as session:
        for table in Base.metadata.sorted_tables:
            if "workspace_id" in table.c:
                result = await session.execute(
                    select(table).where(table.c.workspace_id == workspace_id).order_by(table.c.id)
                )
                rows[table.name] = [tuple(row) for row in result]
        workspace = await session.get(Workspace, workspace_id)
        assert workspace is not None
        rows["workspaces"] = [(workspace.id, workspace.name, workspace.slug, workspace.timezone)]
    return rows


async def _call(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    key: str,
    body: dict[str, Any] | None,
    pages: httpx.AsyncClient | None = None,
) -> httpx.Response:
    # Console pages are for a signed-in member (an API key is sent to /login): they go with
    # the owner's session cookie, the JSON API with the key.
    page = pages is not None and method == "GET" and not path.startswith("/api/")
    return await (pages if page and pages is not None else client).request(
        method,
        path,
        headers={} if page else {"Authorization": f"Bearer {key}"},
        json=body,
        follow_redirects=False,
    )


async def test_no_route_crosses_workspaces(
    app: FastAPI,
    client: httpx.AsyncClient,
    database: Database,
    resources: Resources,
    tenant: Tenant,
    other_tenant: Tenant,
) -> None:
    assert other_tenant.slug == MARKER
    owner_key = await create_api_key(database, tenant.workspace_id, Role.OWNER)
    pages = client_for(app)  # the console pages, as the signed-in owner (see _call)
    await sign_in(pages, tenant.owner_email)
    foreign: dict[str, str] = {}
    for parameter, factory in RECORD_FACTORIES.items():
        foreign[parameter] = await factory(resources, other_tenant)
    secrets_of_b = {v for p, v in foreign.items() if p not in NOT_SECRET} | {
        other_tenant.workspace_id,
        other_tenant.owner_id,
    }
    before = await _snapshot(database, other_tenant.workspace_id)

    uncovered: list[str] = []
    calls: list[tuple[str, str, dict[str, Any] | None, str]] = []
    for route in app.routes:
        if getattr(route, "path", None) in OUTSIDE_WORKSPACES:
            continue
        if isinstance(route, APIWebSocketRoute):
            if route.path not in COVERED_ELSEWHERE:
                uncovered.append(f"WebSocket {route.path}: add a cross-workspace test")
            continue
        if not isinstance(route, APIRoute):
            uncovered.append(f"{route!r}: unknown kind of route")
            continue
        for method in sorted(route.methods - {"HEAD"}):
            label = f"{method} {route.path}"
            body = SAMPLE_BODIES.get(label)
            missing = [p for p in _parameters(route.path) if p not in RECORD_FACTORIES]
            if route.body_field is not None and body is None:
                uncovered.append(f"{label}: add a valid body to SAMPLE_BODIES")
            elif missing:
                uncovered.append(f"{label}: add a factory for {missing} to RECORD_FACTORIES")
            else:
                calls.append((method, route.path, body, label))
    # An upsert makes A's own record under B's name: run those after everything else.
    calls.sort(key=lambda call: call[3] in UPSERTS)

    own_calls: list[tuple[str, str, dict[str, Any] | None, str]] = []
    for method, path, body, label in calls:
        parameters = _parameters(path)
        response = await _call(
            client,
            method,
            path.format(**{p: foreign[p] for p in parameters}),
            owner_key,
            body,
            pages,
        )
        if parameters and label not in UPSERTS:
            assert response.status_code == 404, (
                f"{label} with workspace B's id answered {response.status_code}, not 404"
            )
        elif label in UPSERTS:
            assert response.status_code < 400, f"{label}: {response.text}"
        shown = response.text.lower()
        for echoed in (foreign[p].lower() for p in parameters):  # the caller's own input
            shown = shown.replace(echoed, "")
        leaked = [s for s in secrets_of_b | {MARKER} if s in shown]
        assert not leaked, f"{label} shows workspace B's data: {leaked}"
        if parameters:
            own_calls.append((method, path, body, label))

    assert not uncovered, "routes this test cannot check yet:\n" + "\n".join(uncovered)
    assert await _snapshot(database, other_tenant.workspace_id) == before

    # The same routes with A's own ids work, so the 404s above came from workspace scoping.
    for method, path, body, label in own_calls:
        own = {p: await RECORD_FACTORIES[p](resources, tenant) for p in _parameters(path)}
        response = await _call(client, method, path.format(**own), owner_key, body, pages)
        assert response.status_code < 400, f"{label} on A's own record: {response.text}"
    await pages.aclose()
