"""HTTP for segments: admins write, viewers read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from deskpilot.auth.dependencies import AdminAuth, ViewerAuth
from deskpilot.kit.deps import SessionDep
from deskpilot.kit.pagination import Page
from deskpilot.segments import service
from deskpilot.segments.schemas import (
    MemberRead,
    PreviewRead,
    PreviewRequest,
    SegmentCreate,
    SegmentRead,
    SegmentUpdate,
)

router = APIRouter(prefix="/api/v1/segments", tags=["segments"])

Limit = Annotated[int, Query(ge=1, le=200)]


@router.post("", status_code=201)
async def create_segment(
    body: SegmentCreate, principal: AdminAuth, session: SessionDep
) -> SegmentRead:
    """Save a segment. Its members are computed by a job right after (``member_count`` is 0
    until then); a bad rule is a 422 naming its path, such as ``body.rules.all.1.op``."""
    segment = await service.create_segment(session, principal.workspace_id, body)
    return await service.get_segment(session, principal.workspace_id, segment.id)


@router.post("/preview")
async def preview_segment(
    body: PreviewRequest, principal: ViewerAuth, session: SessionDep
) -> PreviewRead:
    """How many customers the rules select now, with a sample, without saving anything."""
    return await service.preview(session, principal.workspace_id, body)


@router.get("")
async def list_segments(principal: ViewerAuth, session: SessionDep) -> list[SegmentRead]:
    return await service.list_segments(session, principal.workspace_id)


@router.get("/{segment_id}")
async def get_segment(segment_id: str, principal: ViewerAuth, session: SessionDep) -> SegmentRead:
    return await service.get_segment(session, principal.workspace_id, segment_id)


@router.patch("/{segment_id}")
async def update_segment(
    segment_id: str, body: SegmentUpdate, principal: AdminAuth, session: SessionDep
) -> SegmentRead:
    """Rename, describe or change the rules; new rules re-evaluate every customer (a job)."""
    return await service.update_segment(session, principal.workspace_id, segment_id, body)


@router.delete("/{segment_id}", status_code=204)
async def delete_segment(segment_id: str, principal: AdminAuth, session: SessionDep) -> None:
    await service.delete_segment(session, principal.workspace_id, segment_id)


@router.get("/{segment_id}/members")
async def list_members(
    segment_id: str,
    principal: ViewerAuth,
    session: SessionDep,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[MemberRead]:
    """Members, newest first; pass ``next_cursor`` back as ``cursor`` for the next page."""
    return await service.members(session, principal.workspace_id, segment_id, cursor, limit)
