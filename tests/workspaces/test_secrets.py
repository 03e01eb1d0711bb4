"""Workspace secrets: write-only through the API, encrypted at rest, readable by the code."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from deskpilot.app import create_app
from deskpilot.config import Settings
from deskpilot.kit.crypto import SecretBox, SecretBoxError
from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.errors import NotFound
from deskpilot.models import Role, WorkspaceSecret
from deskpilot.workspaces import service
from tests.factories import Tenant, create_api_key

PLAINTEXT = "xoxb-1234-very-secret-token"
SECRETS_URL = "/api/v1/workspace/secrets"


async def _put(
    client: httpx.AsyncClient, tenant: Tenant, name: str, value: str = PLAINTEXT
) -> httpx.Response:
    return await client.put(f"{SECRETS_URL}/{name}", json={"value": value}, headers=tenant.headers)


async def _stored(database: Database, workspace_id: str) -> list[WorkspaceSecret]:
    async with database.transaction() as session:
        query = select(WorkspaceSecret).where(WorkspaceSecret.workspace_id == workspace_id)
        return list((await session.scalars(query)).all())


async def test_a_stored_secret_is_listed_by_name_only(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    stored = await _put(client, tenant, "telegram.token")

    assert stored.status_code == 200, stored.text
    assert stored.json()["name"] == "telegram.token"
    assert PLAINTEXT not in stored.text
    listed = await client.get(SECRETS_URL, headers=tenant.headers)
    assert listed.status_code == 200
    assert [s["name"] for s in listed.json()] == ["telegram.token"]
    assert set(listed.json()[0]) == {"name", "updated_at"}
    assert PLAINTEXT not in listed.text


async def test_a_secret_is_encrypted_at_rest_and_readable_by_the_code(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, resources: Resources
) -> None:
    assert (await _put(client, tenant, "smtp-password")).status_code == 200

    [row] = await _stored(database, tenant.workspace_id)
    assert row.ciphertext.startswith("v1:")
    assert PLAINTEXT not in row.ciphertext
    async with database.transaction() as session:
        plaintext = await service.read_secret(
            session, resources.secret_box, tenant.workspace_id, "smtp-password"
        )
        assert plaintext == PLAINTEXT
        with pytest.raises(SecretBoxError):
            await service.read_secret(
                session, SecretBox("some other key"), tenant.workspace_id, "smtp-password"
            )
    # Bound to its workspace and name: copied elsewhere, it does not decrypt.
    with pytest.raises(SecretBoxError):
        resources.secret_box.decrypt(row.ciphertext, context=f"{tenant.workspace_id}/other")


async def test_writing_a_secret_again_replaces_it(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, resources: Resources
) -> None:
    await _put(client, tenant, "openai.key", "first value")
    await _put(client, tenant, "openai.key", "second value")

    assert len(await _stored(database, tenant.workspace_id)) == 1
    async with database.transaction() as session:
        value = await service.read_secret(
            session, resources.secret_box, tenant.workspace_id, "openai.key"
        )
    assert value == "second value"


async def test_secrets_are_per_workspace(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    database: Database,
    resources: Resources,
) -> None:
    await _put(client, tenant, "shared-name")

    assert (await client.get(SECRETS_URL, headers=other_tenant.headers)).json() == []
    deleted = await client.delete(f"{SECRETS_URL}/shared-name", headers=other_tenant.headers)
    assert deleted.status_code == 404
    async with database.transaction() as session:
        with pytest.raises(NotFound):
            await service.read_secret(
                session, resources.secret_box, other_tenant.workspace_id, "shared-name"
            )
    assert len(await _stored(database, tenant.workspace_id)) == 1


async def test_deleting_a_secret(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    await _put(client, tenant, "old-token")

    response = await client.delete(f"{SECRETS_URL}/old-token", headers=tenant.headers)

    assert response.status_code == 204
    assert await _stored(database, tenant.workspace_id) == []
    assert (
        await client.delete(f"{SECRETS_URL}/old-token", headers=tenant.headers)
    ).status_code == 404


async def test_bad_secret_input_is_refused(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    bad_name = await _put(client, tenant, "Not A Name")
    empty = await _put(client, tenant, "fine-name", "")

    assert bad_name.status_code == 422
    assert [f["field"] for f in bad_name.json()["error"]["fields"]] == ["path.name"]
    assert empty.status_code == 422
    assert [f["field"] for f in empty.json()["error"]["fields"]] == ["body.value"]
    assert await _stored(database, tenant.workspace_id) == []


async def test_only_admins_see_or_store_secrets(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    agent = {
        "Authorization": f"Bearer {await create_api_key(database, tenant.workspace_id, Role.AGENT)}"
    }

    listed = await client.get(SECRETS_URL, headers=agent)
    stored = await client.put(f"{SECRETS_URL}/x", json={"value": "v"}, headers=agent)

    assert listed.status_code == stored.status_code == 403
    assert await _stored(database, tenant.workspace_id) == []


async def test_the_app_makes_a_0600_key_file_when_no_key_is_configured(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    app = create_app(settings.model_copy(update={"secret_key": None, "data_dir": tmp_path}))

    async with app.router.lifespan_context(app):
        box: SecretBox = app.state.resources.secret_box
        ciphertext = box.encrypt(PLAINTEXT)

    key_file = tmp_path / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert SecretBox(key_file.read_text().strip()).decrypt(ciphertext) == PLAINTEXT
    with pytest.raises(SecretBoxError):
        SecretBox(settings.secret_key or "").decrypt(ciphertext)
