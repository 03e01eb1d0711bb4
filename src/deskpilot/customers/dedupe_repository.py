"""SQL of the probabilistic deduplication: live profiles in keyset batches, and their contacts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.repository import WorkspaceRepository
from deskpilot.models import Customer, CustomerIdentity, IdentityKind


@dataclass(frozen=True, slots=True)
class ProfileRow:
    """The fields of one live profile that the matcher reads (no ORM object is kept)."""

    id: str
    created_at: datetime
    name: str | None
    date_of_birth: date | None
    email: str | None
    phone: str | None
    city: str | None
    address: str | None
    postcode: str | None
    emails: tuple[str, ...]  # email identities, sorted
    phones: tuple[str, ...]  # phone identities, sorted


class DedupeRepository(WorkspaceRepository[Customer]):
    model = Customer
    label = "customer"

    async def live_profiles(self, batch_size: int = 1000) -> AsyncIterator[list[ProfileRow]]:
        """Live profiles (``merged_into_id`` is null), oldest first, ``batch_size`` at a time.

        Keyset paging on ``(created_at, id)``: each batch is one short query for the profiles
        and one for their email and phone identities; no ORM objects stay in the session.
        """
        after: tuple[datetime, str] | None = None
        columns = (
            Customer.id, Customer.created_at, Customer.name, Customer.date_of_birth,
            Customer.email, Customer.phone, Customer.city, Customer.address, Customer.postcode,
        )  # fmt: skip
        while True:
            query = (
                select(*columns)
                .where(Customer.workspace_id == self.workspace_id)
                .where(Customer.merged_into_id.is_(None))
                .order_by(Customer.created_at, Customer.id)
                .limit(batch_size)
            )
            if after is not None:
                at, last_id = after
                query = query.where(
                    or_(
                        Customer.created_at > at,
                        and_(Customer.created_at == at, Customer.id > last_id),
                    )
                )
            rows = (await self.session.execute(query)).all()
            if not rows:
                return
            contacts = await self._contacts([r.id for r in rows])
            yield [
                ProfileRow(
                    id=r.id,
                    created_at=r.created_at,
                    name=r.name,
                    date_of_birth=r.date_of_birth,
                    email=r.email,
                    phone=r.phone,
                    city=r.city,
                    address=r.address,
                    postcode=r.postcode,
                    emails=tuple(sorted(contacts.get((r.id, IdentityKind.EMAIL), []))),
                    phones=tuple(sorted(contacts.get((r.id, IdentityKind.PHONE), []))),
                )
                for r in rows
            ]
            if len(rows) < batch_size:
                return
            after = (rows[-1].created_at, rows[-1].id)

    async def _contacts(
        self, customer_ids: Sequence[str]
    ) -> dict[tuple[str, IdentityKind], list[str]]:
        query = select(
            CustomerIdentity.customer_id, CustomerIdentity.kind, CustomerIdentity.value
        ).where(
            CustomerIdentity.workspace_id == self.workspace_id,
            CustomerIdentity.customer_id.in_(customer_ids),
            CustomerIdentity.kind.in_([IdentityKind.EMAIL, IdentityKind.PHONE]),
        )
        out: dict[tuple[str, IdentityKind], list[str]] = {}
        for customer_id, kind, value in (await self.session.execute(query)).all():
            out.setdefault((customer_id, kind), []).append(value)
        return out


async def workspaces_with_profiles(session: AsyncSession) -> list[str]:
    """Ids of the workspaces that have live profiles (for a run over every workspace)."""
    query = select(Customer.workspace_id).where(Customer.merged_into_id.is_(None)).distinct()
    return sorted(await session.scalars(query))
