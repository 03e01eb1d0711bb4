"""All the SQL of segments: the segments, their memberships, and rule conditions run over
``customers`` (see rules.compile_rule)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.repository import WorkspaceRepository
from deskpilot.models import Customer, Segment, SegmentMembership


class SegmentRepository(WorkspaceRepository[Segment]):
    model = Segment
    label = "segment"

    async def by_name(self, name: str) -> Segment | None:
        return (await self.session.scalars(self.select().where(Segment.name == name))).first()

    async def ordered(self) -> Sequence[Segment]:
        return await self.all(self.select().order_by(Segment.name, Segment.id))

    async def ids(self, segment_ids: set[str]) -> set[str]:
        if not segment_ids:
            return set()
        query = select(Segment.id).where(
            Segment.workspace_id == self.workspace_id, Segment.id.in_(segment_ids)
        )
        return set((await self.session.scalars(query)).all())

    async def member_counts(self, segment_ids: Sequence[str]) -> dict[str, int]:
        if not segment_ids:
            return {}
        query = (
            select(SegmentMembership.segment_id, func.count(SegmentMembership.id))
            .where(
                SegmentMembership.workspace_id == self.workspace_id,
                SegmentMembership.segment_id.in_(segment_ids),
            )
            .group_by(SegmentMembership.segment_id)
        )
        return {segment_id: count for segment_id, count in (await self.session.execute(query))}


class MembershipRepository(WorkspaceRepository[SegmentMembership]):
    model = SegmentMembership
    label = "membership"

    async def of_customers(
        self, segment_id: str, customer_ids: Sequence[str]
    ) -> dict[str, SegmentMembership]:
        if not customer_ids:
            return {}
        query = self.select().where(
            SegmentMembership.segment_id == segment_id,
            SegmentMembership.customer_id.in_(customer_ids),
        )
        return {m.customer_id: m for m in await self.all(query)}

    async def segment_ids_of(self, customer_id: str) -> list[str]:
        query = select(SegmentMembership.segment_id).where(
            SegmentMembership.workspace_id == self.workspace_id,
            SegmentMembership.customer_id == customer_id,
        )
        return list((await self.session.scalars(query)).all())

    async def segments_of(self, customer_id: str) -> list[tuple[Segment, datetime]]:
        query = (
            select(Segment, SegmentMembership.since)
            .join(Segment, Segment.id == SegmentMembership.segment_id)
            .where(
                SegmentMembership.workspace_id == self.workspace_id,
                Segment.workspace_id == self.workspace_id,
                SegmentMembership.customer_id == customer_id,
            )
            .order_by(Segment.name, Segment.id)
        )
        return [(segment, since) for segment, since in (await self.session.execute(query)).all()]

    async def remove(self, memberships: Sequence[SegmentMembership]) -> None:
        if memberships:
            await self.session.execute(
                delete(SegmentMembership).where(
                    SegmentMembership.workspace_id == self.workspace_id,
                    SegmentMembership.id.in_([m.id for m in memberships]),
                )
            )

    async def remove_segment(self, segment_id: str) -> None:
        await self.session.execute(
            delete(SegmentMembership).where(
                SegmentMembership.workspace_id == self.workspace_id,
                SegmentMembership.segment_id == segment_id,
            )
        )

    async def members_page(
        self, segment_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[tuple[SegmentMembership, Customer]]:
        """Newest members first, keyset on (since, membership id)."""
        query = (
            select(SegmentMembership, Customer)
            .join(Customer, Customer.id == SegmentMembership.customer_id)
            .where(
                SegmentMembership.workspace_id == self.workspace_id,
                SegmentMembership.segment_id == segment_id,
                Customer.workspace_id == self.workspace_id,
            )
            .order_by(SegmentMembership.since.desc(), SegmentMembership.id.desc())
            .limit(limit)
        )
        if after is not None:
            since, membership_id = after
            query = query.where(
                (SegmentMembership.since < since)
                | ((SegmentMembership.since == since) & (SegmentMembership.id < membership_id))
            )
        return [(m, c) for m, c in (await self.session.execute(query)).all()]


class AudienceRepository:
    """Customers of one workspace that a compiled rule condition selects.

    Merged-away profiles (``merged_into_id`` set) belong to no segment.
    """

    def __init__(self, session: AsyncSession, workspace_id: str) -> None:
        self.session = session
        self.workspace_id = workspace_id

    def _live(self) -> list[ColumnElement[bool]]:
        return [Customer.workspace_id == self.workspace_id, Customer.merged_into_id.is_(None)]

    async def matching_among(
        self, condition: ColumnElement[bool], customer_ids: Sequence[str]
    ) -> set[str]:
        if not customer_ids:
            return set()
        query = select(Customer.id).where(*self._live(), Customer.id.in_(customer_ids), condition)
        return set((await self.session.scalars(query)).all())

    async def count(self, condition: ColumnElement[bool]) -> int:
        query = select(func.count(Customer.id)).where(*self._live(), condition)
        return int((await self.session.scalar(query)) or 0)

    async def sample(self, condition: ColumnElement[bool], limit: int) -> Sequence[Customer]:
        query = (
            select(Customer)
            .where(*self._live(), condition)
            .order_by(Customer.created_at.desc(), Customer.id.desc())
            .limit(limit)
        )
        return (await self.session.scalars(query)).all()

    async def customer_ids_after(self, after_id: str | None, limit: int) -> list[str]:
        """A batch of the workspace's customers (every one, merged too: they may need to
        leave), in id order."""
        query = (
            select(Customer.id)
            .where(Customer.workspace_id == self.workspace_id)
            .order_by(Customer.id)
            .limit(limit)
        )
        if after_id is not None:
            query = query.where(Customer.id > after_id)
        return list((await self.session.scalars(query)).all())

    async def existing(self, customer_ids: Sequence[str]) -> set[str]:
        if not customer_ids:
            return set()
        query = select(Customer.id).where(
            Customer.workspace_id == self.workspace_id, Customer.id.in_(customer_ids)
        )
        return set((await self.session.scalars(query)).all())
