"""SQLAlchemy tables, one file per aggregate. Importing this package registers them all."""

from deskpilot.kit.jobs.table import Job
from deskpilot.models.credentials import ApiKey, WebSession
from deskpilot.models.user import Membership, Role, User
from deskpilot.models.workspace import Workspace, WorkspaceSecret

__all__ = [
    "ApiKey",
    "Job",
    "Membership",
    "Role",
    "User",
    "WebSession",
    "Workspace",
    "WorkspaceSecret",
]
