"""The IMAP poll: every minute, each active email channel with an IMAP host is read."""

from __future__ import annotations

import logging

from deskpilot.channels.email.imap import ImapError, poll_channel
from deskpilot.channels.email.receiving import active_channels
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs.registry import JobContext, NoPayload, default_registry

log = logging.getLogger(__name__)

POLL_IMAP_JOB = "email.poll_imap"
POLL_EVERY_SECONDS = 60


@default_registry.periodic(POLL_IMAP_JOB, every_seconds=POLL_EVERY_SECONDS)
async def poll_imap(ctx: JobContext, payload: NoPayload) -> None:
    """Each mailbox on its own: one that cannot be reached is logged and does not stop the
    others. Messages are stored in transactions of their own, not in the job's."""
    resources = ctx.resource(Resources)
    async with resources.database.transaction() as session:
        channels = [c for c in await active_channels(session) if c.config.get("imap_host")]
    for channel in channels:
        try:
            report = await poll_channel(resources, channel)
        except (ImapError, OSError) as exc:
            log.warning("IMAP poll failed: %s", exc, extra={"channel_id": channel.id})
            continue
        log.info(
            "IMAP poll done",
            extra={
                "channel_id": channel.id,
                "stored": report.stored,
                "duplicates": report.duplicates,
                "dropped": report.dropped,
                "failed": report.failed,
            },
        )
