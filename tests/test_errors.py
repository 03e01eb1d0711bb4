"""Bad input gets a 4xx naming the field and the reason, never a 500 or a half-written record."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from deskpilot.kit.db import Database
from deskpilot.kit.error_handlers import install_error_handlers
from deskpilot.models import Role, User
from tests.factories import PASSWORD, Tenant, create_api_key


async def test_validation_errors_name_the_field_and_the_reason(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    response = await client.post(
        "/api/v1/users",
        headers=tenant.headers,
        json={"email": "not-an-email", "name": "", "password": PASSWORD},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    fields = {f["field"]: f["reason"] for f in error["fields"]}
    assert set(fields) == {"body.email", "body.name"}
    assert "email" in fields["body.email"]
    assert error["request_id"] == response.headers["x-request-id"]


async def test_malformed_json_is_a_422_not_a_500(client: httpx.AsyncClient, tenant: Tenant) -> None:
    response = await client.patch(
        "/api/v1/workspace",
        headers={**tenant.headers, "content-type": "application/json"},
        content=b'{"name": ',
    )
    assert response.status_code == 422
    (field,) = response.json()["error"]["fields"]
    assert field["field"] == "body"  # not "body.9", a character offset read as a field
    assert field["reason"].startswith("the request body is not valid JSON at character 9"), field


async def test_wrong_types_in_query_and_path_are_named(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    response = await client.get("/api/v1/admin/jobs?state=bogus&limit=0", headers=tenant.headers)
    assert response.status_code == 422
    assert {f["field"] for f in response.json()["error"]["fields"]} == {
        "query.state",
        "query.limit",
    }


async def test_a_request_refused_half_way_writes_nothing(
    client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    """The user row is flushed before the role check refuses: the rollback must remove it."""
    admin_key = await create_api_key(database, tenant.workspace_id, Role.ADMIN)
    response = await client.post(
        "/api/v1/users",
        headers={"Authorization": f"Bearer {admin_key}"},
        json={
            "email": "would-be-owner@acme.example.com",
            "name": "W",
            "password": PASSWORD,
            "role": "owner",
        },
    )
    assert response.status_code == 403
    async with database.transaction() as session:
        found = await session.scalar(
            select(User).where(User.email == "would-be-owner@acme.example.com")
        )
    assert found is None


async def test_unexpected_errors_are_a_generic_500_without_internals() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/explode")
    async def explode() -> None:
        raise RuntimeError("password=hunter2 in a stack trace")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        response = await client.get("/explode")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "hunter2" not in response.text


async def test_a_wrong_method_lists_every_method_the_path_answers(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """Two routes share /api/v1/kb/articles (GET lists, POST creates): Allow names both."""
    for method in ("DELETE", "OPTIONS"):
        response = await client.request(method, "/api/v1/kb/articles", headers=tenant.headers)
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, POST"
        assert response.json()["error"]["code"] == "method_not_allowed"
    response = await client.put("/api/v1/kb/search", headers=tenant.headers)
    assert response.headers["allow"] == "GET"
