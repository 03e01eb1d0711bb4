"""One inbound request, from any channel, into stored messages: verify, parse, intake."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.channels.base import InboundRequest, InboundResult
from deskpilot.channels.registry import get_adapter
from deskpilot.channels.service import context_for
from deskpilot.conversations.intake import IntakeResult, receive
from deskpilot.kit.deps import Resources
from deskpilot.kit.errors import PayloadTooLarge
from deskpilot.models import Channel

MAX_BODY_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Ingested:
    result: InboundResult
    stored: list[IntakeResult]


async def read_request(request: Request, limit: int = MAX_BODY_BYTES) -> InboundRequest:
    """The request as adapters see it; a body over ``limit`` is refused before it is all read."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the request body is over {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise PayloadTooLarge(f"the request body is over {limit} bytes")
    return InboundRequest(
        method=request.method,
        url=str(request.url),
        headers={k.lower(): v for k, v in request.headers.items()},
        query=dict(request.query_params),
        body=bytes(body),
    )


async def ingest(
    session: AsyncSession, resources: Resources, channel: Channel, request: InboundRequest
) -> Ingested:
    adapter = get_adapter(channel.type)
    result = await adapter.parse_inbound(context_for(resources.secret_box, channel), request)
    stored = [
        await receive(session, resources.bus, resources.files, channel, message)
        for message in result.messages
    ]
    return Ingested(result, stored)
