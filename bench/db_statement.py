"""The cost of one SQL statement through DeskPilot's database layer, on SQLite and PostgreSQL.

    python bench/db_statement.py [--statements 2000] [--postgres URL] [--json]

Times ``SELECT 1`` and a primary-key lookup of one row through an ``AsyncSession`` of
``deskpilot.kit.db.Database``, inside one transaction, as the app's services run them: what
every statement pays besides its own work (SQLAlchemy, the driver, the trip to the driver's
thread). SQLite runs on a temporary file; PostgreSQL only when ``--postgres`` names a server
(a temporary table there).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from deskpilot.kit.db import Database


async def _time(url: str, statements: int) -> dict[str, float]:
    database = Database(url)
    figures: dict[str, float] = {}
    try:
        async with database.transaction() as session:
            await session.execute(
                text("CREATE TEMPORARY TABLE bench_row (id INTEGER PRIMARY KEY, name TEXT)")
            )
            await session.execute(
                text("INSERT INTO bench_row (id, name) VALUES (:id, :name)"),
                [{"id": i, "name": f"row {i}"} for i in range(1000)],
            )
            for label, sql in (
                ("select_1_ms", "SELECT 1"),
                ("select_by_key_ms", "SELECT id, name FROM bench_row WHERE id = :id"),
            ):
                await session.execute(text(sql), {"id": 1})  # warm: statement caches
                runs: list[float] = []
                for n in range(statements):
                    began = time.perf_counter()
                    (await session.execute(text(sql), {"id": n % 1000})).all()
                    runs.append((time.perf_counter() - began) * 1000)
                figures[label] = round(statistics.median(runs), 3)
    finally:
        await database.dispose()
    return figures


async def run(statements: int, postgres: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="deskpilot-bench-") as tmp:
        result: dict[str, Any] = {
            "sqlite": await _time(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", statements)
        }
    if postgres:
        result["postgresql"] = await _time(postgres, statements)
    return result | {"statements": statements}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--statements", type=int, default=2000)
    parser.add_argument("--postgres", help="postgresql+asyncpg://... to time PostgreSQL too")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args()
    result = asyncio.run(run(args.statements, args.postgres))
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
