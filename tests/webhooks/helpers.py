"""A stand-in for the business's webhook endpoint, and shared steps of the webhook tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response

from deskpilot.kit.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from tests.factories import Tenant


@dataclass(frozen=True, slots=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.body)
        return value

    @property
    def event(self) -> str:
        return self.headers["x-deskpilot-event"]

    def signed_with(self, secret: str) -> bool:
        return verify(
            secret,
            self.headers[TIMESTAMP_HEADER.lower()],
            self.body,
            self.headers[SIGNATURE_HEADER.lower()],
        )


class Receiver:
    """Records every POST to ``/hooks/{name}``; answers ``status[name]`` (200 by default)."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.status: dict[str, int] = {}
        self.answer = ""
        self.app = FastAPI()
        self.base = ""

        @self.app.post("/hooks/{name}")
        async def hook(name: str, request: Request) -> Response:
            self.requests.append(Received(name, dict(request.headers), await request.body()))
            return Response(self.answer, status_code=self.status.get(name, 200))

    def url(self, name: str) -> str:
        return f"{self.base}/hooks/{name}"

    def at(self, name: str) -> list[Received]:
        return [r for r in self.requests if r.path == name]


def inbound(external_id: str, text: str = "Where is my order?") -> dict[str, Any]:
    sender = {"external_id": "crm-42", "name": "Ada Lovelace", "email": "ada@example.com"}
    return {"external_id": external_id, "sender": sender, "text": text}


async def create_webhook(
    client: httpx.AsyncClient, tenant: Tenant, url: str, **fields: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/webhooks", headers=tenant.headers, json={"url": url, **fields}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def deliveries(
    client: httpx.AsyncClient, tenant: Tenant, webhook_id: str, **params: Any
) -> list[dict[str, Any]]:
    response = await client.get(
        f"/api/v1/webhooks/{webhook_id}/deliveries", headers=tenant.headers, params=params
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items
