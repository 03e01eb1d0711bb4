from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class ImportRowError(BaseModel):
    row: int  # records counted from 1; a CSV's header line is not a row
    field: str
    reason: str


class ImportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    status: str  # succeeded | failed (a failed import applied nothing)
    filename: str | None
    mapping: dict[str, Any]
    rows_total: int
    rows_ok: int  # rows that were valid (applied only when the import succeeded)
    rows_failed: int
    errors: list[ImportRowError]  # the first 100
    created_at: datetime
    finished_at: datetime | None
