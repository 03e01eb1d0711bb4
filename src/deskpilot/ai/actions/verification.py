"""Verifying who the customer is before any of their data is shown or changed.

Three ways, tried in this order, each enough by itself:

1. the channel verified the sender (a signed-in widget user, a verified email sender): the
   caller passes that customer id, trusted as is (followed to its live profile);
2. an email address plus an order id: the order must belong to the customer holding that email;
3. a full name plus a zip code: exactly one live customer has both. Two or more is ambiguous,
   and ambiguous is not verified.

Anything else (a name alone, an email alone, a customer id the customer typed) verifies nobody:
the policy asks for verification even when the customer states their id.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.customers import service as customers
from deskpilot.customers.identity import normalise_email
from deskpilot.kit.errors import NotFound
from deskpilot.models import Customer, IdentityKind
from deskpilot.orders import service as orders

SEARCH_PAGE = 100
MAX_CANDIDATES = 1000  # more profiles than this carrying the name: treated as ambiguous


@dataclass(frozen=True, slots=True)
class Claims:
    """What is known about who is writing: from the channel, or said in the conversation."""

    channel_customer_id: str | None = None  # verified by the channel: trusted
    email: str | None = None
    order_id: str | None = None
    name: str | None = None
    zip: str | None = None


async def verify(session: AsyncSession, workspace_id: str, claims: Claims) -> str | None:
    """The verified customer's (live) id, or None when the claims verify nobody (or several)."""
    if claims.channel_customer_id:
        with contextlib.suppress(NotFound):
            customer = await customers.live_customer(
                session, workspace_id, claims.channel_customer_id
            )
            return customer.id
    if claims.email and claims.order_id:
        found = await _by_email_and_order(session, workspace_id, claims.email, claims.order_id)
        if found is not None:
            return found
    if claims.name and claims.zip:
        return await _by_name_and_zip(session, workspace_id, claims.name, claims.zip)
    return None


async def _by_email_and_order(
    session: AsyncSession, workspace_id: str, email: str, order_id: str
) -> str | None:
    try:
        key = normalise_email(email)
    except ValueError:
        return None
    customer = await customers.owner_of(session, workspace_id, IdentityKind.EMAIL, key)
    order = await orders.find_order(session, workspace_id, order_id)
    if customer is None or order is None or order.customer_id is None:
        return None
    try:
        owner = await customers.live_customer(session, workspace_id, order.customer_id)
    except NotFound:
        return None
    return customer.id if owner.id == customer.id else None


def name_key(name: str) -> str:
    """Case, spacing and word order do not matter: ``brown  NOAH`` is ``Noah Brown``."""
    return " ".join(sorted(name.casefold().split()))


def zip_key(postcode: str) -> str:
    """``80279-1234`` and ``80279`` are the same US zip; spaces and dashes do not matter."""
    compact = re.sub(r"[\s-]", "", postcode).upper()
    if re.fullmatch(r"\d{9}", compact):
        return compact[:5]
    return compact


async def _by_name_and_zip(
    session: AsyncSession, workspace_id: str, name: str, postcode: str
) -> str | None:
    wanted_name, wanted_zip = name_key(name), zip_key(postcode)
    if not wanted_name or not wanted_zip:
        return None
    candidates = await _named_like(session, workspace_id, name)
    if candidates is None:
        return None
    matches = {
        c.id
        for c in candidates
        if c.name and c.postcode and name_key(c.name) == wanted_name
        if zip_key(c.postcode) == wanted_zip
    }
    return matches.pop() if len(matches) == 1 else None


async def _named_like(session: AsyncSession, workspace_id: str, name: str) -> list[Customer] | None:
    """Live profiles whose name contains the name's longest word; None when there are too many."""
    word = max(name.split(), key=len)
    found: list[Customer] = []
    cursor: str | None = None
    while True:
        page, cursor = await customers.search_customers(
            session, workspace_id, word, cursor, SEARCH_PAGE
        )
        found.extend(page)
        if cursor is None:
            return found
        if len(found) >= MAX_CANDIDATES:
            return None
