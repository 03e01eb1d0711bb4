"""Agents download the files customers send (a download, never rendered in the page)."""

from __future__ import annotations

import httpx

from deskpilot.channels import service as channel_service
from deskpilot.channels.schemas import ChannelCreate
from deskpilot.conversations.intake import InboundAttachment, InboundMessage, receive
from deskpilot.customers.service import SenderHandle
from deskpilot.kit.deps import Resources
from tests.factories import Tenant


async def _sent_file(resources: Resources, tenant: Tenant) -> tuple[str, str]:
    async with resources.database.transaction() as session:
        channel = await channel_service.create_channel(
            session,
            resources.secret_box,
            tenant.workspace_id,
            ChannelCreate(type="api", name="api"),
        )
        result = await receive(
            session,
            resources.bus,
            resources.files,
            channel,
            InboundMessage(
                sender=SenderHandle("c-1", name="Ann"),
                text="my receipt",
                external_id="m-1",
                attachments=[InboundAttachment("receipt.html", "text/html", b"<b>paid</b>")],
            ),
        )
    return result.conversation.id, result.message.attachments[0]["id"]


async def test_an_agent_downloads_a_customers_file(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant, other_tenant: Tenant
) -> None:
    conversation_id, attachment_id = await _sent_file(resources, tenant)
    url = f"/api/v1/conversations/{conversation_id}/attachments/{attachment_id}"
    response = await client.get(url, headers=tenant.headers)
    assert response.status_code == 200
    assert response.content == b"<b>paid</b>"
    assert response.headers["content-disposition"] == 'attachment; filename="receipt.html"'
    assert response.headers["x-content-type-options"] == "nosniff"
    missing = await client.get(url.replace(attachment_id, "att_nope"), headers=tenant.headers)
    assert missing.status_code == 404
    assert (await client.get(url, headers=other_tenant.headers)).status_code == 404
