"""The widget's public HTTP and WebSocket endpoints, and ``/widget.js``.

No sign-in: a call names the channel by its public key (``?key=``) and the visitor by their
token (``?visitor=``, from ``POST /widget/api/session``). Pages on other sites call these, so
every answer carries CORS headers; a page whose origin the channel does not allow is refused
(403, or close code 1008 on the socket).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, WebSocket
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from deskpilot.channels.inbound import ingest, read_request
from deskpilot.channels.webchat import service
from deskpilot.channels.webchat.adapter import visitor_token
from deskpilot.channels.webchat.events import (
    AGENT_TYPING_EVENT,
    THINKING_EVENT,
    conversation_state,
    visible_to_visitor,
    visitor_message,
)
from deskpilot.channels.webchat.identity import Claims, is_visitor_token
from deskpilot.channels.webchat.texts import pick_language
from deskpilot.conversations.intake import InboundAttachment
from deskpilot.kit.bus import BusEvent
from deskpilot.kit.deps import ResourcesDep, SessionDep, get_resources
from deskpilot.kit.errors import (
    BadRequest,
    DeskPilotError,
    Forbidden,
    InvalidInput,
    PayloadTooLarge,
    field_errors,
)
from deskpilot.models import Channel

WIDGET_SCRIPT = Path(__file__).parent / "widget.js"
POLICY_VIOLATION = 1008
MULTIPART_OVERHEAD = 64 * 1024


def _cors(origin: str | None) -> dict[str, str]:
    # Reflecting any origin is safe here: nothing rides on cookies, and the channel's own
    # allowed_origins check (``widget_channel`` below) refuses pages it does not allow.
    if origin is None:
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type",
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }


class CorsRoute(APIRoute):
    """Adds CORS headers to every answer of the widget API, errors included, so the widget can
    read a 413 or a 415 and say why."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_cors(request: Request) -> Response:
            headers = _cors(request.headers.get("origin"))
            try:
                response = await handler(request)
            except DeskPilotError as exc:
                exc.headers = {**exc.headers, **headers}
                raise
            except RequestValidationError as exc:
                raise InvalidInput.of(field_errors(exc.errors()), headers) from None
            response.headers.update(headers)
            return response

        return with_cors


router = APIRouter(tags=["webchat"], include_in_schema=False)
api = APIRouter(prefix="/widget/api", tags=["webchat"], route_class=CorsRoute)

Key = Annotated[str, Query(min_length=1, max_length=64, description="The channel's public key.")]


async def widget_channel(key: Key, request: Request, session: SessionDep) -> Channel:
    channel = await service.widget_channel(session, key)
    if not service.origin_allowed(channel, request.headers.get("origin")):
        raise Forbidden("this page's origin may not use this chat widget")
    return channel


def visitor(request: Request) -> str:
    return visitor_token(dict(request.query_params))


WidgetChannel = Annotated[Channel, Depends(widget_channel)]
Visitor = Annotated[str, Depends(visitor)]


class SessionStart(BaseModel):
    visitor: str | None = Field(None, description="The token stored from an earlier visit.")
    user_id: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=320)
    name: str | None = Field(None, max_length=200)
    user_hash: str | None = Field(None, max_length=128, description="hex HMAC-SHA256")
    language: str | None = Field(None, max_length=16)


class Rating(BaseModel):
    score: int = Field(ge=1, le=5)
    comment: str | None = Field(None, max_length=2000)


class Typing(BaseModel):
    typing: bool = True


def _conversation(conversation: Any) -> dict[str, Any] | None:
    if conversation is None:
        return None
    return {
        "id": conversation.id,
        "status": conversation.status.value,
        "handled_by": conversation.handled_by.value,
        "resolved_at": conversation.resolved_at.isoformat() if conversation.resolved_at else None,
    }


@router.get("/widget.js")
async def widget_script() -> Response:
    return Response(
        WIDGET_SCRIPT.read_bytes(),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"},
    )


@api.options("/{path:path}")
async def preflight(path: str) -> Response:
    return Response(status_code=204)


@api.get("/config")
async def widget_config(
    channel: WidgetChannel, request: Request, lang: str | None = None
) -> dict[str, Any]:
    """Greeting, colours, position, font size, limits and the widget's words in the visitor's
    language (``lang``, else Accept-Language; en, zh or ru)."""
    language = pick_language(lang, request.headers.get("accept-language"))
    return service.widget_settings(channel, language)


@api.post("/session")
async def start_session(
    body: SessionStart, channel: WidgetChannel, session: SessionDep, resources: ResourcesDep
) -> dict[str, Any]:
    """Resume a visitor (their stored token) or start one; returns the token and the history."""
    token = body.visitor if is_visitor_token(body.visitor) else None
    claims = Claims(body.user_id, body.email, body.user_hash)
    started = await service.start_session(session, resources, channel, token, claims, body.name)
    return {
        "visitor": started.token,
        "verified": started.verified,
        "conversation": _conversation(started.conversation),
        "messages": started.messages,
        "cursor": started.cursor,
    }


@api.get("/messages")
async def poll_messages(
    channel: WidgetChannel, token: Visitor, session: SessionDep, since: str | None = None
) -> dict[str, Any]:
    """The HTTP fallback of the socket: messages after ``since`` (the last answer's cursor)."""
    messages, cursor = await service.history(session, channel, token, since)
    conversation = await service.visitor_conversation(session, channel, token)
    return {"messages": messages, "cursor": cursor, "conversation": _conversation(conversation)}


@api.post("/messages", status_code=201)
async def send_message(
    channel: WidgetChannel,
    token: Visitor,
    request: Request,
    session: SessionDep,
    resources: ResourcesDep,
) -> dict[str, Any]:
    """``{"client_id", "text"}``; the same ``client_id`` again stores nothing new."""
    ingested = await ingest(session, resources, channel, await read_request(request, 64 * 1024))
    stored = ingested.stored[0]
    return {
        "message": service.stored_view(stored),
        "duplicate": not stored.created,
        "conversation": _conversation(stored.conversation),
    }


@api.post("/attachments", status_code=201)
async def upload_attachment(
    channel: WidgetChannel,
    token: Visitor,
    request: Request,
    session: SessionDep,
    resources: ResourcesDep,
) -> dict[str, Any]:
    """Multipart: ``file``, ``client_id``, optional ``text``. 415 for a type the channel does not
    take, 413 for a file over its limit."""
    limit = service.config_of(channel).max_attachment_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit + MULTIPART_OVERHEAD:
        raise PayloadTooLarge(f"the file is over {limit} bytes")
    # Closing the form closes (and deletes) the uploaded file's spool.
    async with request.form(max_files=1, max_fields=4) as form:
        upload, client_id, text = form.get("file"), form.get("client_id"), form.get("text") or ""
        if upload is None or isinstance(upload, str):
            raise InvalidInput.field("body.file", "a file is required")
        if not isinstance(client_id, str) or not client_id or len(client_id) > 100:
            raise InvalidInput.field("body.client_id", "a client id of up to 100 characters")
        if not isinstance(text, str):
            raise BadRequest("text must be a form field")
        content_type = upload.content_type or "application/octet-stream"
        service.check_attachment(channel, content_type, None)
        data = await upload.read(limit + 1)
        attachment = InboundAttachment(upload.filename or "file", content_type, data)
    stored = await service.receive_attachment(
        session, resources, channel, token, client_id, attachment, text[:10_000]
    )
    return {"message": service.stored_view(stored), "duplicate": not stored.created}


@api.get("/attachments/{attachment_id}")
async def download_attachment(
    attachment_id: str,
    channel: WidgetChannel,
    token: Visitor,
    session: SessionDep,
    resources: ResourcesDep,
) -> Response:
    meta, data = await service.find_attachment(session, resources, channel, token, attachment_id)
    return Response(
        data,
        media_type=str(meta["content_type"]),
        headers={
            "Content-Disposition": f'attachment; filename="{meta["filename"]}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@api.post("/handoff")
async def talk_to_a_person(
    channel: WidgetChannel, token: Visitor, session: SessionDep, resources: ResourcesDep
) -> dict[str, Any]:
    """The visitor asks for a person: ``handled_by`` becomes ``human``; a system message."""
    return {"message": await service.ask_for_human(session, resources, channel, token)}


@api.post("/rating", status_code=201)
async def rate_conversation(
    body: Rating,
    channel: WidgetChannel,
    token: Visitor,
    session: SessionDep,
    resources: ResourcesDep,
) -> dict[str, Any]:
    """1 to 5 (and a comment) for a resolved conversation; 409 before it is resolved or twice."""
    message = await service.rate(session, resources, channel, token, body.score, body.comment)
    return {"message": message}


@api.post("/typing", status_code=204)
async def visitor_is_typing(
    body: Typing,
    channel: WidgetChannel,
    token: Visitor,
    session: SessionDep,
    resources: ResourcesDep,
) -> Response:
    await service.publish_typing(session, resources, channel, token, body.typing)
    return Response(status_code=204)


router.include_router(api)


class _VisitorStream:
    """Forwards the workspace's events that concern one visitor's conversation, projected."""

    def __init__(self, websocket: WebSocket, channel: Channel, token: str) -> None:
        self.websocket = websocket
        self.channel = channel
        self.token = token
        self.resources = get_resources(websocket)
        self.conversation_id: str | None = None

    async def find_conversation(self) -> None:
        async with self.resources.database.transaction() as session:
            conversation = await service.visitor_conversation(session, self.channel, self.token)
        self.conversation_id = conversation.id if conversation else None

    async def _kind(self, message_id: str) -> str | None:
        async with self.resources.database.transaction() as session:
            return await service.message_kind(session, self.channel.workspace_id, message_id)

    async def project(self, event: BusEvent) -> dict[str, Any] | None:
        data = event.data
        if self.conversation_id is None:
            if event.name == "conversation.created" and data.get("channel_id") == self.channel.id:
                await self.find_conversation()  # perhaps the visitor's first message
            return None
        if event.name in ("message.created", "message.updated"):
            if data.get("conversation_id") != self.conversation_id:
                return None
            if not visible_to_visitor(data):
                return None
            own_or_system = data.get("direction") == "inbound" or data["sender_type"] == "system"
            # The visitor's own and system messages show at once; replies once they are sent.
            if own_or_system != (event.name == "message.created"):
                return None
            kind = await self._kind(data["id"]) if data["sender_type"] == "system" else None
            return {"name": "message.created", "data": visitor_message(data, kind)}
        if event.name.startswith("conversation.") and data.get("id") == self.conversation_id:
            return {"name": "conversation.updated", "data": conversation_state(data)}
        if event.name in (THINKING_EVENT, AGENT_TYPING_EVENT):
            if data.get("conversation_id") != self.conversation_id:
                return None
            active = bool(data.get("thinking", data.get("typing")))
            return {"name": event.name, "data": {"active": active}}
        return None

    async def listen(self) -> None:
        """The visitor's own events: typing (published for agents) and pings."""
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            try:
                decoded = json.loads(message.get("text") or "{}")
            except ValueError:
                continue
            if not isinstance(decoded, dict):
                continue
            if decoded.get("type") == "typing":
                async with self.resources.database.transaction() as session:
                    await service.publish_typing(
                        session,
                        self.resources,
                        self.channel,
                        self.token,
                        bool(decoded.get("typing", True)),
                    )
            elif decoded.get("type") == "ping":
                await self.websocket.send_json({"name": "pong"})


async def _refuse(websocket: WebSocket, reason: str) -> None:
    await websocket.accept()
    await websocket.close(code=POLICY_VIOLATION, reason=reason)


@router.websocket("/widget/ws")
async def visitor_socket(websocket: WebSocket) -> None:
    """Live messages of one visitor's conversation: ``{"name", "data"}`` JSON, first
    ``widget.connected``. A wrong key, token or origin is closed with 1008."""
    resources = get_resources(websocket)
    query = dict(websocket.query_params)
    token = query.get("visitor")
    if not is_visitor_token(token):
        await _refuse(websocket, "a visitor token is required")
        return
    assert token is not None
    try:
        async with resources.database.transaction() as session:
            channel = await service.widget_channel(session, query.get("key", ""))
    except DeskPilotError:
        await _refuse(websocket, "no web chat channel has this key")
        return
    if not service.origin_allowed(channel, websocket.headers.get("origin")):
        await _refuse(websocket, "this page's origin may not use this chat widget")
        return
    stream = _VisitorStream(websocket, channel, token)
    # Subscribe before looking up the conversation, so that nothing published from here is lost.
    subscription = resources.bus.subscribe(channel.workspace_id)
    try:
        await stream.find_conversation()
        await websocket.accept()
        await websocket.send_json(
            {"name": "widget.connected", "data": {"conversation_id": stream.conversation_id}}
        )

        async def forward() -> None:
            async for event in subscription:
                projected = await stream.project(event)
                if projected is not None:
                    await websocket.send_json(projected)

        tasks = {asyncio.create_task(forward()), asyncio.create_task(stream.listen())}
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
    finally:
        resources.bus.unsubscribe(subscription)
