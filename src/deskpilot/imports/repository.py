"""SQL of imports: import jobs, and the batched look-ups and writes of an import.

An import is a bulk writer of customers, identities and orders: it reads and writes them a
batch at a time here instead of row by row through the customers' service.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select, tuple_

from deskpilot.kit.repository import WorkspaceRepository
from deskpilot.models import Customer, CustomerIdentity, IdentityKind, ImportJob, Order

Key = tuple[IdentityKind, str]


class ImportRepository(WorkspaceRepository[ImportJob]):
    model = ImportJob
    label = "import"

    async def succeeded_with_filename(self, filename: str) -> bool:
        query = self.select().where(ImportJob.filename == filename, ImportJob.status == "succeeded")
        return (await self.session.scalars(query.limit(1))).first() is not None


class ImportWrites:
    """The batched reads and writes of one import, all scoped to the workspace."""

    def __init__(self, repository: ImportRepository) -> None:
        self.session = repository.session
        self.workspace_id = repository.workspace_id

    async def owners(self, keys: Iterable[Key]) -> dict[Key, str]:
        """The customer that owns each identity among ``keys`` (absent keys are unknown)."""
        wanted = list(set(keys))
        found: dict[Key, str] = {}
        for start in range(0, len(wanted), 500):  # keeps the IN list small on every database
            query = select(
                CustomerIdentity.kind, CustomerIdentity.value, CustomerIdentity.customer_id
            ).where(
                CustomerIdentity.workspace_id == self.workspace_id,
                tuple_(CustomerIdentity.kind, CustomerIdentity.value).in_(
                    wanted[start : start + 500]
                ),
            )
            for kind, value, customer_id in await self.session.execute(query):
                found[(kind, value)] = customer_id
        return found

    async def customers(self, ids: Iterable[str]) -> dict[str, Customer]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        query = select(Customer).where(
            Customer.workspace_id == self.workspace_id, Customer.id.in_(wanted)
        )
        return {c.id: c for c in await self.session.scalars(query)}

    async def orders(self, external_ids: Iterable[str]) -> dict[str, Order]:
        wanted = list(set(external_ids))
        if not wanted:
            return {}
        query = select(Order).where(
            Order.workspace_id == self.workspace_id, Order.external_id.in_(wanted)
        )
        return {o.external_id: o for o in await self.session.scalars(query)}

    def add(self, rows: Sequence[Customer | CustomerIdentity | Order]) -> None:
        for row in rows:
            if row.workspace_id != self.workspace_id:
                raise ValueError("an imported row must belong to the import's workspace")
        self.session.add_all(rows)

    async def flush_and_forget(self, rows: Iterable[Customer | CustomerIdentity | Order]) -> None:
        """Write the batch, then drop it from the session so memory stays flat over the file."""
        await self.session.flush()
        for row in rows:
            if row in self.session:
                self.session.expunge(row)
