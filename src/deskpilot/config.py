"""Settings, read from ``DESKPILOT_*`` environment variables and a ``.env`` file.

Every setting is listed in docs/configuration.md; a test keeps the two in step.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Depends
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.requests import HTTPConnection


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DESKPILOT_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("./var"), description="SQLite file, attachments and keys.")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL; PostgreSQL as postgresql+asyncpg://user@host/db. "
        "Empty: SQLite at <data_dir>/deskpilot.db.",
    )
    redis_url: str | None = Field(
        None, description="Redis URL for the realtime bus and rate limits across processes."
    )
    secret_key: str | None = Field(
        None,
        description="Key that encrypts stored secrets. Empty: generated in <data_dir>/secret.key.",
    )
    public_url: str | None = Field(
        None, description="Public origin for links sent to customers (tracking, surveys)."
    )
    host: str = Field("127.0.0.1", description="Address `deskpilot serve` listens on.")
    port: int = Field(8000, description="Port `deskpilot serve` listens on (`PORT` in make run).")
    log_level: str = Field("INFO", description="Python log level.")
    log_format: Literal["json", "text"] = Field("json", description="`json` or `text` logs.")
    run_worker: bool = Field(True, description="Run a job worker inside `deskpilot serve`.")
    migrate_on_start: bool = Field(True, description="Apply migrations when the server starts.")
    worker_concurrency: int = Field(4, ge=1, description="Jobs one worker runs at once.")
    worker_poll_seconds: float = Field(1.0, gt=0, description="How often an idle worker looks.")
    job_lease_seconds: int = Field(
        300, ge=1, description="A running job not finished by then is taken as lost and re-run."
    )
    job_max_attempts: int = Field(5, ge=1, description="Default attempts before a job fails.")
    job_backoff_seconds: float = Field(2.0, gt=0, description="First retry delay; doubles.")
    session_days: int = Field(14, ge=1, description="Lifetime of a web login session.")
    cookie_secure: bool = Field(True, description="Mark the session cookie Secure.")
    login_attempts_per_window: int = Field(
        5, ge=1, description="Failed logins allowed per email and per address in the window."
    )
    login_window_seconds: int = Field(300, ge=1, description="The failed-login window.")
    demo_password: str = Field(
        "deskpilot-demo", description="Password of the demo admin created by `deskpilot demo`."
    )
    smtp_listen_host: str = Field("127.0.0.1", description="Address the SMTP listener binds.")
    smtp_listen_port: int | None = Field(
        None, ge=0, le=65535, description="Port of the built-in SMTP listener. Empty: no listener."
    )
    smtp_url: str | None = Field(
        None,
        description="SMTP relay for notification emails: smtp://user:pass@host:port "
        "(smtps:// for TLS). Empty: notification emails are off.",
    )
    mail_from: str = Field(
        "DeskPilot <deskpilot@localhost>", description="Sender of notification emails."
    )

    @cached_property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'deskpilot.db').resolve()}"

    @property
    def public_origin(self) -> str:
        """Where customers reach this server: ``DESKPILOT_PUBLIC_URL``, or host and port."""
        if self.public_url:
            return self.public_url.rstrip("/")
        return f"http://{self.host}:{self.port}"


def get_settings(connection: HTTPConnection) -> Settings:
    settings: Settings = connection.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]
