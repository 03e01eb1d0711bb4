"""A throwaway PostgreSQL 16 with pgvector for the benches (the ``pgserver`` wheel, a dev
dependency): the machine's own PostgreSQL has no pgvector."""

from __future__ import annotations

import contextlib
import tempfile
import warnings
from collections.abc import Iterator


@contextlib.contextmanager
def pgvector_url() -> Iterator[str]:
    """Start the server in a temporary folder; its asyncpg URL; stop and delete it after."""
    with warnings.catch_warnings():  # platformdirs: XDG_RUNTIME_DIR unset on servers
        warnings.simplefilter("ignore")
        from pgserver.postgres_server import get_server

        server = get_server(tempfile.mkdtemp(prefix="deskpilot-bench-pg-"), "delete")
    try:
        socket_dir = server.get_postmaster_info().socket_dir
        yield f"postgresql+asyncpg://postgres@/postgres?host={socket_dir}"
    finally:
        server.cleanup()
