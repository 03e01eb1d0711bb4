"""All the SQL of the knowledge base's articles, versions, change history, categories, feedback
and gaps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, case, delete, exists, func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.errors import NotFound
from deskpilot.kit.language import language_family
from deskpilot.kit.repository import WorkspaceRepository, newest_first
from deskpilot.knowledge.schemas import MAX_VERSION, ArticleFilter
from deskpilot.models.ai import DEFAULT_LANGUAGES, AISettings
from deskpilot.models.knowledge import (
    Article,
    ArticleChange,
    ArticleFeedback,
    ArticleStatus,
    ArticleVersion,
    KnowledgeCategory,
    UnansweredQuestion,
    Visibility,
)
from deskpilot.models.workspace import Workspace

PAIRS_PER_QUERY = 500  # (article, version) pairs looked up in one query


async def workspace_knowledge_settings(
    session: AsyncSession, workspace_id: str
) -> tuple[str, str] | None:
    """The workspace's ``knowledge_publish_role`` and time zone (None: no such workspace).

    Read here rather than through the workspaces service, which sits above this domain."""
    query = select(Workspace.knowledge_publish_role, Workspace.timezone).where(
        Workspace.id == workspace_id
    )
    row = (await session.execute(query)).one_or_none()
    return None if row is None else (row[0], row[1])


async def workspace_languages(session: AsyncSession, workspace_id: str) -> tuple[str, list[str]]:
    """The workspace's default language and the languages its AI settings enable (their
    defaults until an admin saves settings), read here because the AI domain sits above this
    one. An unknown workspace gets ``("en", the defaults)``."""
    default = await session.scalar(
        select(Workspace.default_language).where(Workspace.id == workspace_id)
    )
    enabled = await session.scalar(
        select(AISettings.languages).where(AISettings.workspace_id == workspace_id)
    )
    return default or "en", [str(code) for code in enabled or DEFAULT_LANGUAGES]


class CategoryRepository(WorkspaceRepository[KnowledgeCategory]):
    model = KnowledgeCategory
    label = "category"

    async def ordered(self) -> Sequence[KnowledgeCategory]:
        return await self.all(self.select().order_by(KnowledgeCategory.slug))

    async def by_slug(self, slug: str) -> KnowledgeCategory | None:
        query = self.select().where(KnowledgeCategory.slug == slug)
        return (await self.session.scalars(query)).one_or_none()


class ArticleRepository(WorkspaceRepository[Article]):
    model = Article
    label = "article"

    async def lock_or_404(self, article_id: str) -> Article:
        """The article read afresh with its row locked until the transaction ends (``SELECT
        ... FOR UPDATE`` on PostgreSQL; SQLite, which has no row locks, serialises writers
        anyway): a concurrent edit, publish or rollback of it waits for this transaction, then
        reads what it saved. NotFound as ``get_or_404``."""
        query = (
            self.select()
            .where(Article.id == article_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        found = (await self.session.scalars(query)).one_or_none()
        if found is None:
            raise NotFound.of(self.label, article_id)
        return found

    async def by_external_id(self, external_id: str) -> Article | None:
        query = self.select().where(Article.external_id == external_id).order_by(Article.id)
        return (await self.session.scalars(query)).first()

    def _tag_condition(self, tag: str) -> ColumnElement[bool]:
        if self.session.get_bind().dialect.name == "postgresql":
            found: ColumnElement[bool] = Article.tags.cast(JSONB).contains([tag])
        else:
            each = func.json_each(Article.tags).table_valued("value")
            found = exists(select(1).select_from(each).where(each.c.value == tag))
        return and_(Article.tags.is_not(None), found)

    async def page(
        self, filters: ArticleFilter, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[Article]:
        """Newest first by creation, then id (stable under edits and inserts)."""
        query = self.select()
        if filters.status is not None:
            query = query.where(Article.status == filters.status)
        if filters.category_id is not None:
            query = query.where(Article.category_id == filters.category_id)
        if filters.language is not None:
            query = query.where(_in_language(filters.language))
        if filters.visibility is not None:
            query = query.where(Article.visibility == filters.visibility)
        if filters.tag is not None:
            query = query.where(self._tag_condition(filters.tag))
        if filters.q:
            needle = filters.q.lower()
            query = query.where(func.lower(Article.title).contains(needle, autoescape=True))
        query = newest_first(query, Article.created_at, Article.id, after)
        return await self.all(query.limit(limit))

    async def published_public(self, language: str | None) -> Sequence[Article]:
        query = self.select().where(
            Article.status == ArticleStatus.PUBLISHED,
            Article.visibility == Visibility.PUBLIC,
            Article.published_version.is_not(None),
        )
        if language is not None:
            query = query.where(_in_language(language))
        return await self.all(query.order_by(Article.title, Article.id))

    async def languages_published_public(self) -> list[str]:
        query = (
            select(Article.language)
            .where(
                Article.workspace_id == self.workspace_id,
                Article.status == ArticleStatus.PUBLISHED,
                Article.visibility == Visibility.PUBLIC,
            )
            .distinct()
            .order_by(Article.language)
        )
        return list((await self.session.scalars(query)).all())

    async def due_for_review(self, today: date) -> Sequence[Article]:
        """Drafts and published articles whose review date is today or past."""
        query = self.select().where(
            Article.status != ArticleStatus.ARCHIVED,
            Article.review_due_on.is_not(None),
            Article.review_due_on <= today,
        )
        return await self.all(query.order_by(Article.review_due_on, Article.id))

    async def by_ids(self, ids: Sequence[str]) -> Sequence[Article]:
        if not ids:
            return []
        return await self.all(self.select().where(Article.id.in_(list(ids))))


class VersionRepository(WorkspaceRepository[ArticleVersion]):
    model = ArticleVersion
    label = "version"

    async def of_article(self, article_id: str) -> Sequence[ArticleVersion]:
        query = (
            self.select()
            .where(ArticleVersion.article_id == article_id)
            .order_by(ArticleVersion.number)
        )
        return await self.all(query)

    async def last_with_note(self, article_id: str, note: str) -> ArticleVersion | None:
        """The newest version of the article written with ``note`` ("import")."""
        query = (
            self.select()
            .where(ArticleVersion.article_id == article_id, ArticleVersion.note == note)
            .order_by(ArticleVersion.number.desc())
            .limit(1)
        )
        return (await self.session.scalars(query)).first()

    async def remove_article(self, article_id: str) -> None:
        await self.session.execute(
            delete(ArticleVersion).where(
                ArticleVersion.workspace_id == self.workspace_id,
                ArticleVersion.article_id == article_id,
            )
        )

    async def number(self, article_id: str, number: int) -> ArticleVersion | None:
        if not 1 <= number <= MAX_VERSION:
            return None  # cannot exist, and too large a number overflows the database's integers
        query = self.select().where(
            ArticleVersion.article_id == article_id, ArticleVersion.number == number
        )
        return (await self.session.scalars(query)).one_or_none()

    async def numbers(
        self, pairs: Sequence[tuple[str, int]]
    ) -> dict[tuple[str, int], ArticleVersion]:
        found: dict[tuple[str, int], ArticleVersion] = {}
        for start in range(0, len(pairs), PAIRS_PER_QUERY):  # bounded expression and parameters
            chunk = list(pairs[start : start + PAIRS_PER_QUERY])
            key = tuple_(ArticleVersion.article_id, ArticleVersion.number)
            for v in await self.all(self.select().where(key.in_(chunk))):
                found[(v.article_id, v.number)] = v
        return found


class ArticleChangeRepository(WorkspaceRepository[ArticleChange]):
    model = ArticleChange
    label = "article change"

    async def page(
        self, article_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[ArticleChange]:
        """An article's history, newest first (then by id: ids sort by creation time)."""
        query = self.select().where(ArticleChange.article_id == article_id)
        query = newest_first(query, ArticleChange.created_at, ArticleChange.id, after)
        return await self.all(query.limit(limit))

    async def remove_article(self, article_id: str) -> None:
        await self.session.execute(
            delete(ArticleChange).where(
                ArticleChange.workspace_id == self.workspace_id,
                ArticleChange.article_id == article_id,
            )
        )


class FeedbackRepository(WorkspaceRepository[ArticleFeedback]):
    model = ArticleFeedback
    label = "feedback"

    async def counts(self, article_id: str) -> list[tuple[int, int, int]]:
        """``(version, helpful, not helpful)`` for each version with feedback, newest first."""
        helpful = func.sum(case((ArticleFeedback.helpful.is_(True), 1), else_=0))
        query = (
            select(ArticleFeedback.version, helpful, func.count())
            .where(
                ArticleFeedback.workspace_id == self.workspace_id,
                ArticleFeedback.article_id == article_id,
            )
            .group_by(ArticleFeedback.version)
            .order_by(ArticleFeedback.version.desc())
        )
        rows = (await self.session.execute(query)).all()
        return [(int(v), int(h or 0), int(n) - int(h or 0)) for v, h, n in rows]

    async def recent_comments(self, article_id: str, limit: int) -> Sequence[ArticleFeedback]:
        query = (
            self.select()
            .where(ArticleFeedback.article_id == article_id, ArticleFeedback.comment.is_not(None))
            .order_by(ArticleFeedback.created_at.desc(), ArticleFeedback.id.desc())
            .limit(limit)
        )
        return await self.all(query)

    async def published_version_counts(self, min_votes: int) -> dict[str, tuple[int, int]]:
        """``article id -> (helpful, total)`` over each published article's published version,
        for articles with at least ``min_votes`` votes on it."""
        helpful = func.sum(case((ArticleFeedback.helpful.is_(True), 1), else_=0))
        total = func.count(ArticleFeedback.id)
        query = (
            select(ArticleFeedback.article_id, helpful, total)
            .join(
                Article,
                and_(
                    Article.id == ArticleFeedback.article_id,
                    Article.workspace_id == ArticleFeedback.workspace_id,
                    Article.published_version == ArticleFeedback.version,
                ),
            )
            .where(
                ArticleFeedback.workspace_id == self.workspace_id,
                Article.status == ArticleStatus.PUBLISHED,
            )
            .group_by(ArticleFeedback.article_id)
            .having(total >= min_votes)
        )
        rows = (await self.session.execute(query)).all()
        return {str(a): (int(h or 0), int(n)) for a, h, n in rows}


class UnansweredRepository(WorkspaceRepository[UnansweredQuestion]):
    model = UnansweredQuestion
    label = "unanswered question"

    async def since(self, cutoff: datetime, limit: int) -> Sequence[UnansweredQuestion]:
        """The newest ``limit`` questions asked at or after ``cutoff``, newest first."""
        query = (
            self.select()
            .where(UnansweredQuestion.created_at >= cutoff)
            .order_by(UnansweredQuestion.created_at.desc(), UnansweredQuestion.id.desc())
            .limit(limit)
        )
        return await self.all(query)


def _in_language(tag: str) -> ColumnElement[bool]:
    """Articles a language filter admits (``kit.language.language_family``)."""
    exact, prefix = language_family(tag)
    admitted = Article.language.in_(exact)
    return or_(admitted, Article.language.like(f"{prefix}%")) if prefix else admitted
