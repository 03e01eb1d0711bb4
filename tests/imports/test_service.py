"""Imports against the real database: upserts, per-row errors, all or nothing, bounded memory."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select

from deskpilot.imports import service
from deskpilot.imports.readers import FileFormat, Row
from deskpilot.imports.records import ImportKind
from deskpilot.kit.db import Database
from deskpilot.models import Customer, CustomerIdentity, IdentityKind, ImportJob, Order
from tests.factories import Tenant


async def _import(
    database: Database,
    tenant: Tenant,
    kind: ImportKind,
    data: str,
    file_format: FileFormat,
    mapping: dict[str, str] | None = None,
) -> ImportJob:
    async with database.transaction() as session:
        return await service.import_file(
            session,
            tenant.workspace_id,
            kind,
            io.BytesIO(data.encode()),
            file_format,
            mapping or {},
            filename=f"test.{file_format.value}",
        )


async def _customers(database: Database, workspace_id: str) -> list[Customer]:
    async with database.transaction() as session:
        query = (
            select(Customer).where(Customer.workspace_id == workspace_id).order_by(Customer.name)
        )
        return list((await session.scalars(query)).all())


async def _count(database: Database, model: type[Any], workspace_id: str) -> int:
    async with database.transaction() as session:
        query = select(func.count()).select_from(model).where(model.workspace_id == workspace_id)
        return int((await session.execute(query)).scalar_one())


CSV = """CRM ID,Full Name,E-mail,Phone,Country,Plan
C-1,Ann Lee,Ann.Lee@gmail.com,030 1234567,DE,gold
C-2,Bob Stone,bob@example.com,,US,
"""


async def test_csv_with_mapping_creates_customers_with_identities(
    database: Database, tenant: Tenant
) -> None:
    mapping = {"external_id": "CRM ID", "name": "Full Name", "email": "E-mail", "phone": "Phone"}
    job = await _import(database, tenant, ImportKind.CUSTOMERS, CSV, FileFormat.CSV, mapping)
    assert (job.status, job.rows_total, job.rows_ok, job.rows_failed) == ("succeeded", 2, 2, 0)
    ann, bob = await _customers(database, tenant.workspace_id)
    assert (ann.name, ann.email, ann.phone, ann.country) == (
        "Ann Lee",
        "Ann.Lee@gmail.com",
        "+49301234567",
        "DE",
    )
    assert ann.attributes == {"Plan": "gold"}
    assert bob.attributes == {}
    async with database.transaction() as session:
        identities = {
            (i.kind, i.value)
            for i in await session.scalars(
                select(CustomerIdentity).where(CustomerIdentity.customer_id == ann.id)
            )
        }
    assert identities == {
        (IdentityKind.EXTERNAL, "C-1"),
        (IdentityKind.EMAIL, "annlee@gmail.com"),
        (IdentityKind.PHONE, "+49301234567"),
    }


async def test_upsert_by_gmail_address_and_by_external_id(
    database: Database, tenant: Tenant
) -> None:
    mapping = {"external_id": "CRM ID", "name": "Full Name", "email": "E-mail", "phone": "Phone"}
    await _import(database, tenant, ImportKind.CUSTOMERS, CSV, FileFormat.CSV, mapping)
    update = [
        {"email": "annlee+newsletter@googlemail.com", "city": "Berlin", "tags": ["vip"]},
        {"external_id": "C-2", "name": "Robert Stone", "language": "en"},
        {"email": "carol@example.com", "name": "Carol"},
        {"email": "CAROL@example.com", "city": "Oslo"},  # the same person twice in one file
    ]
    job = await _import(database, tenant, ImportKind.CUSTOMERS, json.dumps(update), FileFormat.JSON)
    assert job.status == "succeeded"
    ann, carol, robert = await _customers(database, tenant.workspace_id)
    assert (ann.name, ann.city, ann.tags, ann.email) == (
        "Ann Lee",
        "Berlin",
        ["vip"],
        "annlee+newsletter@googlemail.com",
    )
    assert (robert.name, robert.language, robert.email) == ("Robert Stone", "en", "bob@example.com")
    assert (carol.name, carol.city) == ("Carol", "Oslo")
    assert await _count(database, CustomerIdentity, tenant.workspace_id) == 6


async def test_ndjson_bad_rows_are_reported_and_nothing_is_applied(
    database: Database, tenant: Tenant
) -> None:
    lines = [
        {"email": "good@example.com", "name": "Good"},
        {"email": "nope", "date_of_birth": "yesterday"},
        {"name": "Nobody"},
        "not an object",
        {"email": "also-good@example.com"},
    ]
    data = "\n".join(json.dumps(line) for line in lines) + "\n{broken\n"
    job = await _import(database, tenant, ImportKind.CUSTOMERS, data, FileFormat.NDJSON)
    assert job.status == "failed"
    assert (job.rows_total, job.rows_ok, job.rows_failed) == (6, 2, 4)
    assert [(e["row"], e["field"]) for e in job.errors] == [
        (2, "email"),
        (2, "date_of_birth"),
        (3, "external_id"),
        (4, "row"),
        (6, "row"),
    ]
    assert await _count(database, Customer, tenant.workspace_id) == 0
    assert await _count(database, CustomerIdentity, tenant.workspace_id) == 0
    async with database.transaction() as session:
        kept = await service.get_import(session, tenant.workspace_id, job.id)
    assert kept.status == "failed"
    assert kept.finished_at is not None


async def test_a_bad_row_after_applied_batches_rolls_everything_back(
    database: Database, tenant: Tenant
) -> None:
    def rows() -> Iterator[Row]:
        for number in range(1, service.BATCH_ROWS * 2 + 2):
            email = "broken" if number == service.BATCH_ROWS * 2 + 1 else f"u{number}@example.com"
            yield number, {"email": email}

    async with database.transaction() as session:
        job = await service.import_rows(
            session, tenant.workspace_id, ImportKind.CUSTOMERS, rows(), {}
        )
    assert job.status == "failed"
    assert job.rows_failed == 1
    assert job.errors == [
        {"row": service.BATCH_ROWS * 2 + 1, "field": "email", "reason": "is not an email address"}
    ]
    assert await _count(database, Customer, tenant.workspace_id) == 0


async def test_many_rows_stream_through_a_small_session(database: Database, tenant: Tenant) -> None:
    produced = 0
    largest_session = 0

    def rows() -> Iterator[Row]:
        nonlocal produced, largest_session
        for number in range(1, 3001):
            produced += 1
            largest_session = max(largest_session, len(session.identity_map))
            yield number, {"external_id": f"X{number}", "email": f"person{number}@example.com"}

    async with database.transaction() as session:
        job = await service.import_rows(
            session, tenant.workspace_id, ImportKind.CUSTOMERS, rows(), {}
        )
    assert job.status == "succeeded"
    assert job.rows_ok == 3000
    assert produced == 3000
    # Rows are read lazily and each written batch leaves the session: it never holds the file.
    assert largest_session < 10
    assert await _count(database, Customer, tenant.workspace_id) == 3000


async def test_orders_link_to_customers_and_upsert_by_external_id(
    database: Database, tenant: Tenant
) -> None:
    await _import(
        database,
        tenant,
        ImportKind.CUSTOMERS,
        CSV,
        FileFormat.CSV,
        {"external_id": "CRM ID", "name": "Full Name", "email": "E-mail"},
    )
    orders = (
        "Order,Customer,Email,Status,Total,Items\n"
        'W1,C-1,,paid,10.00,"[{""name"": ""Mug""}]"\n'
        "W2,,annlee@gmail.com,shipped,,\n"
        "W3,,,pending,5,\n"
    )
    mapping = {
        "external_id": "Order",
        "customer_external_id": "Customer",
        "customer_email": "Email",
        "status": "Status",
        "total": "Total",
        "items": "Items",
    }
    job = await _import(database, tenant, ImportKind.ORDERS, orders, FileFormat.CSV, mapping)
    assert job.status == "succeeded", job.errors
    again = "Order,Status\nW1,refunded\n"
    job = await _import(
        database, tenant, ImportKind.ORDERS, again, FileFormat.CSV, {"external_id": "Order"}
    )
    assert job.status == "succeeded"
    ann = (await _customers(database, tenant.workspace_id))[0]
    async with database.transaction() as session:
        found = {
            o.external_id: o
            for o in await session.scalars(
                select(Order).where(Order.workspace_id == tenant.workspace_id)
            )
        }
    assert found["W1"].customer_id == ann.id
    assert found["W2"].customer_id == ann.id
    assert found["W3"].customer_id is None
    # An update changes what the row gives and keeps the rest (customer, items, total).
    assert found["W1"].status == "refunded"
    assert found["W1"].items == [{"name": "Mug"}]
    assert str(found["W1"].total) == "10.00"
    assert str(found["W3"].total) == "5.00"


async def test_an_order_for_an_unknown_customer_fails_the_import(
    database: Database, tenant: Tenant
) -> None:
    data = json.dumps(
        [
            {"external_id": "W1", "status": "paid"},
            {"external_id": "W2", "customer_external_id": "missing"},
        ]
    )
    job = await _import(database, tenant, ImportKind.ORDERS, data, FileFormat.JSON)
    assert job.status == "failed"
    assert job.errors == [
        {"row": 2, "field": "customer_external_id", "reason": "no customer has this identifier"}
    ]
    assert await _count(database, Order, tenant.workspace_id) == 0


async def test_imports_stay_in_their_workspace(
    database: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    mapping = {"external_id": "CRM ID", "email": "E-mail"}
    await _import(database, other_tenant, ImportKind.CUSTOMERS, CSV, FileFormat.CSV, mapping)
    await _import(database, tenant, ImportKind.CUSTOMERS, CSV, FileFormat.CSV, mapping)
    assert await _count(database, Customer, tenant.workspace_id) == 2
    assert await _count(database, Customer, other_tenant.workspace_id) == 2
