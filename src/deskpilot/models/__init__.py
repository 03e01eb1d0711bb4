"""SQLAlchemy tables, one file per aggregate. Importing this package registers them all."""

from deskpilot.kit.jobs.table import Job
from deskpilot.models.channel import Channel
from deskpilot.models.conversation import (
    Conversation,
    ConversationLabel,
    ConversationStatus,
    DeliveryStatus,
    Direction,
    HandledBy,
    Message,
    Priority,
    SenderType,
)
from deskpilot.models.credentials import ApiKey, WebSession
from deskpilot.models.customer import Customer, CustomerIdentity, IdentityKind
from deskpilot.models.user import Membership, Role, User
from deskpilot.models.webhook import DeliveryState, WebhookDelivery, WebhookSubscription
from deskpilot.models.workspace import Workspace, WorkspaceSecret

__all__ = [
    "ApiKey",
    "Channel",
    "Conversation",
    "ConversationLabel",
    "ConversationStatus",
    "Customer",
    "CustomerIdentity",
    "DeliveryState",
    "DeliveryStatus",
    "Direction",
    "HandledBy",
    "IdentityKind",
    "Job",
    "Membership",
    "Message",
    "Priority",
    "Role",
    "SenderType",
    "User",
    "WebSession",
    "WebhookDelivery",
    "WebhookSubscription",
    "Workspace",
    "WorkspaceSecret",
]
