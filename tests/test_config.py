from __future__ import annotations

from pathlib import Path

import pytest

from deskpilot.config import Settings

DOCS = Path(__file__).parents[1] / "docs" / "configuration.md"


def test_every_setting_is_documented() -> None:
    documented = DOCS.read_text()
    missing = [
        f"DESKPILOT_{name.upper()}"
        for name in Settings.model_fields
        if f"`DESKPILOT_{name.upper()}`" not in documented
    ]
    assert not missing, f"add these to docs/configuration.md: {missing}"


def test_settings_come_from_prefixed_environment_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DESKPILOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DESKPILOT_PORT", "9123")
    settings = Settings(_env_file=None)
    assert settings.port == 9123
    assert settings.effective_database_url == f"sqlite+aiosqlite:///{tmp_path / 'deskpilot.db'}"


def test_a_database_url_replaces_the_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKPILOT_DATABASE_URL", "postgresql+asyncpg://u@db/deskpilot")
    assert Settings(_env_file=None).effective_database_url == "postgresql+asyncpg://u@db/deskpilot"


def test_settings_are_read_from_a_dotenv_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DESKPILOT_WORKER_CONCURRENCY=7\n")
    assert Settings(_env_file=env_file).worker_concurrency == 7


def test_invalid_settings_are_refused_with_the_setting_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DESKPILOT_WORKER_CONCURRENCY", "0")
    with pytest.raises(ValueError, match="worker_concurrency"):
        Settings(_env_file=None)
