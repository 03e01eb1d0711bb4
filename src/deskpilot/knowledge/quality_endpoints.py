"""HTTP for the knowledge base's quality loop: feedback, the review queue, knowledge gaps.

Agents (and API keys with the agent role, such as the AI's) give and read feedback, read the
review queue and the gaps report; marking an article reviewed needs the workspace's publish
role. The help center's public feedback form lives with the help center (``web/help.py``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Body, Query

from deskpilot.auth.dependencies import AgentAuth
from deskpilot.kit.deps import SessionDep
from deskpilot.knowledge import quality
from deskpilot.knowledge.endpoints import PublisherAuth
from deskpilot.knowledge.schemas import (
    ArticleRead,
    FeedbackCreate,
    FeedbackRead,
    FeedbackSummary,
    GapReport,
    ReviewedRequest,
    ReviewItem,
)

router = APIRouter(prefix="/api/v1/kb", tags=["knowledge"])


class GapMethod(StrEnum):
    AUTO = "auto"  # TF-IDF, plus embeddings when an embedder is configured
    TFIDF = "tfidf"  # TF-IDF only: fast, no model


@router.post("/articles/{article_id}/feedback", status_code=201)
async def give_feedback(
    article_id: str, body: FeedbackCreate, principal: AgentAuth, session: SessionDep
) -> FeedbackRead:
    """Helpful or not, stored against ``version`` (default: the published version; an
    unpublished article needs it named). ``source`` is ``agent`` or ``ai_answer``."""
    return await quality.record_feedback(session, principal.workspace_id, article_id, body)


@router.get("/articles/{article_id}/feedback")
async def feedback_summary(
    article_id: str, principal: AgentAuth, session: SessionDep
) -> FeedbackSummary:
    """Helpful and not helpful counts per version, and the newest comments."""
    return await quality.feedback_summary(session, principal.workspace_id, article_id)


@router.get("/review")
async def review_queue(principal: AgentAuth, session: SessionDep) -> list[ReviewItem]:
    """Articles to review: review date today or past (``review_due``), or at least
    ``POOR_FEEDBACK_MIN_VOTES`` votes on the published version with under half helpful
    (``poor_feedback``). Most overdue first."""
    return await quality.review_queue(session, principal.workspace_id)


@router.post("/articles/{article_id}/reviewed")
async def mark_reviewed(
    article_id: str,
    principal: PublisherAuth,
    session: SessionDep,
    body: Annotated[ReviewedRequest | None, Body()] = None,
) -> ArticleRead:
    """The article was checked: its next review is ``review_due_on`` (after today), by default
    in 180 days."""
    next_review = body.review_due_on if body is not None else None
    return await quality.mark_reviewed(
        session, principal.workspace_id, article_id, next_review, principal.actor
    )


@router.get("/gaps")
async def knowledge_gaps(
    principal: AgentAuth,
    session: SessionDep,
    days: Annotated[int, Query(ge=1, le=quality.MAX_GAP_DAYS)] = 30,
    method: GapMethod = GapMethod.AUTO,
) -> GapReport:
    """Questions the AI could not answer in the last ``days`` days, grouped by similarity:
    count, examples, languages, first and last seen; largest group first."""
    return await quality.gap_report(
        session,
        principal.workspace_id,
        days,
        use_default_embedder=method == GapMethod.AUTO,
    )
