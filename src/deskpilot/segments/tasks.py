"""The segment jobs: ``segment.reevaluate`` checks one batch of customers against a segment."""

from __future__ import annotations

from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import JobContext
from deskpilot.kit.jobs.registry import default_registry
from deskpilot.segments import service
from deskpilot.segments.service import REEVALUATE_JOB, ReevaluateSegment


@default_registry.handler(REEVALUATE_JOB, ReevaluateSegment)
async def reevaluate(ctx: JobContext, payload: ReevaluateSegment) -> None:
    """Idempotent: a batch run twice finds the memberships already right and changes nothing."""
    if ctx.workspace_id is None:
        return
    await service.reevaluate_segment_batch(
        ctx.session,
        ctx.resource(Resources).bus,
        ctx.workspace_id,
        payload.segment_id,
        payload.after_id,
    )
