"""Jobs of the customers domain: ``customer.deduplicate`` (see ``customers.dedupe``)."""

from __future__ import annotations

from deskpilot.customers.dedupe import DEDUPE_JOB, Deduplicate, deduplicate_all
from deskpilot.kit.jobs import JobContext
from deskpilot.kit.jobs.registry import default_registry


@default_registry.handler(DEDUPE_JOB, Deduplicate)
async def deduplicate(ctx: JobContext, payload: Deduplicate) -> None:
    """Runs in the job's transaction: every merge and review of the run commits, or none.

    A retry after a failure starts again from the profiles as they are, so it is idempotent.
    """
    await deduplicate_all(ctx.session, payload, ctx.workspace_id)
