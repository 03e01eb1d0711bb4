"""The ``deskpilot`` command, run for real in subprocesses against a fresh SQLite file."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from deskpilot.app import create_app
from deskpilot.auth.passwords import verify_password
from deskpilot.config import Settings
from deskpilot.demo.service import DEMO_ADMIN_EMAIL

DEMO_PASSWORD = "deskpilot-demo"  # the default of DESKPILOT_DEMO_PASSWORD


@dataclass(frozen=True, slots=True)
class Deskpilot:
    """Runs ``python -m deskpilot`` with its data in ``data_dir`` and nothing else configured."""

    data_dir: Path

    @property
    def db_path(self) -> Path:
        return self.data_dir / "deskpilot.db"

    def __call__(
        self, *args: str, stdin: str = "", **settings: str
    ) -> subprocess.CompletedProcess[str]:
        """``settings``: more ``DESKPILOT_*`` variables (``EMBEDDINGS="none"``)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("DESKPILOT_")}
        env["DESKPILOT_DATA_DIR"] = str(self.data_dir)
        env |= {f"DESKPILOT_{name}": value for name, value in settings.items()}
        return subprocess.run(
            [sys.executable, "-m", "deskpilot", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            cwd=self.data_dir.parent,  # away from any .env file
            timeout=120,
            check=False,
        )

    def query(self, sql: str, *params: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.db_path) as connection:
            return connection.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def demo_cli(tmp_path_factory: pytest.TempPathFactory) -> tuple[Deskpilot, list[str]]:
    """A data dir where ``deskpilot demo`` ran twice; the stderr of both runs."""
    cli = Deskpilot(tmp_path_factory.mktemp("cli-demo") / "data")
    runs = [cli("demo"), cli("demo")]
    for run in runs:
        assert run.returncode == 0, run.stderr
    return cli, [run.stderr for run in runs]


def test_demo_is_idempotent_and_prints_the_admin_login_on_stderr(
    demo_cli: tuple[Deskpilot, list[str]],
) -> None:
    cli, stderrs = demo_cli

    login_line = f"{DEMO_ADMIN_EMAIL} / {DEMO_PASSWORD}"
    assert all(login_line in stderr for stderr in stderrs)
    assert "already loaded" not in stderrs[0]
    assert "already loaded" in stderrs[1]
    assert cli.query("SELECT slug FROM workspaces") == [("demo",)]
    assert cli.query("SELECT email FROM users") == [(DEMO_ADMIN_EMAIL,)]
    assert cli.query("SELECT role FROM memberships") == [("owner",)]
    [(password_hash,)] = cli.query("SELECT password_hash FROM users")
    assert isinstance(password_hash, str)
    assert verify_password(DEMO_PASSWORD, password_hash)


async def test_apikey_create_prints_only_the_key_and_the_key_works(
    demo_cli: tuple[Deskpilot, list[str]],
) -> None:
    cli, _ = demo_cli

    run = cli("apikey", "create", "--role", "admin", "--workspace", "demo")

    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 1, run.stdout
    key = lines[0]
    assert key.startswith("dp_")
    assert run.stdout == key + "\n"
    key_hash = hashlib.sha256(key.encode()).hexdigest()
    rows = cli.query(
        "SELECT k.role, w.slug, k.revoked_at FROM api_keys k "
        "JOIN workspaces w ON w.id = k.workspace_id WHERE k.key_hash = ?",
        key_hash,
    )
    assert rows == [("admin", "demo", None)]
    assert cli.query("SELECT count(*) FROM api_keys WHERE key_hash = ?", key) == [(0,)]

    # The app, on the database the CLI wrote, takes the key.
    settings = Settings(
        _env_file=None,
        data_dir=cli.data_dir,
        database_url=f"sqlite+aiosqlite:///{cli.db_path}",
        redis_url=None,
        secret_key="unused",
        run_worker=False,
        migrate_on_start=False,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 200, me.text
    assert me.json()["role"] == "admin"


def test_user_create_reads_the_password_from_stdin(
    demo_cli: tuple[Deskpilot, list[str]],
) -> None:
    cli, _ = demo_cli

    run = cli(
        "user",
        "create",
        "--email",
        "Agent@Example.com",
        "--role",
        "agent",
        "--password-stdin",
        stdin="typed on stdin 123\n",
    )

    assert run.returncode == 0, run.stderr
    rows = cli.query(
        "SELECT u.id, u.password_hash, m.role FROM users u "
        "JOIN memberships m ON m.user_id = u.id WHERE u.email = ?",
        "agent@example.com",
    )
    [(user_id, password_hash, role)] = rows
    assert run.stdout.strip() == user_id
    assert role == "agent"
    assert isinstance(password_hash, str)
    assert verify_password("typed on stdin 123", password_hash)


def test_user_create_refuses_a_bad_email_cleanly(demo_cli: tuple[Deskpilot, list[str]]) -> None:
    cli, _ = demo_cli

    run = cli(
        "user", "create", "--email", "not-an-email", "--password-stdin", stdin="long enough 1\n"
    )

    assert run.returncode == 1
    assert run.stderr.startswith("error: email: ")
    assert "Traceback" not in run.stderr
    assert cli.query("SELECT count(*) FROM users WHERE email = ?", "not-an-email") == [(0,)]


def test_kb_reindex_rebuilds_every_workspace_and_counts(
    demo_cli: tuple[Deskpilot, list[str]],
) -> None:
    cli, _ = demo_cli
    articles = cli.query("SELECT count(*) FROM articles")[0][0]

    run = cli("kb", "reindex", EMBEDDINGS="none")

    assert run.returncode == 0, run.stderr
    chunks = cli.query("SELECT count(*), count(embedding_model) FROM knowledge_chunks")
    assert chunks == [(chunks[0][0], 0)]  # lexical only now: no chunk keeps a vector
    assert run.stdout.strip() == f"reindexed {articles} articles into {chunks[0][0]} chunks"
    assert cli("kb", "reindex", "--workspace", "no-such-place").returncode == 1


def test_an_unknown_workspace_is_a_clean_error(demo_cli: tuple[Deskpilot, list[str]]) -> None:
    cli, _ = demo_cli
    keys_before = cli.query("SELECT count(*) FROM api_keys")

    run = cli("apikey", "create", "--role", "admin", "--workspace", "no-such-place")

    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr.startswith("error: ")
    assert "no-such-place" in run.stderr
    assert "Traceback" not in run.stderr
    assert cli.query("SELECT count(*) FROM api_keys") == keys_before


def test_with_two_workspaces_the_cli_asks_which_one(tmp_path: Path) -> None:
    cli = Deskpilot(tmp_path / "data")
    for slug in ("north", "south"):
        created = cli("workspace", "create", slug, "--name", slug.title())
        assert created.returncode == 0, created.stderr

    run = cli("apikey", "create", "--role", "agent")

    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr.startswith("error: ")
    assert "--workspace" in run.stderr
    assert "north" in run.stderr
    assert "south" in run.stderr
    assert "Traceback" not in run.stderr
    assert cli.query("SELECT count(*) FROM api_keys") == [(0,)]
