"""``/api/v1/ws``: authenticated by session cookie or bearer key, one stream per workspace."""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket

from deskpilot.auth.dependencies import identify
from deskpilot.kit.bus import BusEvent
from deskpilot.kit.deps import get_resources

router = APIRouter(tags=["realtime"])

POLICY_VIOLATION = 1008


def _origin_allowed(websocket: WebSocket) -> bool:
    """Whether a browser page on this connection's ``Origin`` may use the session cookie.

    Browsers send cookies on cross-origin WebSocket handshakes (SameSite only narrows that to
    same-site pages) and the same-origin policy does not apply to WebSockets: without this
    check another page could read a signed-in agent's events. The page must come from the host
    the browser connected to; clients that are not browsers send no ``Origin``.
    """
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    host = websocket.headers.get("host", "").lower()
    return bool(host) and urlsplit(origin).netloc.lower() == host


def _meant_for(event: BusEvent, user_id: str | None) -> bool:
    """A member's notification (``notification.*``) goes only to that member's connections."""
    return not event.name.startswith("notification.") or event.data.get("user_id") == user_id


async def _refuse(websocket: WebSocket, reason: str) -> None:
    # Accept first so that the client sees the code and the reason (a handshake refused with
    # a 403 reaches a browser only as an anonymous failure, indistinguishable from a network
    # error), and knows not to retry with the same credentials.
    await websocket.accept()
    await websocket.close(code=POLICY_VIOLATION, reason=reason)


@router.websocket("/api/v1/ws")
async def events_socket(websocket: WebSocket) -> None:
    """Send every event of the caller's workspace as JSON ``{id, name, workspace_id, data}``.

    The first message is ``{"name": "realtime.connected", "workspace_id": ...}``. A caller who
    is not signed in (or whose page is on another origin) is closed with code 1008.
    """
    resources = get_resources(websocket)
    async with resources.database.transaction() as session:
        principal = await identify(websocket, session)
    if principal is None:
        await _refuse(websocket, "sign in or send an API key")
        return
    if principal.via == "session" and not _origin_allowed(websocket):
        await _refuse(websocket, "cross-origin WebSocket refused")
        return
    # Subscribe before accepting so that nothing published from here on is missed.
    subscription = resources.bus.subscribe(principal.workspace_id)
    try:
        await websocket.accept()
        await websocket.send_json(
            {"name": "realtime.connected", "workspace_id": principal.workspace_id}
        )

        async def forward() -> None:
            async for event in subscription:
                if not _meant_for(event, principal.user_id):
                    continue
                await websocket.send_text(event.model_dump_json())

        async def watch() -> None:
            # The client may send anything (pings, text or bytes); we only watch for it leaving.
            while (await websocket.receive())["type"] != "websocket.disconnect":
                pass

        tasks = {asyncio.create_task(forward()), asyncio.create_task(watch())}
        try:
            # Either the client left, or sending failed: the connection is over either way.
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
    finally:
        resources.bus.unsubscribe(subscription)
