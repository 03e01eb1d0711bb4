"""Load the demo workspace and its admin. Idempotent: running it again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.auth.users import ensure_user_with_role
from deskpilot.channels.webchat.service import ensure_webchat_channel
from deskpilot.demo.crm import load_crm
from deskpilot.demo.knowledge import load_knowledge
from deskpilot.demo.support import load_support
from deskpilot.models import Role
from deskpilot.workspaces import service as workspaces
from deskpilot.workspaces.schemas import WorkspaceCreate

DEMO_SLUG = "demo"
DEMO_ADMIN_EMAIL = "admin@example.com"


@dataclass(frozen=True, slots=True)
class DemoLogin:
    workspace_slug: str
    email: str
    password: str
    created: bool


async def load_demo(session: AsyncSession, *, admin_password: str) -> DemoLogin:
    workspace = await workspaces.find_workspace_by_slug(session, DEMO_SLUG)
    created = workspace is None
    if workspace is None:
        workspace = await workspaces.create_workspace(
            session, WorkspaceCreate(slug=DEMO_SLUG, name="Demo Shop", default_language="en")
        )
    owner, _ = await ensure_user_with_role(
        session,
        workspace.id,
        email=DEMO_ADMIN_EMAIL,
        name="Demo Admin",
        password=admin_password,
        role=Role.OWNER,
    )
    await ensure_webchat_channel(session, workspace.id, "Website chat")
    await load_crm(session, workspace.id)  # customers and orders (tau2 retail or synthetic)
    await load_knowledge(session, workspace.id)  # FAQ articles, and the tau2 policy if found
    await load_support(session, workspace.id, owner.id)  # hours, SLAs, a team, replies, a rule
    return DemoLogin(DEMO_SLUG, DEMO_ADMIN_EMAIL, admin_password, created)
