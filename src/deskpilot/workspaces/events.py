"""Realtime events of the workspaces domain."""

from __future__ import annotations

from deskpilot.kit.bus import BusEvent
from deskpilot.models import Workspace

WORKSPACE_UPDATED = "workspace.updated"


def workspace_updated(workspace: Workspace, changed: list[str]) -> BusEvent:
    return BusEvent(
        name=WORKSPACE_UPDATED,
        workspace_id=workspace.id,
        data={"id": workspace.id, "name": workspace.name, "changed": changed},
    )
