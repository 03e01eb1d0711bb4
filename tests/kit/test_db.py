from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event, select, text
from sqlalchemy.exc import StatementError

from deskpilot.kit.db import Database, on_commit, refresh_statistics
from deskpilot.kit.deps import Resources, SessionDep
from deskpilot.kit.error_handlers import install_error_handlers
from deskpilot.models import Customer, CustomerIdentity, IdentityKind, Workspace, WorkspaceSecret
from deskpilot.workspaces.repository import SecretRepository
from tests.factories import Tenant


async def test_after_commit_callbacks_run_after_commit_and_never_after_rollback(
    database: Database,
) -> None:
    seen: list[str] = []

    async def record_visible_rows() -> None:
        async with database.transaction() as other:  # a new connection sees only committed data
            seen.append(
                str(await other.scalar(select(Workspace.slug).where(Workspace.slug == "x")))
            )

    async with database.transaction() as session:
        session.add(Workspace(slug="x", name="X"))
        on_commit(session, record_visible_rows)
        assert seen == []
    assert seen == ["x"]

    with pytest.raises(RuntimeError):
        async with database.transaction() as session:
            session.add(Workspace(slug="y", name="Y"))
            on_commit(session, record_visible_rows)
            raise RuntimeError("boom")
    assert seen == ["x"]
    async with database.transaction() as session:
        assert await session.scalar(select(Workspace).where(Workspace.slug == "y")) is None


async def test_a_failed_after_commit_callback_does_not_undo_the_commit(database: Database) -> None:
    async def broken() -> None:
        raise ConnectionError("bus down")

    async with database.transaction() as session:
        session.add(Workspace(slug="kept", name="Kept"))
        on_commit(session, broken)
    async with database.transaction() as session:
        assert (
            await session.scalar(select(Workspace.name).where(Workspace.slug == "kept")) == "Kept"
        )


async def test_the_request_commits_before_the_response_is_sent(
    resources: Resources, database: Database
) -> None:
    """A commit that fails turns into an error response, never into a 2xx."""
    app = FastAPI()
    app.state.resources = resources
    install_error_handlers(app)

    @app.post("/fail-at-commit")
    async def fail_at_commit(session: SessionDep) -> dict[str, str]:
        session.add(Workspace(slug="never", name="Never"))

        def refuse(_: Any) -> None:
            raise RuntimeError("commit refused")

        event.listen(session.sync_session, "before_commit", refuse)
        return {"status": "created"}

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        response = await client.post("/fail-at-commit")
    assert response.status_code == 500
    async with database.transaction() as session:
        assert await session.scalar(select(Workspace).where(Workspace.slug == "never")) is None


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(database: Database) -> None:
    if database.dialect != "sqlite":
        pytest.skip("SQLite only")
    async with database.engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1


async def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        async with database.transaction() as session:
            session.add(WorkspaceSecret(workspace_id="ws_missing", name="n", ciphertext="c"))


async def test_timestamps_are_utc_aware_and_naive_ones_are_refused(
    database: Database, tenant: Tenant
) -> None:
    async with database.transaction() as session:
        workspace = await session.get(Workspace, tenant.workspace_id)
        assert workspace is not None
        assert workspace.created_at.utcoffset() is not None
        assert workspace.created_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    with pytest.raises(StatementError, match="naive datetimes"):
        async with database.transaction() as session:
            workspace = await session.get(Workspace, tenant.workspace_id)
            assert workspace is not None
            workspace.updated_at = datetime(2026, 1, 1)


async def test_workspace_repository_refuses_a_record_of_another_workspace(
    database: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    async with database.transaction() as session:
        repo = SecretRepository(session, tenant.workspace_id)
        foreign = WorkspaceSecret(workspace_id=other_tenant.workspace_id, name="n", ciphertext="c")
        with pytest.raises(ValueError, match="must belong to it"):
            repo.add(foreign)


async def test_gathered_planner_statistics_reach_every_pooled_sqlite_connection(
    database: Database, tenant: Tenant
) -> None:
    """Without statistics SQLite walked every identity of the workspace (its unique index on
    workspace, kind, value gives the order asked for) to find one customer's identities."""
    if database.dialect != "sqlite":
        pytest.skip("SQLite only: PostgreSQL's autovacuum gathers its own statistics")
    async with database.transaction() as session:
        for n in range(300):
            customer = Customer(workspace_id=tenant.workspace_id, name=f"c{n}")
            session.add(customer)
            await session.flush()
            session.add(
                CustomerIdentity(
                    workspace_id=tenant.workspace_id,
                    customer_id=customer.id,
                    kind=IdentityKind.EMAIL,
                    value=f"c{n}@example.com",
                )
            )
    plan_sql = (
        "EXPLAIN QUERY PLAN SELECT * FROM customer_identities"
        " WHERE workspace_id = ? AND customer_id = ? ORDER BY kind, value"
    )

    async def plans() -> list[str]:
        found: list[str] = []
        async with database.engine.connect() as first, database.engine.connect() as second:
            for connection in (first, second):  # two pooled connections, opened before
                rows = await connection.exec_driver_sql(plan_sql, (tenant.workspace_id, "c"))
                found.append(" ".join(str(row[-1]) for row in rows))
                await connection.commit()
        return found

    await plans()  # both connections have read the schema, without statistics
    async with database.transaction() as session:
        await refresh_statistics(session)
    assert all("ix_customer_identities_customer_id" in plan for plan in await plans())


async def test_an_invalidated_connection_lets_the_original_error_through(
    database: Database,
) -> None:
    """A connection that dies mid-transaction is invalidated; the rollback that follows used to
    raise PendingRollbackError (from reading the dead connection's info), hiding the error."""
    with pytest.raises(ValueError, match="the original error"):
        async with database.transaction() as session:
            await session.execute(text("SELECT 1"))
            await (await session.connection()).invalidate()
            raise ValueError("the original error")
    async with database.transaction() as session:  # the write lock was released
        assert (await session.execute(text("SELECT 1"))).scalar() == 1


async def test_lower_folds_every_script_on_both_databases(
    database: Database, tenant: Tenant
) -> None:
    """A name search lower-cases the column in SQL: SQLite's built-in lower() folded only A-Z,
    so "иван" never found "Иван Петров" there (it did on PostgreSQL)."""
    from deskpilot.customers.service import search_customers

    async with database.transaction() as session:
        assert await session.scalar(text("SELECT lower('ИВАН Ébène ABC')")) == "иван ébène abc"
        assert await session.scalar(text("SELECT lower(NULL)")) is None
        session.add_all(
            Customer(workspace_id=tenant.workspace_id, name=name)
            for name in ("Иван Петров", "Éloïse Brown", "李伟")
        )
    async with database.transaction() as session:
        for query, expected in (
            ("иван", "Иван Петров"),
            ("ПЕТРОВ", "Иван Петров"),
            ("éloïse", "Éloïse Brown"),
            ("李伟", "李伟"),
        ):
            found, _ = await search_customers(session, tenant.workspace_id, query, None, 10)
            assert [c.name for c in found] == [expected], query
