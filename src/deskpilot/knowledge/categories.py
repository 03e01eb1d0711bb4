"""Renaming and deleting knowledge-base categories.

A category is renamed in place (its slug, which links and imports use, stays). A workspace's
own category can be deleted; one that holds articles only together with ``move_to``, the
category its articles move to (each move recorded in the article's history and re-indexed
when the article is published, as an edit of its category would be). The built-in categories
are created again on first use, so they can be renamed but not deleted.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.clock import utcnow
from deskpilot.kit.errors import Conflict, InvalidInput, NotFound
from deskpilot.knowledge.repository import ArticleRepository, CategoryRepository
from deskpilot.knowledge.schemas import CategoryRead, CategoryUpdate
from deskpilot.knowledge.service import (
    BUILT_IN_CATEGORIES,
    ensure_categories,
    queue_index,
    record_change,
    require_unique_name,
)
from deskpilot.models import Article, ArticleStatus, KnowledgeCategory
from deskpilot.models.knowledge import ArticleChangeAction


async def _category(session: AsyncSession, workspace_id: str, slug: str) -> KnowledgeCategory:
    await ensure_categories(session, workspace_id)
    found = await CategoryRepository(session, workspace_id).by_slug(slug.strip().lower())
    if found is None:
        raise NotFound.of("category", slug)
    return found


async def rename_category(
    session: AsyncSession, workspace_id: str, slug: str, body: CategoryUpdate
) -> CategoryRead:
    """A new name or description (the fields given); the slug stays."""
    category = await _category(session, workspace_id, slug)
    if body.name is not None:
        await require_unique_name(session, workspace_id, body.name, other_than=category.id)
        category.name = body.name
    if "description" in body.model_fields_set:
        category.description = body.description
    await session.flush()
    return CategoryRead.model_validate(category)


async def delete_category(
    session: AsyncSession,
    workspace_id: str,
    slug: str,
    move_to: str | None,
    author_id: str | None,
) -> int:
    """Delete a workspace's own category, moving its articles to ``move_to`` first; how many
    moved. A built-in category, or one holding articles without ``move_to``, is a 409."""
    category = await _category(session, workspace_id, slug)
    slug = category.slug  # as stored: the slug given is read ignoring case
    if slug in BUILT_IN_CATEGORIES:
        raise Conflict(f"{slug!r} is a built-in category: it can be renamed, not deleted")
    target = await _category(session, workspace_id, move_to) if move_to else None
    if target is not None and target.id == category.id:
        raise InvalidInput.field("query.move_to", "is the category being deleted")
    repository = ArticleRepository(session, workspace_id)
    held = await repository.all(repository.select().where(Article.category_id == category.id))
    if held and target is None:
        are = "1 article is" if len(held) == 1 else f"{len(held)} articles are"
        raise Conflict(f"{are} in {slug!r}; pass move_to=<category slug> to move them there first")
    now = utcnow()
    for article in held:
        article.category_id = target.id if target else None
        article.updated_at = now
        change = {"category": [slug, target.slug if target else None]}
        record_change(session, article, ArticleChangeAction.METADATA, change, author_id, now)
        if article.status == ArticleStatus.PUBLISHED:
            queue_index(session, article)
    await session.flush()
    await session.delete(category)
    await session.flush()
    return len(held)
