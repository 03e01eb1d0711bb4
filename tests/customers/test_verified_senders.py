"""A channel that vouches for its sender marks that channel identity verified, and only it."""

from __future__ import annotations

from deskpilot.customers import service
from deskpilot.customers.service import SenderHandle, resolve_sender
from deskpilot.kit.deps import Resources
from deskpilot.models import IdentityKind
from tests.customers.support360 import api_channel
from tests.factories import Tenant


async def test_only_a_vouched_sender_is_verified_on_its_channel(
    resources: Resources, tenant: Tenant
) -> None:
    channel_id = await api_channel(resources, tenant)
    other_channel = await api_channel(resources, tenant)
    ws = tenant.workspace_id
    async with resources.database.transaction() as session:
        unvouched = await resolve_sender(
            session, ws, channel_id, SenderHandle("u-1", email="ann@example.com")
        )
        assert not await service.verified_on_channel(session, ws, unvouched.id, channel_id)
        vouched = await resolve_sender(
            session, ws, channel_id, SenderHandle("u-2", email="bo@example.com", verified=True)
        )
        assert await service.verified_on_channel(session, ws, vouched.id, channel_id)
        # vouched on one channel is not vouched on another
        assert not await service.verified_on_channel(session, ws, vouched.id, other_channel)
        identities = await service.identities_of(session, ws, vouched.id)
        email = next(i for i in identities if i.kind == IdentityKind.EMAIL)
        assert not email.verified  # the address itself was not proven
        # a later vouched message from a known sender verifies their channel identity
        again = await resolve_sender(
            session, ws, channel_id, SenderHandle("u-1", email="ann@example.com", verified=True)
        )
        assert again.id == unvouched.id
        assert await service.verified_on_channel(session, ws, unvouched.id, channel_id)
