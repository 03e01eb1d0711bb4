from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.repository import WorkspaceRepository
from deskpilot.models import (
    Consent,
    Conversation,
    Customer,
    CustomerEvent,
    CustomerIdentity,
    CustomerMerge,
    IdentityKind,
    MatchReview,
    Message,
    Order,
    ReviewStatus,
    Segment,
    SegmentMembership,
)

TimeKey = tuple[datetime, str]  # a keyset position: (timestamp, id)


class CustomerRepository(WorkspaceRepository[Customer]):
    model = Customer
    label = "customer"

    async def by_ids(self, customer_ids: Collection[str]) -> Sequence[Customer]:
        if not customer_ids:
            return []
        return await self.all(self.select().where(Customer.id.in_(customer_ids)))


class IdentityRepository(WorkspaceRepository[CustomerIdentity]):
    model = CustomerIdentity
    label = "identity"

    async def matching(
        self, keys: Sequence[tuple[IdentityKind, str]]
    ) -> Sequence[CustomerIdentity]:
        if not keys:
            return []
        query = self.select().where(
            tuple_(CustomerIdentity.kind, CustomerIdentity.value).in_(list(keys))
        )
        return await self.all(query)

    async def of_customer(self, customer_id: str) -> Sequence[CustomerIdentity]:
        return await self.all(
            self.select()
            .where(CustomerIdentity.customer_id == customer_id)
            .order_by(CustomerIdentity.kind, CustomerIdentity.value)
        )

    async def value_for(self, customer_id: str, kind: IdentityKind, prefix: str) -> str | None:
        """The customer's identity of ``kind`` starting with ``prefix`` (a channel handle)."""
        query = (
            select(CustomerIdentity.value)
            .where(
                CustomerIdentity.workspace_id == self.workspace_id,
                CustomerIdentity.customer_id == customer_id,
                CustomerIdentity.kind == kind,
                CustomerIdentity.value.startswith(prefix, autoescape=True),
            )
            .order_by(CustomerIdentity.created_at.desc())
            .limit(1)
        )
        return (await self.session.scalars(query)).first()


# --- Customer 360: merge protection, merges, reviews, events, search, timeline -------------


def _before(query: Select[Any], at: Any, key: Any, after: TimeKey | None) -> Any:
    """Keyset condition: rows strictly older than ``after`` in (time, id) order, newest first."""
    if after is not None:
        stamp, last_id = after
        query = query.where(or_(at < stamp, and_(at == stamp, key < last_id)))
    return query.order_by(at.desc(), key.desc())


class Customer360Repository(WorkspaceRepository[Customer]):
    """Profile queries of the 360: protection counts, search, moves between profiles."""

    model = Customer
    label = "customer"

    async def profiles_carrying(self, kind: IdentityKind, value: str) -> int:
        """How many live profiles carry ``value``: as the identity, or as email/phone trait."""
        owner = select(CustomerIdentity.customer_id).where(
            CustomerIdentity.workspace_id == self.workspace_id,
            CustomerIdentity.kind == kind,
            CustomerIdentity.value == value,
        )
        carrying: list[ColumnElement[bool]] = [Customer.id.in_(owner)]
        if kind == IdentityKind.EMAIL:
            carrying.append(Customer.email == value)
        elif kind == IdentityKind.PHONE:
            carrying.append(Customer.phone == value)
        query = select(func.count(Customer.id)).where(
            Customer.workspace_id == self.workspace_id,
            Customer.merged_into_id.is_(None),
            or_(*carrying),
        )
        return int((await self.session.scalar(query)) or 0)

    async def search(
        self, values: Sequence[str], name_part: str | None, after: TimeKey | None, limit: int
    ) -> Sequence[Customer]:
        """Live profiles with any identity in ``values`` or a name containing ``name_part``."""
        query = self.select().where(Customer.merged_into_id.is_(None))
        found: list[ColumnElement[bool]] = []
        if values:
            found.append(
                Customer.id.in_(
                    select(CustomerIdentity.customer_id).where(
                        CustomerIdentity.workspace_id == self.workspace_id,
                        CustomerIdentity.value.in_(list(values)),
                    )
                )
            )
        if name_part:
            found.append(func.lower(Customer.name).contains(name_part.lower(), autoescape=True))
        if found:
            query = query.where(or_(*found))
        query = _before(query, Customer.created_at, Customer.id, after)
        return await self.all(query.limit(limit))

    async def ids_of(self, model: type[Any], customer_id: str) -> list[str]:
        query = select(model.id).where(
            model.workspace_id == self.workspace_id, model.customer_id == customer_id
        )
        return sorted((await self.session.scalars(query)).all())

    async def reassign(
        self, model: type[Any], ids: Sequence[str], from_id: str, to_id: str
    ) -> None:
        """Point the rows ``ids`` of ``model`` that belong to ``from_id`` at ``to_id``."""
        if not ids:
            return
        await self.session.execute(
            update(model)
            .where(
                model.workspace_id == self.workspace_id,
                model.id.in_(list(ids)),
                model.customer_id == from_id,
            )
            .values(customer_id=to_id)
            .execution_options(synchronize_session="fetch")
        )

    async def segments_of(self, customer_id: str) -> list[tuple[Segment, datetime]]:
        query = (
            select(Segment, SegmentMembership.since)
            .join(SegmentMembership, SegmentMembership.segment_id == Segment.id)
            .where(
                SegmentMembership.workspace_id == self.workspace_id,
                Segment.workspace_id == self.workspace_id,
                SegmentMembership.customer_id == customer_id,
            )
            .order_by(Segment.name)
        )
        return [(row[0], row[1]) for row in await self.session.execute(query)]


class ConsentRepository(WorkspaceRepository[Consent]):
    model = Consent
    label = "consent"

    async def of_customer(self, customer_id: str) -> Sequence[Consent]:
        return await self.all(
            self.select().where(Consent.customer_id == customer_id).order_by(Consent.purpose)
        )

    async def for_purpose(self, customer_id: str, purpose: str) -> Consent | None:
        query = self.select().where(Consent.customer_id == customer_id, Consent.purpose == purpose)
        return (await self.session.scalars(query.order_by(Consent.recorded_at.desc()))).first()


class MergeRepository(WorkspaceRepository[CustomerMerge]):
    model = CustomerMerge
    label = "merge"

    async def active_into(self, survivor_id: str) -> Sequence[CustomerMerge]:
        """Merges into ``survivor_id`` that are not undone, newest first."""
        query = self.select().where(
            CustomerMerge.survivor_id == survivor_id, CustomerMerge.undone_at.is_(None)
        )
        return await self.all(query.order_by(CustomerMerge.created_at.desc()))


class ReviewRepository(WorkspaceRepository[MatchReview]):
    model = MatchReview
    label = "match review"

    async def for_pair(self, a_id: str, b_id: str) -> MatchReview | None:
        query = self.select().where(
            MatchReview.customer_a_id == a_id, MatchReview.customer_b_id == b_id
        )
        return (await self.session.scalars(query)).one_or_none()

    async def page(
        self, status: ReviewStatus | None, after: TimeKey | None, limit: int
    ) -> Sequence[MatchReview]:
        query = self.select()
        if status is not None:
            query = query.where(MatchReview.status == status)
        query = _before(query, MatchReview.created_at, MatchReview.id, after)
        return await self.all(query.limit(limit))

    async def pending_between(self, ids: Sequence[str]) -> Sequence[MatchReview]:
        query = self.select().where(
            MatchReview.status == ReviewStatus.PENDING,
            MatchReview.customer_a_id.in_(list(ids)),
            MatchReview.customer_b_id.in_(list(ids)),
        )
        return await self.all(query)


class EventRepository(WorkspaceRepository[CustomerEvent]):
    model = CustomerEvent
    label = "event"

    async def seen_message_ids(self, message_ids: Sequence[str]) -> set[str]:
        if not message_ids:
            return set()
        query = select(CustomerEvent.message_id).where(
            CustomerEvent.workspace_id == self.workspace_id,
            CustomerEvent.message_id.in_(list(message_ids)),
        )
        return set((await self.session.scalars(query)).all())

    async def owner_of_anonymous(self, anonymous_id: str) -> str | None:
        """The profile an anonymous id was attached to by an earlier identify, if any."""
        query = (
            select(CustomerEvent.customer_id)
            .where(
                CustomerEvent.workspace_id == self.workspace_id,
                CustomerEvent.anonymous_id == anonymous_id,
                CustomerEvent.customer_id.is_not(None),
            )
            .order_by(CustomerEvent.received_at.desc())
            .limit(1)
        )
        return (await self.session.scalars(query)).first()

    async def attach_anonymous(self, anonymous_id: str, customer_id: str) -> None:
        """Give the anonymous id's unattached events to ``customer_id``."""
        await self.session.execute(
            update(CustomerEvent)
            .where(
                CustomerEvent.workspace_id == self.workspace_id,
                CustomerEvent.anonymous_id == anonymous_id,
                CustomerEvent.customer_id.is_(None),
            )
            .values(customer_id=customer_id)
            .execution_options(synchronize_session="fetch")
        )


class TimelineRepository:
    """The rows of one profile's timeline, each source newest first from a (time, id) key."""

    def __init__(self, session: AsyncSession, workspace_id: str) -> None:
        self.session = session
        self.workspace_id = workspace_id

    async def conversations(
        self, customer_id: str, after: TimeKey | None, limit: int
    ) -> Sequence[Conversation]:
        query = select(Conversation).where(
            Conversation.workspace_id == self.workspace_id,
            Conversation.customer_id == customer_id,
        )
        query = _before(query, Conversation.created_at, Conversation.id, after)
        return (await self.session.scalars(query.limit(limit))).all()

    async def messages(
        self, customer_id: str, after: TimeKey | None, limit: int
    ) -> Sequence[Message]:
        """Messages the customer can see: every message but private notes."""
        query = (
            select(Message)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(
                Message.workspace_id == self.workspace_id,
                Conversation.workspace_id == self.workspace_id,
                Conversation.customer_id == customer_id,
                Message.is_private.is_(False),
            )
        )
        query = _before(query, Message.created_at, Message.id, after)
        return (await self.session.scalars(query.limit(limit))).all()

    async def orders(self, customer_id: str, after: TimeKey | None, limit: int) -> Sequence[Order]:
        at = func.coalesce(Order.placed_at, Order.created_at)
        query = select(Order).where(
            Order.workspace_id == self.workspace_id, Order.customer_id == customer_id
        )
        query = _before(query, at, Order.id, after)
        return (await self.session.scalars(query.limit(limit))).all()

    async def events(
        self, customer_id: str, after: TimeKey | None, limit: int
    ) -> Sequence[CustomerEvent]:
        query = select(CustomerEvent).where(
            CustomerEvent.workspace_id == self.workspace_id,
            CustomerEvent.customer_id == customer_id,
        )
        query = _before(query, CustomerEvent.occurred_at, CustomerEvent.id, after)
        return (await self.session.scalars(query.limit(limit))).all()
