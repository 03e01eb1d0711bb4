"""Inbound messages per second through the API channel, next to a bare FastAPI endpoint.

    python bench/ingest.py [--requests 2000] [--concurrency 32] [--json]

Each server runs in its own process under uvicorn on loopback, with the same settings; this
process is the client. ``bare`` is a FastAPI app whose one endpoint parses the same JSON body and
answers 202 without doing anything, so ``*_ratio`` says how close intake (authenticate the key,
find the channel, resolve the customer, thread, store, queue the realtime event, commit) comes
to the framework's own ceiling on this machine. PostgreSQL is measured when it answers at
``--postgres-url`` (a database is created for the run and dropped after).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import httpx

PYTHON = sys.executable
BARE_APP = """
import sys
from fastapi import FastAPI
from pydantic import BaseModel
import uvicorn

class Sender(BaseModel):
    external_id: str

class Inbound(BaseModel):
    external_id: str
    sender: Sender
    text: str

app = FastAPI()

@app.post("/inbound", status_code=202)
async def inbound(body: Inbound) -> dict[str, str]:
    return {}

uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def body(n: int) -> dict[str, object]:
    return {
        "external_id": f"bench-{uuid.uuid4().hex}",
        "sender": {"external_id": f"customer-{n % 200}"},
        "text": f"Where is my order number {n}?",
    }


async def wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}")
            try:
                await client.get(url)
                return
            except httpx.HTTPError:
                await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


class Connection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams: far cheaper per request than a
    full client library, so that the client is not what limits the figure."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, payload: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = [
            f"POST {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Content-Type: application/json",
            f"Content-Length: {len(payload)}",
        ]
        head += [f"{name}: {value}" for name, value in headers.items()]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return int(status_line.split()[1]), await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def hammer(url: str, headers: dict[str, str], requests: int, concurrency: int) -> float:
    """Requests per second for ``requests`` POSTs, ``concurrency`` connections in flight."""
    parsed = httpx.URL(url)
    assert parsed.port is not None
    connections = [Connection(parsed.host, parsed.port) for _ in range(concurrency)]
    numbers = iter(range(requests))

    async def run(connection: Connection, count: int | None) -> None:
        for n in numbers if count is None else range(count):
            status, answer = await connection.post(
                parsed.path, json.dumps(body(n)).encode(), headers
            )
            if status != 202:
                raise RuntimeError(f"{status}: {answer[:300]!r}")

    try:
        await asyncio.gather(*(run(c, 5) for c in connections))  # warm up every connection
        started = time.perf_counter()
        await asyncio.gather(*(run(c, None) for c in connections))
        return requests / (time.perf_counter() - started)
    finally:
        for connection in connections:
            connection.close()


async def bare(requests: int, concurrency: int) -> float:
    port = free_port()
    process = subprocess.Popen([PYTHON, "-c", BARE_APP, str(port)])
    try:
        await wait_healthy(f"http://127.0.0.1:{port}/docs", process)
        return await hammer(f"http://127.0.0.1:{port}/inbound", {}, requests, concurrency)
    finally:
        process.terminate()
        process.wait()


async def deskpilot(database_url: str | None, requests: int, concurrency: int) -> float:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "DESKPILOT_DATA_DIR": data_dir,
            "DESKPILOT_LOG_LEVEL": "WARNING",
            "DESKPILOT_SECRET_KEY": "bench",
        }
        env.pop("DESKPILOT_REDIS_URL", None)
        if database_url:
            env["DESKPILOT_DATABASE_URL"] = database_url
        else:
            env.pop("DESKPILOT_DATABASE_URL", None)
        cli = [PYTHON, "-m", "deskpilot"]
        subprocess.run(
            [*cli, "workspace", "create", "bench", "--name", "Bench"],
            env=env,
            check=True,
            capture_output=True,
        )
        key = subprocess.run(
            [*cli, "apikey", "create", "--role", "admin"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        port = free_port()
        process = subprocess.Popen(
            [*cli, "serve", "--port", str(port)], env=env, stderr=subprocess.DEVNULL
        )
        try:
            base = f"http://127.0.0.1:{port}"
            await wait_healthy(f"{base}/healthz", process)
            headers = {"Authorization": f"Bearer {key}"}
            async with httpx.AsyncClient() as client:
                created = await client.post(
                    f"{base}/api/v1/channels",
                    headers=headers,
                    json={"type": "api", "name": "bench"},
                )
                created.raise_for_status()
            url = f"{base}/api/v1/channels/{created.json()['id']}/inbound"
            return await hammer(url, headers, requests, concurrency)
        finally:
            process.terminate()
            process.wait()


async def postgres_database(admin_url: str) -> tuple[str, str] | None:
    import asyncpg

    try:
        admin = await asyncpg.connect(admin_url.replace("+asyncpg", ""))
    except (OSError, asyncpg.PostgresError):
        return None
    name = f"deskpilot_bench_{uuid.uuid4().hex[:8]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return name, admin_url.rsplit("/", 1)[0] + f"/{name}"


async def drop_database(admin_url: str, name: str) -> None:
    import asyncpg

    admin = await asyncpg.connect(admin_url.replace("+asyncpg", ""))
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


async def main(args: argparse.Namespace) -> dict[str, float | None]:
    bare_per_s = await bare(args.requests, args.concurrency)
    sqlite_per_s = await deskpilot(None, args.requests, args.concurrency)
    postgres_per_s = None
    created = await postgres_database(args.postgres_url)
    if created is not None:
        name, url = created
        try:
            postgres_per_s = await deskpilot(url, args.requests, args.concurrency)
        finally:
            await drop_database(args.postgres_url, name)
    return {
        "bare_per_s": round(bare_per_s, 1),
        "sqlite_per_s": round(sqlite_per_s, 1),
        "postgres_per_s": round(postgres_per_s, 1) if postgres_per_s else None,
        "sqlite_ratio": round(sqlite_per_s / bare_per_s, 3),
        "postgres_ratio": round(postgres_per_s / bare_per_s, 3) if postgres_per_s else None,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--postgres-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    arguments = parser.parse_args()
    figures = asyncio.run(main(arguments))
    if arguments.json:
        print(json.dumps(figures))
    else:
        for name, value in figures.items():
            print(f"{name:>16}: {value}")
