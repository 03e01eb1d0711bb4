"""All the SQL of the knowledge base's articles, versions and categories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select
from sqlalchemy.dialects.postgresql import JSONB

from deskpilot.kit.repository import WorkspaceRepository
from deskpilot.knowledge.schemas import ArticleFilter
from deskpilot.models.knowledge import (
    Article,
    ArticleStatus,
    ArticleVersion,
    KnowledgeCategory,
    Visibility,
)


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
            query = query.where(Article.language == filters.language)
        if filters.visibility is not None:
            query = query.where(Article.visibility == filters.visibility)
        if filters.tag is not None:
            query = query.where(self._tag_condition(filters.tag))
        if filters.q:
            needle = filters.q.lower()
            query = query.where(func.lower(Article.title).contains(needle, autoescape=True))
        if after is not None:
            stamp, last_id = after
            query = query.where(
                or_(
                    Article.created_at < stamp,
                    and_(Article.created_at == stamp, Article.id < last_id),
                )
            )
        query = query.order_by(Article.created_at.desc(), Article.id.desc()).limit(limit)
        return await self.all(query)

    async def published_public(self, language: str | None) -> Sequence[Article]:
        query = self.select().where(
            Article.status == ArticleStatus.PUBLISHED,
            Article.visibility == Visibility.PUBLIC,
            Article.published_version.is_not(None),
        )
        if language is not None:
            query = query.where(Article.language == language)
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

    async def remove_article(self, article_id: str) -> None:
        await self.session.execute(
            delete(ArticleVersion).where(
                ArticleVersion.workspace_id == self.workspace_id,
                ArticleVersion.article_id == article_id,
            )
        )

    async def number(self, article_id: str, number: int) -> ArticleVersion | None:
        query = self.select().where(
            ArticleVersion.article_id == article_id, ArticleVersion.number == number
        )
        return (await self.session.scalars(query)).one_or_none()

    async def numbers(
        self, pairs: Sequence[tuple[str, int]]
    ) -> dict[tuple[str, int], ArticleVersion]:
        if not pairs:
            return {}
        query = self.select().where(
            or_(
                *(
                    and_(ArticleVersion.article_id == a, ArticleVersion.number == n)
                    for a, n in pairs
                )
            )
        )
        return {(v.article_id, v.number): v for v in await self.all(query)}
