"""Importing customers and orders from files: streamed, upserted, all or nothing.

How it works (one pass, bounded memory):

- rows are read one at a time (``readers``), checked (``records``) and applied a batch at a
  time inside a SAVEPOINT of the caller's transaction; each written batch is flushed and dropped
  from the session, so memory does not grow with the file;
- at the first refused row the SAVEPOINT is rolled back: nothing of the import stays. The rest of
  the file is still read and checked (without writing) so that every bad row is reported;
- the ImportJob row is written before the SAVEPOINT, so it survives a failed import and records
  the counts and the first ``MAX_ERRORS`` errors.

Customers are matched by external id, then normalised email (Gmail dots and ``+tags``), then
phone (E.164, national numbers read in the row's country or the import's default region); a
customer not found is created with its identities. An identifier already owned by another
customer is left where it is (merging is the 360's decision, not an import's). Orders are upserted
by external id and linked to the customer their reference names; a reference to nobody is an
error of the row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.customers.dedupe import request_deduplication
from deskpilot.imports.readers import BrokenRow, FileError, FileFormat, Row, read_rows
from deskpilot.imports.records import (
    CustomerRecord,
    ImportKind,
    Mapper,
    OrderRecord,
    RowError,
    RowInvalid,
    customer_record,
    order_record,
    with_tracking,
)
from deskpilot.imports.repository import ImportRepository, ImportWrites, Key
from deskpilot.kit.clock import utcnow
from deskpilot.kit.errors import InvalidInput
from deskpilot.kit.ids import new_id
from deskpilot.models import Customer, CustomerIdentity, ImportJob, Order

BATCH_ROWS = 500
MAX_ERRORS = 100  # errors kept on the ImportJob; every refused row is counted

SUCCEEDED = "succeeded"
FAILED = "failed"


@dataclass(slots=True)
class _Progress:
    total: int = 0
    ok: int = 0
    failed: int = 0
    writing: bool = True
    errors: list[RowError] = field(default_factory=list)

    def refuse(self, errors: list[RowError]) -> None:
        self.failed += 1
        room = MAX_ERRORS - len(self.errors)
        if room > 0:
            self.errors.extend(errors[:room])


def mapper_for(kind: ImportKind, mapping: dict[str, str]) -> Mapper:
    """The mapping checked against the kind's fields; a wrong one is a 422 on ``mapping``."""
    try:
        return Mapper(kind, mapping)
    except ValueError as exc:
        raise InvalidInput.field("mapping", str(exc)) from None


async def import_file(
    session: AsyncSession,
    workspace_id: str,
    kind: ImportKind,
    stream: IO[bytes],
    file_format: FileFormat,
    mapping: dict[str, str],
    *,
    filename: str | None = None,
    default_region: str | None = None,
) -> ImportJob:
    return await import_rows(
        session,
        workspace_id,
        kind,
        read_rows(stream, file_format),
        mapping,
        filename=filename,
        default_region=default_region,
    )


async def import_rows(
    session: AsyncSession,
    workspace_id: str,
    kind: ImportKind,
    rows: Iterable[Row],
    mapping: dict[str, str],
    *,
    filename: str | None = None,
    default_region: str | None = None,
) -> ImportJob:
    """Import ``rows`` (any iterable, read once); the returned job says succeeded or failed."""
    mapper = mapper_for(kind, mapping)
    repository = ImportRepository(session, workspace_id)
    job = repository.add(
        ImportJob(
            id=new_id("imp"),
            workspace_id=workspace_id,
            kind=kind.value,
            status="running",
            filename=filename,
            mapping=dict(mapping),
            created_at=utcnow(),
        )
    )
    await repository.flush()
    job_id = job.id
    writes = ImportWrites(repository)
    progress = _Progress()
    batches = _batches(rows, BATCH_ROWS)
    try:
        try:
            async with session.begin_nested():  # SAVEPOINT: everything of the import, or nothing
                for batch in batches:
                    await _batch(writes, kind, batch, mapper, default_region, progress)
                    if progress.failed:
                        raise _Refused
        except _Refused:
            pass
        progress.writing = False
        for batch in batches:  # after a refusal: check the rest, write nothing
            await _batch(writes, kind, batch, mapper, default_region, progress)
    except FileError as exc:  # raised inside the SAVEPOINT, it rolled it back
        progress.refuse([RowError(progress.total + 1, "file", str(exc))])
    job = await repository.get_or_404(job_id)
    await session.refresh(job)
    job.status = FAILED if progress.failed else SUCCEEDED
    job.rows_total = progress.total
    job.rows_ok = progress.ok
    job.rows_failed = progress.failed
    job.errors = [{"row": e.row, "field": e.field, "reason": e.reason} for e in progress.errors]
    job.finished_at = utcnow()
    if job.status == SUCCEEDED and kind == ImportKind.CUSTOMERS:
        request_deduplication(session, workspace_id)  # runs once the import commits
    await repository.flush()
    return job


class _Refused(Exception):
    """A row was refused: leave the SAVEPOINT by rolling it back."""


async def _batch(
    writes: ImportWrites,
    kind: ImportKind,
    batch: list[Row],
    mapper: Mapper,
    default_region: str | None,
    progress: _Progress,
) -> None:
    records: list[Any] = []
    for number, raw in batch:
        progress.total += 1
        record = _check(kind, number, raw, mapper, default_region)
        if isinstance(record, list):
            progress.refuse(record)
        else:
            records.append(record)
    write = progress.writing and not progress.failed
    if kind is ImportKind.CUSTOMERS:
        refused = await _apply_customers(writes, records, write=write)
    else:
        refused = await _apply_orders(writes, records, write=write)
    rows = {e.row for e in refused}
    for row in sorted(rows):
        progress.refuse([e for e in refused if e.row == row])
    progress.ok += len(records) - len(rows)


def _batches(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _check(
    kind: ImportKind,
    number: int,
    raw: dict[str, Any] | BrokenRow,
    mapper: Mapper,
    default_region: str | None,
) -> CustomerRecord | OrderRecord | list[RowError]:
    if isinstance(raw, BrokenRow):
        return [RowError(number, "row", raw.reason)]
    try:
        if kind is ImportKind.CUSTOMERS:
            return customer_record(number, raw, mapper, default_region)
        return order_record(number, raw, mapper, default_region)
    except RowInvalid as exc:
        return [RowError(number, name, reason) for name, reason in exc.errors]


_PROFILE_FIELDS = (
    "name",
    "email",
    "phone",
    "language",
    "locale",
    "country",
    "date_of_birth",
    "city",
    "address",
    "postcode",
)


async def _apply_customers(
    writes: ImportWrites, records: list[CustomerRecord], *, write: bool
) -> list[RowError]:
    """Upsert a batch of customers (nothing in the database can refuse a checked customer)."""
    if not write or not records:
        return []
    owners = await writes.owners(key for r in records for key in r.keys)
    loaded = await writes.customers(owners.values())
    survivors = await writes.customers(
        c.merged_into_id for c in loaded.values() if c.merged_into_id
    )
    batch: dict[Key, Customer] = {}  # identities this batch gave out
    new_rows: list[Customer | CustomerIdentity] = []
    for record in records:
        customer = _find(record.keys, batch, owners, loaded, survivors)
        if customer is None:
            customer = Customer(
                id=new_id("cus"), workspace_id=writes.workspace_id, tags=[], attributes={}
            )
            new_rows.append(customer)
        for name in _PROFILE_FIELDS:
            if name in record.values:
                setattr(customer, name, record.values[name])
        if record.tags:
            customer.tags = list(dict.fromkeys([*(customer.tags or []), *record.tags]))
        if record.attributes:
            customer.attributes = {**(customer.attributes or {}), **record.attributes}
        for key in record.keys:
            if key not in owners and key not in batch:
                batch[key] = customer
                new_rows.append(
                    CustomerIdentity(
                        workspace_id=writes.workspace_id,
                        customer_id=customer.id,
                        kind=key[0],
                        value=key[1],
                    )
                )
    writes.add(new_rows)
    await writes.flush_and_forget([*new_rows, *loaded.values(), *survivors.values()])
    return []


def _find(
    keys: list[Key],
    batch: dict[Key, Customer],
    owners: dict[Key, str],
    loaded: dict[str, Customer],
    survivors: dict[str, Customer],
) -> Customer | None:
    for key in keys:
        if key in batch:
            return batch[key]
        owner = loaded.get(owners.get(key, ""))
        if owner is not None:
            if owner.merged_into_id and owner.merged_into_id in survivors:
                return survivors[owner.merged_into_id]
            return owner
    return None


async def _apply_orders(
    writes: ImportWrites, records: list[OrderRecord], *, write: bool
) -> list[RowError]:
    """Upsert a batch of orders; a reference to no customer refuses the row (and the import)."""
    if not records:
        return []
    owners = await writes.owners(key for r in records for _, key in r.customer_keys)
    errors: list[RowError] = []
    customer_of: dict[int, str | None] = {}
    for record in records:
        customer_of[record.row] = None
        for _field, key in record.customer_keys:
            if key in owners:
                customer_of[record.row] = owners[key]
                break
        else:
            if record.customer_keys:
                source = record.customer_keys[0][0]
                errors.append(RowError(record.row, source, "no customer has this identifier"))
    if errors or not write:
        return errors
    loaded = await writes.customers(i for i in customer_of.values() if i)
    existing = await writes.orders(r.external_id for r in records)
    new_rows: list[Order] = []
    for record in records:
        order = existing.get(record.external_id)
        if order is None:
            order = Order(
                workspace_id=writes.workspace_id,
                external_id=record.external_id,
                status="pending",
                currency="USD",
                total=Decimal("0"),
                items=[],
                payment_methods=[],
                fulfillments=[],
            )
            existing[record.external_id] = order
            new_rows.append(order)
        if record.customer_keys:
            customer_id = customer_of[record.row]
            owner = loaded.get(customer_id or "")
            if owner is not None and owner.merged_into_id:
                customer_id = owner.merged_into_id
            order.customer_id = customer_id
        for name, value in record.values.items():
            if name == "tracking":
                order.fulfillments = with_tracking(list(order.fulfillments or []), value)
            else:
                setattr(order, name, value)
    writes.add(new_rows)
    await writes.flush_and_forget([*existing.values(), *loaded.values()])
    return []


async def get_import(session: AsyncSession, workspace_id: str, import_id: str) -> ImportJob:
    return await ImportRepository(session, workspace_id).get_or_404(import_id)


async def has_succeeded(session: AsyncSession, workspace_id: str, filename: str) -> bool:
    """Whether an import of this file name already succeeded here (for idempotent loaders)."""
    return await ImportRepository(session, workspace_id).succeeded_with_filename(filename)


def summary(job: ImportJob) -> str:
    """One line for people: what an import did."""
    if job.status == SUCCEEDED:
        return f"import {job.id}: {job.rows_ok} {job.kind} rows imported"
    return (
        f"import {job.id} failed: {job.rows_failed} of {job.rows_total} rows refused; "
        "nothing was imported"
    )


def error_lines(job: ImportJob) -> list[str]:
    lines = [f"row {e['row']}: {e['field']}: {e['reason']}" for e in job.errors]
    if job.rows_failed > len(job.errors):
        lines.append(f"... and more: {job.rows_failed} rows were refused in all")
    return lines
