from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, tuple_

from deskpilot.kit.repository import WorkspaceRepository
from deskpilot.models import Customer, CustomerIdentity, IdentityKind


class CustomerRepository(WorkspaceRepository[Customer]):
    model = Customer
    label = "customer"


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
