"""Voice: a telephony system posts each call's transcript to the channel's webhook.

``POST /hooks/{public_key}`` with JSON ``{call_id, caller, callee | agent, started_at, ended_at,
turns: [{speaker: "customer" | "agent", text, at}]}``, signed like DeskPilot's own callbacks
(``X-DeskPilot-Timestamp`` and ``X-DeskPilot-Signature``, see ``deskpilot.kit.signing``) with
the channel's ``signing_secret``.

One call is one conversation (thread key = ``call_id``). Each customer turn is stored as an
inbound customer message (external id ``{call_id}:{turn index}``, so a repeated post stores
nothing twice, and a later post with more turns adds only the new ones). Intake stores customer
messages only, so the agent's turns are kept with the call, not as messages: the call's first
stored message carries the whole transcript, both speakers in order, as a text attachment
(``call-{call_id}.txt``) and as the structured call in its raw payload.

A voice channel cannot send: an agent's reply on it fails at once with the reason.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import ClassVar, Literal

import httpx
from pydantic import BaseModel, Field

from deskpilot.channels.base import (
    ChannelContext,
    ChannelResponse,
    DeliveryError,
    InboundRequest,
    InboundResult,
    OutboundMessage,
    SendResult,
    parse_json_body,
)
from deskpilot.conversations.intake import InboundAttachment, InboundMessage
from deskpilot.customers.identity import normalise_phone
from deskpilot.customers.service import SenderHandle
from deskpilot.kit.crypto import new_token
from deskpilot.kit.errors import (
    BadRequest,
    InvalidInput,
    PayloadTooLarge,
    Unauthorized,
)
from deskpilot.kit.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

TRANSCRIPT_MAX_BYTES = 2 * 1024 * 1024


class VoiceConfig(BaseModel):
    default_region: str | None = Field(
        None,
        pattern=r"^[A-Z]{2}$",
        description="Region (ISO 3166, 'DE') for callers' numbers without a country code.",
    )


class VoiceSecrets(BaseModel):
    signing_secret: str = Field(
        default_factory=lambda: new_token(24),
        min_length=16,
        description="Signs the telephony system's posts (X-DeskPilot-Signature). Generated.",
    )


class VoiceTurn(BaseModel):
    speaker: Literal["customer", "agent"]
    text: str = Field(max_length=100_000)
    at: datetime | None = None


class VoiceCall(BaseModel):
    call_id: str = Field(min_length=1, max_length=200, description="Deduplicates and threads.")
    caller: str = Field(min_length=1, max_length=40, description="The customer's number.")
    caller_name: str | None = Field(None, max_length=200)
    callee: str | None = Field(None, max_length=200, description="The number that was called.")
    agent: str | None = Field(None, max_length=200, description="Who answered.")
    started_at: datetime | None = None
    ended_at: datetime | None = None
    turns: list[VoiceTurn] = Field(max_length=5000)


def _signed(channel: ChannelContext, request: InboundRequest) -> None:
    secret = channel.secrets.get("signing_secret", "")
    timestamp = request.headers.get(TIMESTAMP_HEADER.lower(), "")
    sent = request.headers.get(SIGNATURE_HEADER.lower(), "")
    if not (secret and timestamp and sent):
        raise Unauthorized(f"{SIGNATURE_HEADER} and {TIMESTAMP_HEADER} are required")
    if not verify(secret, timestamp, request.body, sent):
        raise Unauthorized("the signature does not match (or the timestamp is too old)")


def _call(body: bytes) -> tuple[VoiceCall, dict[str, object]]:
    return parse_json_body(body, VoiceCall)


def _clock(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else "-"


def transcript(call: VoiceCall) -> str:
    """The call as agents read it: a header, then every turn of both speakers in order."""
    lines = [
        f"Call {call.call_id}",
        f"From: {call.caller}" + (f" ({call.caller_name})" if call.caller_name else ""),
    ]
    if call.callee:
        lines.append(f"To: {call.callee}")
    if call.agent:
        lines.append(f"Agent: {call.agent}")
    lines.append(f"Started: {_clock(call.started_at)}  Ended: {_clock(call.ended_at)}")
    lines.append("")
    for turn in call.turns:
        who = "Customer" if turn.speaker == "customer" else "Agent"
        lines.append(f"[{_clock(turn.at)}] {who}: {turn.text}")
    return "\n".join(lines) + "\n"


def _caller(call: VoiceCall, region: str | None) -> str:
    """The caller's number in E.164 when it parses, so every call of one number meets."""
    try:
        return normalise_phone(call.caller, region)
    except ValueError:
        return call.caller.strip()


class VoiceChannel:
    channel_type: ClassVar[str] = "voice"
    display_name: ClassVar[str] = "Voice (call transcripts)"
    config_model: ClassVar[type[BaseModel]] = VoiceConfig
    secrets_model: ClassVar[type[BaseModel]] = VoiceSecrets
    max_attachment_bytes: ClassVar[int] = TRANSCRIPT_MAX_BYTES

    async def parse_inbound(
        self, channel: ChannelContext, request: InboundRequest
    ) -> InboundResult:
        if request.method != "POST":
            raise BadRequest("post call transcripts with POST")
        _signed(channel, request)
        call, decoded = _call(request.body)
        customer_turns = [
            (index, turn)
            for index, turn in enumerate(call.turns)
            if turn.speaker == "customer" and turn.text.strip()
        ]
        if not customer_turns:
            raise InvalidInput.field(
                "body.turns", "a call needs at least one customer turn with text to be stored"
            )
        text = transcript(call).encode()
        if len(text) > self.max_attachment_bytes:
            raise PayloadTooLarge(f"the transcript is over {self.max_attachment_bytes} bytes")
        region = VoiceConfig.model_validate(channel.config).default_region
        number = _caller(call, region)
        sender = SenderHandle(external_id=number, name=call.caller_name, phone=number)
        messages = []
        for position, (index, turn) in enumerate(customer_turns):
            first = position == 0
            raw: dict[str, object] = {"call_id": call.call_id, "turn": index}
            if first:
                raw["call"] = decoded  # the whole transcript, the agent's turns included
            messages.append(
                InboundMessage(
                    sender=sender,
                    text=turn.text,
                    external_id=f"{call.call_id}:{index}",
                    attachments=(
                        [InboundAttachment(f"call-{call.call_id}.txt", "text/plain", text)]
                        if first
                        else []
                    ),
                    thread_key=call.call_id,
                    subject=f"Call from {number}",
                    sent_at=turn.at,
                    raw=raw,
                )
            )
        answer = json.dumps({"call_id": call.call_id, "customer_turns": len(messages)})
        return InboundResult(
            messages=messages,
            response=ChannelResponse(200, answer.encode(), "application/json"),
        )

    async def send(
        self, channel: ChannelContext, message: OutboundMessage, http: httpx.AsyncClient
    ) -> SendResult:
        raise DeliveryError("voice channels cannot send messages", permanent=True)
