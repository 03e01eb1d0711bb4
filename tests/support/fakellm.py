"""FakeLLM: a scripted OpenAI-compatible server on loopback (real HTTP, uvicorn in this event
loop), standing in for the ``openai`` provider's endpoint.

Each test scripts the answers in order; every request is recorded (path, headers, JSON body) so
tests can assert what left the process (no PII, the tools declared, the key sent)::

    async with FakeLLM.running() as fake:
        fake.script(Reply.status(500), Reply.text("Hello"))
        config = ProviderConfig(slug="openai", base_url=fake.base_url, chat_model="fake-1")
        ...
        assert len(fake.chat_requests) == 2

Answers: :meth:`Reply.text`, :meth:`Reply.tool_calls`, :meth:`Reply.raw_tool_call` (arguments
sent verbatim, e.g. invalid JSON), :meth:`Reply.json` (any JSON body), :meth:`Reply.malformed`
(a body that is not JSON), :meth:`Reply.status` (an HTTP error, optionally with Retry-After),
and ``.after(seconds)`` on any of them to answer late (to exceed the client's timeout). A
delayed answer is released at once when the server stops, so no test waits for it. When
nothing is scripted the server answers 500 and counts it in ``unscripted``.
``/v1/embeddings`` answers deterministic vectors (a hash of each input, or what the test's
``embed_with`` gives) and is recorded too; ``embeddings_status`` set to an error code makes it
fail, and ``embeddings_gate`` (an event) holds its answers until the event is set;
``embedding_arrived`` is set by each request.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request, Response

from tests.support.servers import serve_app

EMBEDDING_DIMENSIONS = 8
DEFAULT_MODEL = "fake-llm-1"


@dataclass(frozen=True)
class Reply:
    """One scripted answer to ``/v1/chat/completions``."""

    status_code: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay_seconds: float = 0.0

    def after(self, seconds: float) -> Reply:
        """The same answer, sent ``seconds`` after the request arrived."""
        return dataclasses.replace(self, delay_seconds=seconds)

    @classmethod
    def json(cls, payload: Any, status_code: int = 200) -> Reply:
        return cls(status_code, json.dumps(payload).encode())

    @classmethod
    def completion(
        cls,
        message: dict[str, Any],
        *,
        finish_reason: str = "stop",
        prompt_tokens: int = 11,
        completion_tokens: int = 7,
        model: str = DEFAULT_MODEL,
    ) -> Reply:
        return cls.json(
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": 1_700_000_000,
                "model": model,
                "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            }
        )

    @classmethod
    def text(cls, content: str, *, prompt_tokens: int = 11, completion_tokens: int = 7) -> Reply:
        return cls.completion(
            {"role": "assistant", "content": content},
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
        )

    @classmethod
    def tool_calls(cls, *calls: tuple[str, dict[str, Any]], content: str | None = None) -> Reply:
        """Calls ``(name, arguments)``; ids are ``call_0``, ``call_1`` ..."""
        return cls.raw_tool_calls(
            *((name, json.dumps(arguments)) for name, arguments in calls), content=content
        )

    @classmethod
    def raw_tool_call(cls, name: str, arguments: str) -> Reply:
        """One call whose ``arguments`` string is sent as is (invalid JSON, a list ...)."""
        return cls.raw_tool_calls((name, arguments))

    @classmethod
    def raw_tool_calls(cls, *calls: tuple[str, str], content: str | None = None) -> Reply:
        return cls.completion(
            {
                "role": "assistant",
                "content": content,
                "tool_calls": [
                    {
                        "id": f"call_{index}",
                        "type": "function",
                        "function": {"name": name, "arguments": arguments},
                    }
                    for index, (name, arguments) in enumerate(calls)
                ],
            },
            finish_reason="tool_calls",
        )

    @classmethod
    def malformed(cls, body: bytes = b"<html><body>502 Bad Gateway</body></html>") -> Reply:
        """A 200 whose body is not JSON."""
        return cls(200, body, {"content-type": "text/html"})

    @classmethod
    def status(cls, code: int, *, retry_after: float | None = None) -> Reply:
        """An OpenAI-style error answer with status ``code``."""
        headers = {"retry-after": f"{retry_after:g}"} if retry_after is not None else {}
        error = {"error": {"message": f"scripted {code}", "type": "fake_error", "code": code}}
        return cls(code, json.dumps(error).encode(), headers)


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    headers: Mapping[str, str]
    body: Any

    @property
    def texts(self) -> list[str]:
        """Every piece of text in the request body (messages, tool results, inputs)."""
        found: list[str] = []

        def walk(value: Any) -> None:
            if isinstance(value, str):
                found.append(value)
            elif isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        walk(self.body)
        return found


class FakeLLM:
    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[RecordedRequest] = []
        self.unscripted = 0
        self.embed_with: Callable[[str], list[float]] = embed
        self.embeddings_status = 200
        self.embeddings_gate: asyncio.Event | None = None
        self.embedding_arrived = asyncio.Event()
        self.chat_gate: asyncio.Event | None = None  # set: chat requests wait until it is set
        self.chat_arrived = asyncio.Event()
        self.address = ""
        self._release: asyncio.Event | None = None
        self.app = FastAPI()
        self.app.add_api_route("/v1/chat/completions", self._chat, methods=["POST"])
        self.app.add_api_route("/v1/embeddings", self._embeddings, methods=["POST"])

    @property
    def base_url(self) -> str:
        return f"http://{self.address}/v1"

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    @classmethod
    @asynccontextmanager
    async def running(cls) -> AsyncIterator[FakeLLM]:
        fake = cls()
        fake._release = asyncio.Event()
        async with serve_app(fake.app) as address:
            fake.address = address
            try:
                yield fake
            finally:
                fake._release.set()  # late answers go out now; the server can stop
                for gate in (fake.embeddings_gate, fake.chat_gate):
                    if gate is not None:
                        gate.set()

    async def _record(self, request: Request) -> RecordedRequest:
        raw = await request.body()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw.decode(errors="replace")
        recorded = RecordedRequest(request.url.path, dict(request.headers), body)
        self.requests.append(recorded)
        return recorded

    async def _chat(self, request: Request) -> Response:
        await self._record(request)
        self.chat_arrived.set()
        if self.chat_gate is not None:
            await self.chat_gate.wait()
        if not self.replies:
            self.unscripted += 1
            return Response(b'{"error": {"message": "FakeLLM: nothing scripted"}}', 500)
        reply = self.replies.popleft()
        if reply.delay_seconds and self._release is not None:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._release.wait(), reply.delay_seconds)
        media_type = reply.headers.get("content-type", "application/json")
        return Response(reply.body, reply.status_code, dict(reply.headers), media_type)

    @property
    def embedding_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/embeddings")]

    async def _embeddings(self, request: Request) -> Response:
        recorded = await self._record(request)
        self.embedding_arrived.set()
        if self.embeddings_gate is not None:
            await self.embeddings_gate.wait()
        if self.embeddings_status != 200:
            return Response(b'{"error": {"message": "FakeLLM: down"}}', self.embeddings_status)
        inputs = recorded.body.get("input", []) if isinstance(recorded.body, dict) else []
        inputs = [inputs] if isinstance(inputs, str) else inputs
        data = [
            {"object": "embedding", "index": index, "embedding": self.embed_with(str(text))}
            for index, text in enumerate(inputs)
        ]
        payload = {"object": "list", "data": data, "model": recorded.body.get("model")}
        return Response(json.dumps(payload), 200, media_type="application/json")


def embed(text: str) -> list[float]:
    """The fake's vector for ``text``: deterministic, different texts differ."""
    digest = hashlib.sha256(text.encode()).digest()
    return [(byte - 127.5) / 127.5 for byte in digest[:EMBEDDING_DIMENSIONS]]
