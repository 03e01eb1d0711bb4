"""``/api/v1/ws``: authenticated by session cookie or bearer key, one stream per workspace."""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from deskpilot.auth.dependencies import identify
from deskpilot.kit.deps import get_resources

router = APIRouter(tags=["realtime"])

POLICY_VIOLATION = 1008


@router.websocket("/api/v1/ws")
async def events_socket(websocket: WebSocket) -> None:
    """Send every event of the caller's workspace as JSON ``{id, name, workspace_id, data}``."""
    resources = get_resources(websocket)
    async with resources.database.transaction() as session:
        principal = await identify(websocket, session)
    if principal is None:
        await websocket.close(code=POLICY_VIOLATION, reason="sign in or send an API key")
        return
    subscription = resources.bus.subscribe(principal.workspace_id)
    await websocket.accept()
    await websocket.send_json(
        {"name": "realtime.connected", "workspace_id": principal.workspace_id}
    )

    async def forward() -> None:
        async for event in subscription:
            await websocket.send_text(event.model_dump_json())

    sender = asyncio.create_task(forward())
    try:
        while True:  # the client may send pings; we only watch for it leaving
            await websocket.receive_text()
    except WebSocketDisconnect:
        pass
    finally:
        resources.bus.unsubscribe(subscription)
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender
