"""Finding or creating the customer behind an incoming message (deterministic matching).

Matching order: the sender's handle on the channel, then a verified/normalised email, then a
phone number. Identifiers already owned by another customer are never moved: two profiles that
share a person are merged deliberately (Customer 360 merge), not silently by intake.

Merge protection (``deskpilot.customers.protection``) decides which identifiers may match:
blocked placeholders are neither stored nor matched, role addresses are stored but never match
a second profile, and an identifier already carried by too many profiles stops matching.
Profiles merged into another are followed to their survivor.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.customers.identity import channel_handle, normalise_email, normalise_phone
from deskpilot.customers.protection import DEFAULT_PROTECTION, MergeProtection
from deskpilot.customers.repository import (
    ConsentRepository,
    Customer360Repository,
    CustomerRepository,
    IdentityRepository,
    ReviewRepository,
)
from deskpilot.kit.clock import utcnow
from deskpilot.kit.errors import InvalidInput
from deskpilot.kit.pagination import decode_time_cursor, encode_cursor
from deskpilot.models import (
    Consent,
    ConsentStatus,
    Customer,
    CustomerIdentity,
    IdentityKind,
    MatchReview,
    ReviewStatus,
    Segment,
)

MAX_MERGE_HOPS = 50  # a chain of merged_into_id longer than this is a bug, not data


@dataclass(frozen=True, slots=True)
class SenderHandle:
    """Who sent a message, as the channel knows them."""

    external_id: str
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    verified: bool = False
    """The channel vouches for who this is (a messaging platform's account, a widget visitor the
    host page signed, the business's own API call); an email's From address does not."""


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
    """The customer this sender is, created with their identities if nobody matches.

    Identifiers that merge protection refuses are not used to match (a role address, a value
    on too many profiles); blocked placeholders are not stored at all.
    """
    protection = DEFAULT_PROTECTION
    keys = [
        (k, v)
        for k, v in _keys(channel_id, sender, default_region)
        if not protection.is_blocked(k, v)
    ]
    identities = IdentityRepository(session, workspace_id)
    found = {(i.kind, i.value): i for i in await identities.matching(keys)}
    customer: Customer | None = None
    for key in keys:
        if key in found and await may_match(session, workspace_id, *key, protection=protection):
            customer = await live_customer(session, workspace_id, found[key].customer_id)
            break
    if customer is None:
        customer = CustomerRepository(session, workspace_id).add(
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
        verified = sender.verified and kind == IdentityKind.CHANNEL
        if (kind, value) not in found:
            await _attach(session, identities, customer, kind, value, verified=verified)
        elif verified:
            found[(kind, value)].verified = True
    return customer


async def may_match(
    session: AsyncSession,
    workspace_id: str,
    kind: IdentityKind,
    value: str,
    *,
    protection: MergeProtection = DEFAULT_PROTECTION,
) -> bool:
    """Whether ``value`` may decide by itself that two records are the same person.

    Channel handles and external ids are specific to one person by construction and match
    unless blocked; emails and phones also pass the role-address rule and the profile limit.
    """
    if kind in (IdentityKind.CHANNEL, IdentityKind.EXTERNAL):
        return not protection.is_blocked(kind, value)
    if protection.refuses_to_match(kind, value) is not None:
        return False
    carrying = await Customer360Repository(session, workspace_id).profiles_carrying(kind, value)
    return carrying < protection.max_profiles_per_identifier


async def attach_identity(
    session: AsyncSession,
    customer: Customer,
    kind: IdentityKind,
    value: str,
    *,
    protection: MergeProtection = DEFAULT_PROTECTION,
) -> bool:
    """Give ``customer`` the identity unless it is blocked or taken; True when it was added."""
    if protection.is_blocked(kind, value):
        return False
    identities = IdentityRepository(session, customer.workspace_id)
    if await identities.matching([(kind, value)]):
        return False
    return await _attach(session, identities, customer, kind, value)


async def owner_of(
    session: AsyncSession, workspace_id: str, kind: IdentityKind, value: str
) -> Customer | None:
    """The live profile holding an identity, whether or not it may be used to match."""
    found = await IdentityRepository(session, workspace_id).matching([(kind, value)])
    return await live_customer(session, workspace_id, found[0].customer_id) if found else None


async def live_customer(session: AsyncSession, workspace_id: str, customer_id: str) -> Customer:
    """The profile, or the survivor it was merged into (followed to the end); 404 if unknown."""
    customers = CustomerRepository(session, workspace_id)
    customer = await customers.get_or_404(customer_id)
    for _ in range(MAX_MERGE_HOPS):
        if customer.merged_into_id is None:
            return customer
        customer = await customers.get_or_404(customer.merged_into_id)
    raise RuntimeError(f"merge chain of {customer_id} is longer than {MAX_MERGE_HOPS}")


async def propose_match(
    session: AsyncSession,
    workspace_id: str,
    a: str,
    b: str,
    score: float,
    evidence: dict[str, Any],
) -> MatchReview | None:
    """Queue an uncertain pair for a person to decide; one review per unordered pair.

    Both ids are followed to their live profiles first: a pair that is already one profile
    needs no review (None). Proposing a pending pair again keeps the higher score and the
    evidence that came with it; a decided pair is not reopened.
    """
    first = await live_customer(session, workspace_id, a)
    second = await live_customer(session, workspace_id, b)
    if first.id == second.id:
        return None
    a_id, b_id = sorted((first.id, second.id))
    reviews = ReviewRepository(session, workspace_id)
    review = await reviews.for_pair(a_id, b_id)
    if review is None:
        review = reviews.add(
            MatchReview(
                workspace_id=workspace_id,
                customer_a_id=a_id,
                customer_b_id=b_id,
                score=score,
                evidence=evidence,
                status=ReviewStatus.PENDING,
                created_at=utcnow(),
            )
        )
        await session.flush()
    elif review.status == ReviewStatus.PENDING and score > review.score:
        review.score = score
        review.evidence = evidence
    return review


async def _attach(
    session: AsyncSession,
    identities: IdentityRepository,
    customer: Customer,
    kind: IdentityKind,
    value: str,
    *,
    verified: bool = False,
) -> bool:
    """Add an identity unless a concurrent request just took it (then leave it where it is)."""
    try:
        async with session.begin_nested():
            identities.add(
                CustomerIdentity(
                    workspace_id=customer.workspace_id,
                    customer_id=customer.id,
                    kind=kind,
                    value=value,
                    verified=verified,
                )
            )
    except IntegrityError:
        return False
    return True


async def customers_by_id(
    session: AsyncSession, workspace_id: str, customer_ids: Collection[str]
) -> dict[str, Customer]:
    """The workspace's customers among ``customer_ids``, by id (others are left out)."""
    found = await CustomerRepository(session, workspace_id).by_ids(customer_ids)
    return {customer.id: customer for customer in found}


async def get_customer(session: AsyncSession, workspace_id: str, customer_id: str) -> Customer:
    return await CustomerRepository(session, workspace_id).get_or_404(customer_id)


async def verified_on_channel(
    session: AsyncSession, workspace_id: str, customer_id: str, channel_id: str
) -> bool:
    """Whether the channel vouched for the customer on it (``SenderHandle.verified``)."""
    prefix = channel_handle(channel_id, "")
    return any(
        identity.kind == IdentityKind.CHANNEL
        and identity.verified
        and identity.value.startswith(prefix)
        for identity in await IdentityRepository(session, workspace_id).of_customer(customer_id)
    )


async def channel_handle_of(
    session: AsyncSession, workspace_id: str, customer_id: str, channel_id: str
) -> str | None:
    """The customer's external id on a channel (whom to send a reply to), if they have one."""
    prefix = channel_handle(channel_id, "")
    value = await IdentityRepository(session, workspace_id).value_for(
        customer_id, IdentityKind.CHANNEL, prefix
    )
    return value[len(prefix) :] if value is not None else None


# --- the 360: search, traits, consents ------------------------------------------------------


def search_values(q: str, default_region: str | None = None) -> list[str]:
    """Every normalised form ``q`` could take as an identifier (email, phone, handle, id)."""
    values = {q.strip()}
    with contextlib.suppress(ValueError):
        values.add(normalise_email(q))
    with contextlib.suppress(ValueError):
        values.add(normalise_phone(q, default_region))
    return sorted(v for v in values if v)


async def search_customers(
    session: AsyncSession, workspace_id: str, q: str | None, cursor: str | None, limit: int
) -> tuple[list[Customer], str | None]:
    """Live profiles, newest first; with ``q``, those with a matching identifier or name."""
    after = decode_time_cursor(cursor) if cursor else None
    values = search_values(q) if q else []
    name_part = q.strip() if q and q.strip() else None
    rows = list(
        await Customer360Repository(session, workspace_id).search(values, name_part, after, limit)
    )
    next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id) if len(rows) == limit else None
    return rows, next_cursor


async def identities_of(
    session: AsyncSession, workspace_id: str, customer_id: str
) -> list[CustomerIdentity]:
    return list(await IdentityRepository(session, workspace_id).of_customer(customer_id))


async def consents_of(session: AsyncSession, workspace_id: str, customer_id: str) -> list[Consent]:
    return list(await ConsentRepository(session, workspace_id).of_customer(customer_id))


async def segments_of(
    session: AsyncSession, workspace_id: str, customer_id: str
) -> list[tuple[Segment, datetime]]:
    return await Customer360Repository(session, workspace_id).segments_of(customer_id)


async def update_traits(
    session: AsyncSession,
    workspace_id: str,
    customer_id: str,
    changes: dict[str, Any],
    *,
    protection: MergeProtection = DEFAULT_PROTECTION,
) -> Customer:
    """Set the given traits (already syntax-checked); a new email or phone becomes an identity.

    The phone is normalised to E.164 with the profile's country as the default region. A
    blocked placeholder is refused (422); an identifier another profile holds stays with it.
    """
    customer = await live_customer(session, workspace_id, customer_id)
    if changes.get("email") is not None:
        changes["email"] = normalise_email(changes["email"])
        if protection.is_blocked(IdentityKind.EMAIL, changes["email"]):
            raise InvalidInput.field("body.email", "is a blocked placeholder address")
    if changes.get("phone") is not None:
        region = changes.get("country") or customer.country
        try:
            changes["phone"] = normalise_phone(changes["phone"], region)
        except ValueError as exc:
            raise InvalidInput.field("body.phone", "is not a phone number") from exc
        if protection.is_blocked(IdentityKind.PHONE, changes["phone"]):
            raise InvalidInput.field("body.phone", "is a blocked placeholder number")
    for name in ("tags", "attributes"):
        if name in changes and changes[name] is None:
            changes[name] = [] if name == "tags" else {}
    for name, value in changes.items():
        setattr(customer, name, value)
    if changes.get("email"):
        await attach_identity(session, customer, IdentityKind.EMAIL, changes["email"])
    if changes.get("phone"):
        await attach_identity(session, customer, IdentityKind.PHONE, changes["phone"])
    await session.flush()
    return customer


async def set_consent(
    session: AsyncSession,
    workspace_id: str,
    customer_id: str,
    purpose: str,
    status: ConsentStatus,
    source: str | None,
) -> Consent:
    """The customer's current answer for ``purpose`` (one row per purpose, updated in place)."""
    customer = await live_customer(session, workspace_id, customer_id)
    consents = ConsentRepository(session, workspace_id)
    consent = await consents.for_purpose(customer.id, purpose)
    if consent is None:
        consent = consents.add(
            Consent(
                workspace_id=workspace_id,
                customer_id=customer.id,
                purpose=purpose,
                status=status,
                source=source,
                recorded_at=utcnow(),
            )
        )
    else:
        consent.status, consent.source, consent.recorded_at = status, source, utcnow()
    await session.flush()
    return consent
