"""The customer pages: the search list, one customer's page, and the merge history API."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from deskpilot.kit.clock import utcnow
from deskpilot.kit.deps import Resources
from deskpilot.models import Conversation, Segment, SegmentMembership
from tests.auth import sign_in
from tests.customers.support360 import profile
from tests.factories import Tenant
from tests.tickets.helpers import new_ticket

PREFERENCES_COOKIE = "deskpilot_console"


async def _conversation_of(resources: Resources, customer_id: str) -> str:
    async with resources.database.transaction() as session:
        found = await session.scalar(
            select(Conversation.id).where(Conversation.customer_id == customer_id)
        )
    assert found is not None
    return found


async def test_the_list_searches_by_name_email_and_phone_and_pages(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    await profile(resources, tenant, "ada", email="ada@example.org", name="Ada Lovelace")
    await profile(resources, tenant, "bob", email="bob@example.org", name="Bob <b>Builder</b>")
    await sign_in(client, tenant.owner_email)

    everyone = await client.get("/customers")
    assert everyone.status_code == 200
    assert "Ada Lovelace" in everyone.text
    assert "Bob &lt;b&gt;Builder&lt;/b&gt;" in everyone.text  # escaped, never markup
    by_email = await client.get("/customers", params={"q": "ada@example.org"})
    assert "Ada Lovelace" in by_email.text
    assert "Bob" not in by_email.text
    by_name = await client.get("/customers", params={"q": "lovel"})
    assert "Ada Lovelace" in by_name.text
    nobody = await client.get("/customers", params={"q": "nobody at all"})
    assert "No customer matches." in nobody.text
    broken = await client.get("/customers", params={"cursor": "not-a-cursor"})
    assert broken.status_code == 200  # a bad cursor starts again, never a 500


async def test_the_customer_page_shows_the_profile_conversations_and_tickets_in_chinese(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    customer_id = await profile(resources, tenant, "ada", email="ada@example.org", name="Ada")
    conversation_id = await _conversation_of(resources, customer_id)
    view = await new_ticket(
        resources.database,
        resources.bus,
        tenant.workspace_id,
        "Parcel lost",
        conversation_id=conversation_id,
    )
    await sign_in(client, tenant.owner_email)

    page = await client.get(f"/customers/{customer_id}")
    assert page.status_code == 200
    assert "<h1>Ada</h1>" in page.text
    assert f'href="/conversations/{conversation_id}"' in page.text
    assert f'href="/tickets/{view.ticket.id}"' in page.text
    assert "DP-000001" in page.text
    assert f'data-customer-id="{customer_id}"' in page.text
    assert "/static/console/customer360.js" in page.text

    client.cookies.set(PREFERENCES_COOKIE, "zh.light.m")
    chinese = await client.get(f"/customers/{customer_id}")
    assert '<html lang="zh"' in chinese.text
    assert "对话" in chinese.text
    assert "工单" in chinese.text


async def test_another_workspaces_customer_is_not_found_and_strangers_sign_in(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = await profile(resources, other_tenant, "eve", name="Eve of Globex")
    stranger = await client.get(f"/customers/{theirs}")
    assert stranger.status_code == 303
    await sign_in(client, tenant.owner_email)

    page = await client.get(f"/customers/{theirs}")
    assert page.status_code == 404
    assert "Eve of Globex" not in page.text
    listed = await client.get("/customers")
    assert "Eve of Globex" not in listed.text
    merges = await client.get(f"/api/v1/customers/{theirs}/merges")
    assert merges.status_code == 404


async def test_the_merge_history_lists_merges_until_they_are_undone(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    ada = await profile(resources, tenant, "ada", name="Ada")
    other = await profile(resources, tenant, "ada2", name="Ada L.")
    async with resources.database.transaction() as session:
        segment = Segment(workspace_id=tenant.workspace_id, name="Big spenders")
        session.add(segment)
        await session.flush()
        session.add(
            SegmentMembership(
                workspace_id=tenant.workspace_id,
                segment_id=segment.id,
                customer_id=ada,
                since=utcnow(),
            )
        )
    headers = tenant.headers
    assert (await client.get(f"/api/v1/customers/{ada}/merges", headers=headers)).json() == []
    merged = await client.post(
        f"/api/v1/customers/{ada}/merge",
        json={"other_id": other, "reason": "same"},
        headers=headers,
    )
    assert merged.status_code == 200, merged.text
    history = (await client.get(f"/api/v1/customers/{ada}/merges", headers=headers)).json()
    assert [(m["merged_id"], m["reason"]) for m in history] == [(other, "same")]
    # the merged profile's id names its survivor's history
    via_old = await client.get(f"/api/v1/customers/{other}/merges", headers=headers)
    assert [m["id"] for m in via_old.json()] == [history[0]["id"]]
    undone = await client.post(f"/api/v1/customers/merges/{history[0]['id']}/undo", headers=headers)
    assert undone.status_code == 200, undone.text
    assert (await client.get(f"/api/v1/customers/{ada}/merges", headers=headers)).json() == []

    await sign_in(client, tenant.owner_email)
    old_page = await client.get(f"/customers/{other}")
    assert old_page.status_code == 200  # unmerged: the profile is its own again
    assert 'class="notice"' not in old_page.text
