"""The knowledge base's quality loop: who may publish, feedback, the review queue, knowledge gaps.

- **Who may publish**: the workspace's ``knowledge_publish_role`` ("admin" by default, or
  "agent") is the least role that may publish, archive, roll back a published article,
  publish on import, change what the public sees of a published article (its visibility,
  language or category: they take effect at once), and move a published article's review
  date (as marking it reviewed does). Agents always edit text, which waits in a
  new version until someone publishes it; viewers never publish.
- **Feedback** (helpful or not, an optional comment) is stored against the article version that
  was shown: agents and AI answers through the API, visitors through the help center.
- **Review queue**: an article is flagged when its review date is today or past
  (``review_due``), or when its published version has at least ``POOR_FEEDBACK_MIN_VOTES``
  votes of which under ``POOR_FEEDBACK_HELPFUL_RATIO`` are helpful (``poor_feedback``).
  Feedback counts per version, so publishing a new version starts its tally afresh; marking an
  article reviewed moves its review date only.
- **Knowledge gaps**: questions the AI could not answer (``record_unanswered``) grouped by
  similarity (``knowledge/gaps.py``) into a report with counts and examples.

Services never commit; the request or job boundary does.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.clock import utcnow
from deskpilot.kit.errors import Forbidden, InvalidInput, NotFound
from deskpilot.knowledge import gaps, service
from deskpilot.knowledge.repository import (
    ArticleRepository,
    FeedbackRepository,
    UnansweredRepository,
    VersionRepository,
    workspace_knowledge_settings,
)
from deskpilot.knowledge.retrieval.embeddings import Embedder, get_embedder
from deskpilot.knowledge.schemas import (
    LANGUAGE,
    ArticleRead,
    ArticleSummary,
    FeedbackComment,
    FeedbackCreate,
    FeedbackRead,
    FeedbackSummary,
    GapReport,
    KnowledgeGap,
    ReviewItem,
    ReviewReason,
    VersionFeedback,
)
from deskpilot.models import Role
from deskpilot.models.knowledge import (
    Article,
    ArticleChangeAction,
    ArticleFeedback,
    UnansweredQuestion,
)

PUBLISH_ROLES = (Role.AGENT, Role.ADMIN)
"""The values ``knowledge_publish_role`` may take."""
REVIEW_INTERVAL_DAYS = 180
"""Marking an article reviewed without a date sets the next review this many days ahead."""
POOR_FEEDBACK_MIN_VOTES = 5
"""Fewer votes than this on the published version never count as poor feedback."""
POOR_FEEDBACK_HELPFUL_RATIO = 0.5
"""Feedback is poor when the helpful share of the published version's votes is under this."""
RECENT_COMMENTS = 20
MAX_QUESTION_CHARS = 2000
MAX_GAP_DAYS = 365
MAX_GAP_QUESTIONS = 2000
"""The gaps report groups at most this many of the newest questions (clustering is quadratic)."""
GAP_EXAMPLES = 5


# Who may publish


async def _settings(session: AsyncSession, workspace_id: str) -> tuple[str, str]:
    found = await workspace_knowledge_settings(session, workspace_id)
    if found is None:
        raise NotFound.of("workspace", workspace_id)
    return found


async def publish_role(session: AsyncSession, workspace_id: str) -> Role:
    """The least role that may publish in the workspace (admin when the setting is unusable)."""
    value, _ = await _settings(session, workspace_id)
    try:
        role = Role(value)
    except ValueError:
        return Role.ADMIN
    return role if role in PUBLISH_ROLES else Role.ADMIN


async def publish_refusal(session: AsyncSession, workspace_id: str, role: Role) -> str | None:
    """Why ``role`` may not publish in the workspace ("needs the admin role; you have agent"),
    or None when it may (never a viewer)."""
    needed = await publish_role(session, workspace_id)
    if not role.at_least(needed) or not role.at_least(Role.AGENT):
        return f"needs the {needed} role; you have {role}"
    return None


async def require_publisher(session: AsyncSession, workspace_id: str, role: Role) -> None:
    """Forbidden unless ``role`` may publish in the workspace (never a viewer)."""
    refusal = await publish_refusal(session, workspace_id, role)
    if refusal is not None:
        raise Forbidden(f"publishing knowledge {refusal}")


async def _today(session: AsyncSession, workspace_id: str) -> date:
    """Today in the workspace's time zone (review dates are calendar dates)."""
    _, timezone = await _settings(session, workspace_id)
    try:
        return utcnow().astimezone(ZoneInfo(timezone)).date()
    except (ValueError, KeyError):
        return utcnow().date()


# Feedback


async def _shown_version(
    session: AsyncSession, article: Article, version: int | None, field: str
) -> int:
    """The version feedback is stored against: the one given (it must exist), else the
    published one; an unpublished article needs the version named."""
    if version is None:
        if article.published_version is None:
            raise InvalidInput.field(field, "the article is not published: name the version")
        return article.published_version
    found = await VersionRepository(session, article.workspace_id).number(article.id, version)
    if found is None:
        raise InvalidInput.field(field, f"article has no version {version}")
    return version


def _store(
    session: AsyncSession,
    article: Article,
    version: int,
    helpful: bool,
    comment: str | None,
    source: str,
) -> ArticleFeedback:
    feedback = ArticleFeedback(
        workspace_id=article.workspace_id,
        article_id=article.id,
        version=version,
        helpful=helpful,
        comment=comment,
        source=source,
        created_at=utcnow(),
    )
    FeedbackRepository(session, article.workspace_id).add(feedback)
    return feedback


async def record_feedback(
    session: AsyncSession, workspace_id: str, article_id: str, body: FeedbackCreate
) -> FeedbackRead:
    """Feedback from an agent or an AI answer on any article of the workspace."""
    article = await ArticleRepository(session, workspace_id).get_or_404(article_id)
    version = await _shown_version(session, article, body.version, "body.version")
    feedback = _store(session, article, version, body.helpful, body.comment, body.source)
    await session.flush()
    return FeedbackRead.model_validate(feedback)


async def record_help_center_feedback(
    session: AsyncSession,
    workspace_id: str,
    article_id: str,
    helpful: bool,
    comment: str | None,
    version: int | None,
) -> ArticleFeedback:
    """A visitor's vote on a public published article (anything else is a 404). ``version`` is
    the one the page showed: an earlier published version (the page was open while a newer one
    went live); a version the article never published (a draft, one not yet reached) counts as
    the published one, as the help center never showed it."""
    article, published = await service.help_article(session, workspace_id, article_id)
    shown = published.number
    if (
        version is not None
        and 1 <= version < published.number
        and version in await service.published_versions(session, article)
    ):
        shown = version
    # NUL cannot be stored in PostgreSQL text; the public form sends whatever it is given
    text = (comment or "").replace("\x00", "").strip()[:MAX_QUESTION_CHARS] or None
    feedback = _store(session, article, shown, helpful, text, "help_center")
    await session.flush()
    return feedback


async def feedback_summary(
    session: AsyncSession, workspace_id: str, article_id: str
) -> FeedbackSummary:
    article = await ArticleRepository(session, workspace_id).get_or_404(article_id)
    repository = FeedbackRepository(session, workspace_id)
    versions = [
        VersionFeedback(
            version=number,
            helpful=helpful,
            not_helpful=not_helpful,
            total=helpful + not_helpful,
            helpful_ratio=round(helpful / (helpful + not_helpful), 4),
        )
        for number, helpful, not_helpful in await repository.counts(article_id)
    ]
    comments = await repository.recent_comments(article_id, RECENT_COMMENTS)
    return FeedbackSummary(
        article_id=article.id,
        published_version=article.published_version,
        versions=versions,
        recent_comments=[FeedbackComment.model_validate(c) for c in comments],
    )


# The review queue


def is_poor(helpful: int, votes: int) -> bool:
    return votes >= POOR_FEEDBACK_MIN_VOTES and helpful / votes < POOR_FEEDBACK_HELPFUL_RATIO


async def review_queue(
    session: AsyncSession, workspace_id: str, today: date | None = None
) -> list[ReviewItem]:
    """Articles that need a review, with the reasons: most overdue first, then poor feedback
    by helpful share (worst first). Archived articles never show."""
    today = today or await _today(session, workspace_id)
    articles = ArticleRepository(session, workspace_id)
    due = {a.id: a for a in await articles.due_for_review(today)}
    tallies = await FeedbackRepository(session, workspace_id).published_version_counts(
        POOR_FEEDBACK_MIN_VOTES
    )
    poor = {a for a, (helpful, votes) in tallies.items() if is_poor(helpful, votes)}
    found = dict(due)
    found.update({a.id: a for a in await articles.by_ids(sorted(poor - set(due)))})
    items: list[ReviewItem] = []
    for article in found.values():
        reasons = [ReviewReason.REVIEW_DUE] if article.id in due else []
        if article.id in poor:
            reasons.append(ReviewReason.POOR_FEEDBACK)
        helpful, votes = tallies.get(article.id, (0, 0))
        items.append(
            ReviewItem(
                article=ArticleSummary.model_validate(article),
                review_due_on=article.review_due_on,
                reasons=reasons,
                helpful=helpful,
                votes=votes,
            )
        )

    def order(item: ReviewItem) -> tuple[int, date, float, str]:
        overdue = item.review_due_on if ReviewReason.REVIEW_DUE in item.reasons else None
        share = item.helpful / item.votes if item.votes else 1.0
        return (0 if overdue else 1, overdue or date.max, share, item.article.id)

    return sorted(items, key=order)


async def mark_reviewed(
    session: AsyncSession,
    workspace_id: str,
    article_id: str,
    next_review: date | None,
    author_id: str | None = None,
) -> ArticleRead:
    """Someone (``author_id``, in the article's history) checked the article: its next review
    is ``next_review`` (after today), or ``REVIEW_INTERVAL_DAYS`` from today."""
    today = await _today(session, workspace_id)
    if next_review is not None and next_review <= today:
        raise InvalidInput.field("body.review_due_on", "must be after today")
    article = await ArticleRepository(session, workspace_id).get_or_404(article_id)
    before = article.review_due_on
    article.review_due_on = next_review or today + timedelta(days=REVIEW_INTERVAL_DAYS)
    article.updated_at = now = utcnow()
    service.record_change(
        session,
        article,
        ArticleChangeAction.REVIEWED,
        {"review_due_on": [service.stored(before), service.stored(article.review_due_on)]},
        author_id,
        now,
    )
    await session.flush()
    return await service.read_article(session, workspace_id, article_id)


# Knowledge gaps


async def record_unanswered(
    session: AsyncSession,
    workspace_id: str,
    question: str,
    language: str | None,
    conversation_id: str | None = None,
    context: dict[str, Any] | None = None,
) -> UnansweredQuestion | None:
    """Remember a question the AI could not answer from the knowledge base (the AI engine calls
    this). A blank question is not stored (None); a long one is cut to ``MAX_QUESTION_CHARS``;
    a language that is not a language tag is stored as unknown (None)."""
    text = " ".join(question.replace("\x00", " ").split())[:MAX_QUESTION_CHARS]
    if not text:
        return None
    tag = (language or "").strip()
    row = UnansweredQuestion(
        workspace_id=workspace_id,
        question=text,
        language=tag if LANGUAGE.match(tag) and len(tag) <= 16 else None,
        conversation_id=conversation_id,
        context=dict(context or {}),
        created_at=utcnow(),
    )
    UnansweredRepository(session, workspace_id).add(row)
    await session.flush()
    return row


def _gap(questions: list[UnansweredQuestion], members: list[int], texts: list[str]) -> KnowledgeGap:
    rows = [questions[i] for i in members]  # newest first, as the questions are
    examples: list[str] = []
    for row in rows:
        if row.question.casefold() not in {e.casefold() for e in examples}:
            examples.append(row.question)
        if len(examples) == GAP_EXAMPLES:
            break
    conversations: list[str] = []
    for row in rows:
        if row.conversation_id and row.conversation_id not in conversations:
            conversations.append(row.conversation_id)
    stamps = [_aware(row.created_at) for row in rows]
    return KnowledgeGap(
        count=len(rows),
        examples=examples,
        terms=gaps.top_terms(texts, members),
        languages=sorted({row.language for row in rows if row.language}),
        conversation_ids=conversations[:GAP_EXAMPLES],
        first_seen=min(stamps),
        last_seen=max(stamps),
    )


def _aware(stamp: datetime) -> datetime:
    """SQLite gives naive datetimes back; they are UTC."""
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=utcnow().tzinfo)


def _cluster(texts: list[str], embedder: Embedder | None) -> list[list[int]]:
    embeddings = embedder.passages(texts) if embedder is not None and texts else None
    return gaps.cluster_questions(texts, embeddings)


async def gap_report(
    session: AsyncSession,
    workspace_id: str,
    days: int,
    *,
    embedder: Embedder | None = None,
    use_default_embedder: bool = True,
) -> GapReport:
    """The unanswered questions of the last ``days`` days grouped by similarity, largest group
    first (then the most recent). With an embedder (the configured one by default), similar
    questions in other words or languages group too; without, TF-IDF over the app's tokens."""
    if not 1 <= days <= MAX_GAP_DAYS:
        raise InvalidInput.field("query.days", f"must be 1 to {MAX_GAP_DAYS}")
    cutoff = utcnow() - timedelta(days=days)
    rows = list(await UnansweredRepository(session, workspace_id).since(cutoff, MAX_GAP_QUESTIONS))
    # Oldest first: a group forms around its earliest questions, which keeps groups stable as
    # new questions arrive; examples and the report read newest first.
    oldest_first = rows[::-1]
    texts = [row.question for row in oldest_first]
    if embedder is None and use_default_embedder and texts:
        embedder = await asyncio.to_thread(get_embedder)
    groups = await asyncio.to_thread(_cluster, texts, embedder)
    newest_first = rows
    position = {id(row): index for index, row in enumerate(newest_first)}
    report: list[KnowledgeGap] = []
    for members in groups:
        ordered = sorted(members, key=lambda i: position[id(oldest_first[i])])
        report.append(_gap(oldest_first, ordered, texts))
    report.sort(key=lambda gap: (-gap.count, -gap.last_seen.timestamp()))
    return GapReport(
        days=days,
        questions=len(rows),
        method="tfidf+embeddings" if embedder is not None else "tfidf",
        gaps=report,
    )
