"""Jobs of the auth domain."""

from __future__ import annotations

from deskpilot.auth.repository import CredentialRepository
from deskpilot.kit.clock import utcnow
from deskpilot.kit.jobs.registry import JobContext, NoPayload, default_registry


@default_registry.periodic("auth.purge_sessions", every_seconds=3600)
async def purge_expired_sessions(ctx: JobContext, _: NoPayload) -> None:
    await CredentialRepository(ctx.session).delete_expired_sessions(utcnow())
