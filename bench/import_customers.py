"""Customers imported per second from a generated CSV file, and the peak memory of the process.

    python bench/import_customers.py [--rows 100000] [--database-url URL] [--json]

Writes a CSV of N customers (external id, name, email, phone, country, two custom columns) to a
temporary file, then imports it through the same service ``deskpilot import customers`` uses,
in one transaction on a fresh SQLite file (or the ``--database-url`` given). The peak RSS stays
flat as N grows: rows stream from the file and each written batch leaves the session.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from deskpilot.imports import service
from deskpilot.imports.readers import FileFormat
from deskpilot.imports.records import ImportKind
from deskpilot.kit.db import Database
from deskpilot.migrations.runner import upgrade
from deskpilot.workspaces import service as workspaces
from deskpilot.workspaces.schemas import WorkspaceCreate


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["CRM ID", "Full Name", "Email", "Phone", "Country", "Plan", "Score"])
        for n in range(rows):
            writer.writerow(
                [
                    f"C{n:08d}",
                    f"Customer {n}",
                    f"Customer.{n}@gmail.com",
                    f"+1 202 555 {n % 10000:04d}" if n < 10000 else "",
                    "US",
                    "gold" if n % 7 == 0 else "basic",
                    n % 100,
                ]
            )


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


async def run(rows: int, database_url: str | None, workdir: Path) -> dict[str, object]:
    path = workdir / "customers.csv"
    write_csv(path, rows)
    database = Database(database_url or f"sqlite+aiosqlite:///{workdir / 'bench.db'}")
    try:
        await upgrade(database)
        async with database.transaction() as session:
            workspace = await workspaces.create_workspace(
                session, WorkspaceCreate(slug=f"bench-{int(time.time())}", name="Bench")
            )
        mapping = {"external_id": "CRM ID", "name": "Full Name", "email": "Email"}
        started = time.perf_counter()
        async with database.transaction() as session:
            with path.open("rb") as stream:
                job = await service.import_file(
                    session, workspace.id, ImportKind.CUSTOMERS, stream, FileFormat.CSV, mapping
                )
        seconds = time.perf_counter() - started
    finally:
        await database.dispose()
    return {
        "rows": rows,
        "status": job.status,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "file_mb": round(path.stat().st_size / 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", help="default: a new SQLite file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        result = asyncio.run(run(args.rows, args.database_url, Path(workdir)))
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>16}: {value}")


if __name__ == "__main__":
    main()
