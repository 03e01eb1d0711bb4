"""HTTP for a profile's merge history: the merges into it that can still be undone."""

from __future__ import annotations

from fastapi import APIRouter

from deskpilot.auth.dependencies import ViewerAuth
from deskpilot.customers import service
from deskpilot.customers.repository import MergeRepository
from deskpilot.customers.schemas import MergeRead
from deskpilot.kit.deps import SessionDep

router = APIRouter(prefix="/api/v1/customers", tags=["customers"])


@router.get("/{customer_id}/merges")
async def list_merges(
    customer_id: str, principal: ViewerAuth, session: SessionDep
) -> list[MergeRead]:
    """Merges into the profile (or its survivor) not undone yet, newest first: each one's id
    undoes it at `POST /api/v1/customers/merges/{merge_id}/undo`."""
    customer = await service.live_customer(session, principal.workspace_id, customer_id)
    merges = await MergeRepository(session, principal.workspace_id).active_into(customer.id)
    return [MergeRead.model_validate(m) for m in merges]
