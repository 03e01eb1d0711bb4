"""A mail gateway POSTs raw messages to the email channel's webhook, signed."""

from __future__ import annotations

import httpx

from deskpilot.kit.db import Database
from deskpilot.kit.signing import signed_headers
from tests.channels.email_helpers import counts, email_channel, eml, mail
from tests.factories import Tenant

SECRET = "gateway-secret-0123456789"


async def post(
    client: httpx.AsyncClient, path: str, body: bytes, secret: str = SECRET
) -> httpx.Response:
    headers = {**signed_headers(secret, body), "Content-Type": "message/rfc822"}
    return await client.post(path, content=body, headers=headers)


async def test_a_signed_message_is_stored_once(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    channel = await email_channel(client, tenant, secrets={"gateway_secret": SECRET})
    assert "gateway_secret" in channel["secret_names"]
    first = await post(client, channel["webhook_path"], eml("plain_reply.eml"))
    again = await post(client, channel["webhook_path"], eml("plain_reply.eml"))
    assert first.status_code == again.status_code == 200
    assert await counts(database) == (1, 1)


async def test_a_bad_signature_is_401_and_stores_nothing(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    channel = await email_channel(client, tenant, secrets={"gateway_secret": SECRET})
    forged = await post(client, channel["webhook_path"], eml("plain_reply.eml"), "x" * 20)
    unsigned = await client.post(
        channel["webhook_path"],
        content=eml("plain_reply.eml"),
        headers={"Content-Type": "message/rfc822"},
    )
    assert forged.status_code == unsigned.status_code == 401
    assert await counts(database) == (0, 0)


async def test_malformed_oversize_and_automatic_mail(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    channel = await email_channel(client, tenant, secrets={"gateway_secret": SECRET})
    path = channel["webhook_path"]
    assert (await post(client, path, b"no headers here")).status_code == 400
    big = mail("big@example.com", attachment=b"x" * (10 * 1024 * 1024 + 1))
    assert (await post(client, path, big)).status_code == 413
    dropped = await post(client, path, eml("out_of_office.eml"))
    assert dropped.status_code == 200
    assert "automatic mail dropped" in dropped.text
    assert await counts(database) == (0, 0)
