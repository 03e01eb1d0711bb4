"""The imports and orders API: uploads, a failed upload's 422, orders by customer."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import select

from deskpilot.kit.db import Database
from deskpilot.models import Order, Role
from tests.factories import Tenant, create_api_key

CUSTOMERS = "Id,Name,Email\nC-1,Ann Lee,ann@example.com\nC-2,Bob,bob@example.com\n"
ORDERS = [
    {"id": "W1", "customer": "C-1", "status": "delivered", "total": 30, "placed_at": "2025-01-02"},
    {
        "id": "W2",
        "customer": "C-1",
        "status": "pending",
        "total": "12.5",
        "placed_at": "2025-02-01",
    },
    {"id": "W3", "customer": "C-2", "status": "pending"},
]


async def _load(client: httpx.AsyncClient, tenant: Tenant) -> None:
    response = await client.post(
        "/api/v1/imports/customers",
        headers=tenant.headers,
        files={"file": ("crm.csv", CUSTOMERS.encode(), "text/csv")},
        data={"mapping": json.dumps({"external_id": "Id"})},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["rows_ok"], body["kind"]) == ("succeeded", 2, "customers")
    assert response.headers["location"] == f"/api/v1/imports/{body['id']}"
    response = await client.post(
        "/api/v1/imports/orders",
        headers=tenant.headers,
        files={"file": ("orders.ndjson", "\n".join(map(json.dumps, ORDERS)).encode())},
        data={"mapping": json.dumps({"external_id": "id", "customer_external_id": "customer"})},
    )
    assert response.status_code == 201, response.text


async def test_upload_then_read_orders_of_a_customer(
    client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    await _load(client, tenant)
    viewer_key = await create_api_key(database, tenant.workspace_id, Role.VIEWER)
    viewer = {"Authorization": f"Bearer {viewer_key}"}
    pages: list[list[str]] = []
    cursor: str | None = None
    async with database.transaction() as session:  # Ann, through an order of hers
        order_w3 = (await session.scalars(select(Order).where(Order.external_id == "W3"))).one()
        ann_order = (await session.scalars(select(Order).where(Order.external_id == "W1"))).one()
        customer_id = ann_order.customer_id
    while True:
        params = {"limit": "1", **({"cursor": cursor} if cursor else {})}
        response = await client.get(
            f"/api/v1/customers/{customer_id}/orders", headers=viewer, params=params
        )
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append([o["external_id"] for o in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == [["W2"], ["W1"]]  # newest first
    one = await client.get(f"/api/v1/orders/{order_w3.id}", headers=viewer)
    assert one.status_code == 200
    assert one.json()["total"] == "0.00"
    assert one.json()["customer_id"] != customer_id


async def test_a_refused_upload_is_422_with_rows_and_keeps_the_record(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    data = "Email,Name\nok@example.com,Ok\nbroken,Bad\n"
    response = await client.post(
        "/api/v1/imports/customers",
        headers=tenant.headers,
        files={"file": ("crm.csv", data.encode())},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["fields"] == [{"field": "rows[2].email", "reason": "is not an email address"}]
    record = await client.get(response.headers["location"], headers=tenant.headers)
    assert record.status_code == 200
    assert record.json()["status"] == "failed"
    assert record.json()["rows_failed"] == 1
    assert record.json()["errors"] == [
        {"row": 2, "field": "email", "reason": "is not an email address"}
    ]


async def test_bad_mapping_format_and_role(
    client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    upload = {"file": ("crm.txt", b"Email\na@example.com\n")}
    response = await client.post("/api/v1/imports/customers", headers=tenant.headers, files=upload)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "body.format"
    response = await client.post(
        "/api/v1/imports/customers",
        headers=tenant.headers,
        files=upload,
        data={"format": "csv", "mapping": '{"mail": "Email"}'},
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "mapping"
    agent = await create_api_key(database, tenant.workspace_id, Role.AGENT)
    response = await client.post(
        "/api/v1/imports/customers",
        headers={"Authorization": f"Bearer {agent}"},
        files=upload,
        data={"format": "csv"},
    )
    assert response.status_code == 403
