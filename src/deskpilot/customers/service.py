"""Finding or creating the customer behind an incoming message (deterministic matching).

Matching order: the sender's handle on the channel, then a verified/normalised email, then a
phone number. Identifiers already owned by another customer are never moved: two profiles that
share a person are merged deliberately (Customer 360 merge), not silently by intake.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.customers.identity import channel_handle, normalise_email, normalise_phone
from deskpilot.customers.repository import CustomerRepository, IdentityRepository
from deskpilot.models import Customer, CustomerIdentity, IdentityKind


@dataclass(frozen=True, slots=True)
class SenderHandle:
    """Who sent a message, as the channel knows them."""

    external_id: str
    name: str | None = None
    email: str | None = None
    phone: str | None = None


def _keys(
    channel_id: str, sender: SenderHandle, region: str | None
) -> list[tuple[IdentityKind, str]]:
    keys = [(IdentityKind.CHANNEL, channel_handle(channel_id, sender.external_id))]
    # A malformed address or number is kept on the message, and not used to match.
    if sender.email:
        with contextlib.suppress(ValueError):
            keys.append((IdentityKind.EMAIL, normalise_email(sender.email)))
    if sender.phone:
        with contextlib.suppress(ValueError):
            keys.append((IdentityKind.PHONE, normalise_phone(sender.phone, region)))
    return keys


async def resolve_sender(
    session: AsyncSession,
    workspace_id: str,
    channel_id: str,
    sender: SenderHandle,
    *,
    default_region: str | None = None,
) -> Customer:
    """The customer this sender is, created with their identities if nobody matches."""
    keys = _keys(channel_id, sender, default_region)
    identities = IdentityRepository(session, workspace_id)
    customers = CustomerRepository(session, workspace_id)
    found = {(i.kind, i.value): i for i in await identities.matching(keys)}
    owner_id = next((found[key].customer_id for key in keys if key in found), None)
    if owner_id is not None:
        customer = await customers.get_or_404(owner_id)
    else:
        customer = customers.add(
            Customer(
                workspace_id=workspace_id,
                name=sender.name,
                email=next((v for k, v in keys if k == IdentityKind.EMAIL), None),
                phone=next((v for k, v in keys if k == IdentityKind.PHONE), None),
            )
        )
        await session.flush()
    if sender.name and not customer.name:
        customer.name = sender.name
    for kind, value in keys:
        if (kind, value) not in found:
            await _attach(session, identities, customer, kind, value)
    return customer


async def _attach(
    session: AsyncSession,
    identities: IdentityRepository,
    customer: Customer,
    kind: IdentityKind,
    value: str,
) -> None:
    """Add an identity unless a concurrent request just took it (then leave it where it is)."""
    try:
        async with session.begin_nested():
            identities.add(
                CustomerIdentity(
                    workspace_id=customer.workspace_id,
                    customer_id=customer.id,
                    kind=kind,
                    value=value,
                )
            )
    except IntegrityError:
        pass


async def get_customer(session: AsyncSession, workspace_id: str, customer_id: str) -> Customer:
    return await CustomerRepository(session, workspace_id).get_or_404(customer_id)


async def channel_handle_of(
    session: AsyncSession, workspace_id: str, customer_id: str, channel_id: str
) -> str | None:
    """The customer's external id on a channel (whom to send a reply to), if they have one."""
    prefix = channel_handle(channel_id, "")
    value = await IdentityRepository(session, workspace_id).value_for(
        customer_id, IdentityKind.CHANNEL, prefix
    )
    return value[len(prefix) :] if value is not None else None
