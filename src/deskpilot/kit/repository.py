"""Repository bases: the only place with SQL. Workspace repositories scope every query."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from deskpilot.kit.db import Base
from deskpilot.kit.errors import NotFound


class WorkspaceOwned(Protocol):
    workspace_id: Any
    id: Any


M = TypeVar("M", bound=Base)
T = TypeVar("T")


def newest_first(
    query: Select[T],
    created_at: InstrumentedAttribute[datetime],
    record_id: InstrumentedAttribute[str],
    after: tuple[datetime, str] | None,
) -> Select[T]:
    """``query`` newest first (ties by id), from after the cursor ``after`` = the
    ``(created_at, id)`` of the previous page's last row: keyset paging."""
    if after is not None:
        stamp, last_id = after
        query = query.where(or_(created_at < stamp, and_(created_at == stamp, record_id < last_id)))
    return query.order_by(created_at.desc(), record_id.desc())


class Repository(Generic[M]):
    model: ClassVar[type[Any]]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, instance: M) -> M:
        self.session.add(instance)
        return instance

    async def flush(self) -> None:
        await self.session.flush()

    async def delete(self, instance: M) -> None:
        await self.session.delete(instance)


class WorkspaceRepository(Repository[M]):
    """Rows of one workspace. ``select()`` is the only way to start a query here."""

    label: ClassVar[str] = "record"

    def __init__(self, session: AsyncSession, workspace_id: str) -> None:
        super().__init__(session)
        self.workspace_id = workspace_id

    def select(self) -> Select[M]:
        column: InstrumentedAttribute[str] = self.model.workspace_id
        return select(self.model).where(column == self.workspace_id)

    async def get(self, record_id: str) -> M | None:
        """By primary key: from the session's identity map when this transaction has the row
        already (no round trip), else one query; a row of another workspace is None."""
        found: M | None = await self.session.get(self.model, record_id)
        if found is None or getattr(found, "workspace_id", None) != self.workspace_id:
            return None
        return found

    async def get_or_404(self, record_id: str) -> M:
        """The record, or NotFound: a record of another workspace does not exist for the caller."""
        record = await self.get(record_id)
        if record is None:
            raise NotFound.of(self.label, record_id)
        return record

    async def all(self, query: Select[M] | None = None) -> Sequence[M]:
        return (await self.session.scalars(query if query is not None else self.select())).all()

    def add(self, instance: M) -> M:
        if getattr(instance, "workspace_id", None) != self.workspace_id:
            raise ValueError("a record added through a workspace repository must belong to it")
        return super().add(instance)
