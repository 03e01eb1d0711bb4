"""HTTP for a member's own notifications and their email setting.

A signed-in member sees and marks only their own notifications (someone else's is a 404). An API
key is no person: it stands for the workspace and sees every member's (for integrations that
forward them); it has no settings.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from deskpilot.auth.dependencies import ViewerAuth
from deskpilot.kit.deps import SessionDep
from deskpilot.tickets.notifications import service
from deskpilot.tickets.notifications.schemas import (
    NotificationRead,
    NotificationSettings,
    NotificationSettingsRead,
    ReadAllResult,
)

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])


@router.get("")
async def list_notifications(
    principal: ViewerAuth,
    session: SessionDep,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[NotificationRead]:
    """The caller's notifications, newest first (`unread=true`: only those not read yet)."""
    found = await service.list_notifications(session, principal, unread=unread, limit=limit)
    return [NotificationRead.model_validate(n) for n in found]


@router.post("/read-all")
async def read_all(principal: ViewerAuth, session: SessionDep) -> ReadAllResult:
    return ReadAllResult(marked=await service.mark_all_read(session, principal))


@router.patch("/settings")
async def change_settings(
    body: NotificationSettings, principal: ViewerAuth, session: SessionDep
) -> NotificationSettingsRead:
    """`{"email": false}` stops notification emails to the caller (in this workspace)."""
    return NotificationSettingsRead(email=await service.set_email(session, principal, body.email))


@router.post("/{notification_id}/read")
async def read_one(
    notification_id: str, principal: ViewerAuth, session: SessionDep
) -> NotificationRead:
    notification = await service.mark_read(session, principal, notification_id)
    return NotificationRead.model_validate(notification)
