"""SQLAlchemy tables, one file per aggregate. Importing this package registers them all."""

from deskpilot.kit.jobs.table import Job
from deskpilot.models.ai import (
    AIConversationState,
    AIIntent,
    AIRun,
    AISettings,
    Decision,
    Handling,
)
from deskpilot.models.automation import (
    AutomationRule,
    CannedResponse,
    Macro,
    Notification,
    RuleRun,
)
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
from deskpilot.models.customer import (
    Consent,
    ConsentStatus,
    Customer,
    CustomerIdentity,
    CustomerMerge,
    IdentityKind,
    MatchReview,
    ReviewStatus,
)
from deskpilot.models.customer_event import CustomerEvent
from deskpilot.models.import_job import ImportJob
from deskpilot.models.knowledge import (
    Article,
    ArticleChange,
    ArticleChangeAction,
    ArticleFeedback,
    ArticleStatus,
    ArticleVersion,
    KnowledgeCategory,
    KnowledgeChunk,
    UnansweredQuestion,
    Visibility,
)
from deskpilot.models.order import Order
from deskpilot.models.segment import Segment, SegmentMembership
from deskpilot.models.sla import BusinessCalendar, SLAPolicy
from deskpilot.models.team import AssignmentMethod, Team, TeamMember
from deskpilot.models.ticket import (
    SatisfactionSurvey,
    Ticket,
    TicketChange,
    TicketConversation,
    TicketSource,
    TicketStatus,
    TicketType,
)
from deskpilot.models.user import Membership, Role, User
from deskpilot.models.webhook import DeliveryState, WebhookDelivery, WebhookSubscription
from deskpilot.models.workspace import Workspace, WorkspaceSecret

__all__ = [
    "AIConversationState",
    "AIIntent",
    "AIRun",
    "AISettings",
    "ApiKey",
    "Article",
    "ArticleChange",
    "ArticleChangeAction",
    "ArticleFeedback",
    "ArticleStatus",
    "ArticleVersion",
    "AssignmentMethod",
    "AutomationRule",
    "BusinessCalendar",
    "CannedResponse",
    "Channel",
    "Consent",
    "ConsentStatus",
    "Conversation",
    "ConversationLabel",
    "ConversationStatus",
    "Customer",
    "CustomerEvent",
    "CustomerIdentity",
    "CustomerMerge",
    "Decision",
    "DeliveryState",
    "DeliveryStatus",
    "Direction",
    "HandledBy",
    "Handling",
    "IdentityKind",
    "ImportJob",
    "Job",
    "KnowledgeCategory",
    "KnowledgeChunk",
    "Macro",
    "MatchReview",
    "Membership",
    "Message",
    "Notification",
    "Order",
    "Priority",
    "ReviewStatus",
    "Role",
    "RuleRun",
    "SLAPolicy",
    "SatisfactionSurvey",
    "Segment",
    "SegmentMembership",
    "SenderType",
    "Team",
    "TeamMember",
    "Ticket",
    "TicketChange",
    "TicketConversation",
    "TicketSource",
    "TicketStatus",
    "TicketType",
    "UnansweredQuestion",
    "User",
    "Visibility",
    "WebSession",
    "WebhookDelivery",
    "WebhookSubscription",
    "Workspace",
    "WorkspaceSecret",
]
