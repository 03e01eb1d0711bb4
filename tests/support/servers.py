"""Real servers on loopback: the app under uvicorn in this process, or ``deskpilot serve`` in
child processes, and a WebSocket client for ``/api/v1/ws``.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from websockets.asyncio.client import ClientConnection, connect

START_TIMEOUT = 30.0
EVENT_TIMEOUT = 5.0


def free_port() -> int:
    """A port that was free a moment ago (for servers that only take a port number)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@asynccontextmanager
async def serve_app(app: FastAPI) -> AsyncIterator[str]:
    """Run ``app`` (its lifespan too) under uvicorn on a loopback port; yield ``host:port``.

    The socket is bound here and handed to uvicorn, so no other process can take the port.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        lifespan="on",
        log_config=None,
        ws="websockets-sansio",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:

        async def started() -> None:
            while not server.started:
                if task.done():
                    task.result()  # raises what stopped it, if anything did
                    raise RuntimeError("uvicorn stopped before it started (see the log)")
                await asyncio.sleep(0.01)

        await asyncio.wait_for(started(), START_TIMEOUT)
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        try:
            await asyncio.wait_for(task, START_TIMEOUT)
        finally:
            sock.close()


@dataclass
class ServerProcess:
    """A ``deskpilot serve`` child process and where it listens."""

    process: subprocess.Popen[bytes]
    address: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


def _spawn(env: Mapping[str, str], workdir: Path, index: int) -> ServerProcess:
    port = free_port()
    log_path = workdir / f"server-{index}-{port}.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "deskpilot", "serve", "--port", str(port), "--no-worker"],
            cwd=workdir,  # so that no .env of the developer's checkout is read
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    return ServerProcess(process, f"127.0.0.1:{port}", log_path)


async def _healthy(server: ServerProcess, http: httpx.AsyncClient) -> bool:
    """Wait for /healthz; False if the process died first (a port taken meanwhile, say)."""
    while server.process.poll() is None:
        try:
            response = await http.get(f"http://{server.address}/healthz")
            if response.status_code == 200:
                return True
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.05)
    return False


def _stop(server: ServerProcess) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


def server_env(settings: Mapping[str, str]) -> dict[str, str]:
    """This environment without any ``DESKPILOT_*`` variable, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKPILOT_")}
    env.update(settings)
    return env


@asynccontextmanager
async def serve_processes(
    count: int, env: Mapping[str, str], workdir: Path, attempts: int = 3
) -> AsyncIterator[list[ServerProcess]]:
    """Start ``count`` ``deskpilot serve`` processes (booting in parallel); stop them at the end.

    A process that dies before it answers /healthz (its port was taken meanwhile) is started
    again on another port, up to ``attempts`` times.
    """
    spawned: list[ServerProcess] = []

    def spawn() -> ServerProcess:
        server = _spawn(env, workdir, len(spawned))
        spawned.append(server)
        return server

    try:
        candidates = [spawn() for _ in range(count)]
        ready: list[ServerProcess] = []
        async with httpx.AsyncClient(timeout=2) as http:
            for server in candidates:
                for attempt in range(attempts):
                    if await asyncio.wait_for(_healthy(server, http), START_TIMEOUT):
                        break
                    if attempt == attempts - 1:
                        raise RuntimeError(f"deskpilot serve did not start:\n{server.log()}")
                    server = spawn()
                ready.append(server)
        yield ready
    finally:
        await asyncio.gather(*(asyncio.to_thread(_stop, server) for server in spawned))


@asynccontextmanager
async def event_socket(
    address: str, headers: Mapping[str, str] | None = None
) -> AsyncIterator[ClientConnection]:
    """A WebSocket on ``/api/v1/ws`` whose ``realtime.connected`` greeting was checked."""
    async with connect(
        f"ws://{address}/api/v1/ws", additional_headers=headers, open_timeout=EVENT_TIMEOUT
    ) as websocket:
        greeting = await next_message(websocket)
        assert greeting["name"] == "realtime.connected", greeting
        yield websocket


async def next_message(websocket: ClientConnection, within: float = EVENT_TIMEOUT) -> Any:
    """The next JSON message, or TimeoutError if none comes ``within`` seconds."""
    return json.loads(await asyncio.wait_for(websocket.recv(), within))
