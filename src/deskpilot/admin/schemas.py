from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from deskpilot.kit.jobs import JobState


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    state: JobState
    payload: dict[str, Any]
    attempts: int
    max_attempts: int | None
    run_at: datetime
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None
