"""The Segment-compatible events API: identify, track, page, alias and batch.

* ``identify`` finds the profile by ``userId`` (an ``external`` identity), then by
  ``traits.email`` and ``traits.phone`` under merge protection, then by the ``anonymousId``'s
  earlier events; it creates one when nothing matches, sets the traits it knows (``name`` or
  ``firstName``/``lastName``, ``email``, ``phone``, ``address.city``/``postalCode``/``country``/
  ``street``, ``birthday``, ``language``) and keeps the rest in ``attributes``. An identifier
  that belongs to another profile is not moved: the pair goes to the review queue.
* ``track`` and ``page`` attach the event to the ``userId``'s profile (created if new) or to
  the profile the ``anonymousId`` was identified as; otherwise the event is kept anonymous and
  attached when that anonymous id is identified later.
* ``alias`` links ``previousId`` to ``userId``: anonymous events move to the known profile, and
  a separate profile under ``previousId`` is merged into it when that is safe (it has no email or
  phone of its own), else queued for review.
* ``messageId`` deduplicates: a call whose ``messageId`` was seen changes nothing.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, date
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.customers import service
from deskpilot.customers.identity import normalise_email, normalise_phone
from deskpilot.customers.merging import merge_customers
from deskpilot.customers.protection import DEFAULT_PROTECTION
from deskpilot.customers.repository import (
    CustomerRepository,
    EventRepository,
    IdentityRepository,
)
from deskpilot.customers.schemas import (
    CALL_TYPES,
    AliasCall,
    AnyCall,
    BatchRequest,
    IdentifyCall,
    PageCall,
    TrackCall,
    checked_country,
    checked_language,
)
from deskpilot.kit.clock import utcnow
from deskpilot.kit.errors import InvalidInput, field_errors
from deskpilot.models import Customer, CustomerEvent, IdentityKind

IDENTIFY_CONFLICT_SCORE = 0.9  # review score of a pair that identify's identifiers split


def parse_batch(body: BatchRequest) -> list[AnyCall]:
    """Every item checked, so one bad item is a 422 naming its index and nothing is stored."""
    calls: list[AnyCall] = []
    for index, item in enumerate(body.batch):
        prefix = f"body.batch.{index}"
        model = CALL_TYPES.get(str(item.get("type")))
        if model is None:
            raise InvalidInput.field(
                f"{prefix}.type", f"must be one of {', '.join(sorted(CALL_TYPES))}"
            )
        try:
            call: AnyCall = model.model_validate(item)  # type: ignore[assignment]
        except ValidationError as exc:
            raise InvalidInput.of(field_errors(exc.errors(), prefix)) from exc
        call.context = {**body.context, **call.context}
        _check_ids(call, prefix)
        calls.append(call)
    return calls


def _check_ids(call: AnyCall, prefix: str) -> None:
    if isinstance(call, AliasCall) and call.user_id is None:
        raise InvalidInput.field(f"{prefix}.userId", "alias needs the userId to link to")
    if call.user_id is None and call.anonymous_id is None:
        raise InvalidInput.field(f"{prefix}.userId", "userId or anonymousId is required")


async def ingest(
    session: AsyncSession, workspace_id: str, calls: list[AnyCall], prefix: str = "body"
) -> int:
    """Apply the calls in order; the number applied (duplicates by messageId are skipped)."""
    if len(calls) == 1:
        _check_ids(calls[0], prefix)
    events = EventRepository(session, workspace_id)
    seen = await events.seen_message_ids([c.message_id for c in calls if c.message_id])
    applied = 0
    for call in calls:
        message_id = call.message_id or f"dp-{uuid.uuid4()}"
        if message_id in seen:
            continue
        seen.add(message_id)
        customer = await _apply(session, workspace_id, call)
        if await _record(session, events, call, message_id, customer):
            applied += 1
    return applied


async def _apply(session: AsyncSession, workspace_id: str, call: AnyCall) -> Customer | None:
    if isinstance(call, IdentifyCall):
        customer: Customer | None = await _identify(session, workspace_id, call)
    elif isinstance(call, AliasCall):
        customer = await _alias(session, workspace_id, call)
    else:
        customer = await _profile_of(session, workspace_id, call.user_id, call.anonymous_id)
    if customer is not None and call.anonymous_id is not None:
        await EventRepository(session, workspace_id).attach_anonymous(
            call.anonymous_id, customer.id
        )
    return customer


async def _record(
    session: AsyncSession,
    events: EventRepository,
    call: AnyCall,
    message_id: str,
    customer: Customer | None,
) -> bool:
    """Store the event; False when a concurrent request stored the same messageId first."""
    if isinstance(call, IdentifyCall):
        name, properties = None, call.traits
    elif isinstance(call, TrackCall):
        name, properties = call.event, call.properties
    elif isinstance(call, PageCall):
        name = call.name or call.category
        properties = call.properties
    else:
        name, properties = None, {"previousId": call.previous_id}
    stamp = call.timestamp or utcnow()
    try:
        async with session.begin_nested():
            events.add(
                CustomerEvent(
                    workspace_id=events.workspace_id,
                    customer_id=customer.id if customer is not None else None,
                    anonymous_id=call.anonymous_id,
                    type=call.type,
                    name=name,
                    properties=properties,
                    context=call.context,
                    message_id=message_id,
                    occurred_at=stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC),
                    received_at=utcnow(),
                )
            )
    except IntegrityError:
        return False
    return True


async def _by_user_id(
    session: AsyncSession, workspace_id: str, user_id: str, *, create: bool
) -> Customer | None:
    customer = await service.owner_of(session, workspace_id, IdentityKind.EXTERNAL, user_id)
    if customer is None and create:
        customer = CustomerRepository(session, workspace_id).add(
            Customer(workspace_id=workspace_id)
        )
        await session.flush()
        await service.attach_identity(session, customer, IdentityKind.EXTERNAL, user_id)
    return customer


async def _by_anonymous_id(
    session: AsyncSession, workspace_id: str, anonymous_id: str
) -> Customer | None:
    owner_id = await EventRepository(session, workspace_id).owner_of_anonymous(anonymous_id)
    return await service.live_customer(session, workspace_id, owner_id) if owner_id else None


async def _profile_of(
    session: AsyncSession, workspace_id: str, user_id: str | None, anonymous_id: str | None
) -> Customer | None:
    if user_id is not None:
        return await _by_user_id(session, workspace_id, user_id, create=True)
    if anonymous_id is not None:
        return await _by_anonymous_id(session, workspace_id, anonymous_id)
    return None


def _identifiers(call: IdentifyCall) -> list[tuple[IdentityKind, str]]:
    keys: list[tuple[IdentityKind, str]] = []
    if call.user_id is not None:
        keys.append((IdentityKind.EXTERNAL, call.user_id))
    email, phone = call.traits.get("email"), call.traits.get("phone")
    if isinstance(email, str):
        with contextlib.suppress(ValueError):
            keys.append((IdentityKind.EMAIL, normalise_email(email)))
    if isinstance(phone, str):
        with contextlib.suppress(ValueError):
            keys.append((IdentityKind.PHONE, normalise_phone(phone)))
    return [(k, v) for k, v in keys if not DEFAULT_PROTECTION.is_blocked(k, v)]


async def _identify(session: AsyncSession, workspace_id: str, call: IdentifyCall) -> Customer:
    keys = _identifiers(call)
    owners: dict[tuple[IdentityKind, str], Customer] = {}
    for key in keys:
        owner = await service.owner_of(session, workspace_id, *key)
        if owner is not None:
            owners[key] = owner
    customer: Customer | None = None
    for key, owner in owners.items():
        if await service.may_match(session, workspace_id, *key):
            customer = owner
            break
    if customer is None and call.anonymous_id is not None:
        customer = await _by_anonymous_id(session, workspace_id, call.anonymous_id)
    if customer is None:
        customer = CustomerRepository(session, workspace_id).add(
            Customer(workspace_id=workspace_id)
        )
        await session.flush()
    _set_traits(customer, call.traits, keys)
    for (kind, value), owner in owners.items():
        if owner.id != customer.id and await service.may_match(session, workspace_id, kind, value):
            await service.propose_match(
                session,
                workspace_id,
                customer.id,
                owner.id,
                IDENTIFY_CONFLICT_SCORE,
                {"source": "identify", "identifier": {"kind": kind.value, "value": value}},
            )
    for kind, value in keys:
        if (kind, value) not in owners:
            await service.attach_identity(session, customer, kind, value)
    await session.flush()
    return customer


def _set_traits(
    customer: Customer, traits: dict[str, Any], keys: list[tuple[IdentityKind, str]]
) -> None:
    """Known traits onto their columns (invalid ones are kept as attributes), the rest too."""
    rest = dict(traits)
    name = rest.pop("name", None) or " ".join(
        str(part) for part in (traits.get("firstName"), traits.get("lastName")) if part
    )
    if isinstance(name, str) and name.strip():
        customer.name = name.strip()[:200]
    for kind, column in ((IdentityKind.EMAIL, "email"), (IdentityKind.PHONE, "phone")):
        value = next((v for k, v in keys if k == kind), None)
        if value is not None:
            setattr(customer, column, value)
            rest.pop(column, None)
    address = rest.get("address")
    if isinstance(address, dict):
        for field, column, limit in (
            ("city", "city", 120),
            ("postalCode", "postcode", 20),
            ("street", "address", 500),
        ):
            if isinstance(address.get(field), str):
                setattr(customer, column, address[field][:limit])
        if isinstance(address.get("country"), str):
            with contextlib.suppress(ValueError):
                customer.country = checked_country(address["country"])
    for field, column in (("language", "language"), ("locale", "locale")):
        if isinstance(rest.get(field), str):
            with contextlib.suppress(ValueError):
                setattr(customer, column, checked_language(rest[field]))
                rest.pop(field)
    if isinstance(rest.get("birthday"), str):
        with contextlib.suppress(ValueError):
            customer.date_of_birth = date.fromisoformat(rest["birthday"][:10])
            rest.pop("birthday")
    if rest:
        customer.attributes = {**customer.attributes, **rest}


async def _alias(session: AsyncSession, workspace_id: str, call: AliasCall) -> Customer:
    assert call.user_id is not None  # _check_ids
    known = await _by_user_id(session, workspace_id, call.user_id, create=True)
    assert known is not None
    previous = await _by_user_id(session, workspace_id, call.previous_id, create=False)
    if previous is None:
        previous = await _by_anonymous_id(session, workspace_id, call.previous_id)
    await EventRepository(session, workspace_id).attach_anonymous(call.previous_id, known.id)
    if previous is not None and previous.id != known.id:
        kinds = {
            i.kind for i in await IdentityRepository(session, workspace_id).of_customer(previous.id)
        }
        evidence = {"source": "alias", "previousId": call.previous_id, "userId": call.user_id}
        if kinds & {IdentityKind.EMAIL, IdentityKind.PHONE}:
            await service.propose_match(
                session, workspace_id, known.id, previous.id, IDENTIFY_CONFLICT_SCORE, evidence
            )
        else:
            await merge_customers(
                session, workspace_id, known.id, previous.id, reason="alias", evidence=evidence
            )
    return known
