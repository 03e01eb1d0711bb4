"""Articles with versions, and categories. Services never commit.

An article's text lives in numbered versions. ``current_version`` is the newest edit;
``published_version`` is what search and the help center show. Editing a published article makes
a new current version and leaves the published one in place until someone publishes again.

The index never lies: whenever what is published changes (publish, rollback of a published
article, archive, delete, or a published article's language, visibility or category), the job
``knowledge.index_article`` is queued in the same transaction; it rebuilds (or drops) the
article's search chunks.

An article's history: versions hold its text (each with its author); every change of its
metadata and every publish, archive and rollback adds an ``ArticleChange`` row (who, when, what)
in the same transaction, read with ``changes``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.clock import utcnow
from deskpilot.kit.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from deskpilot.kit.jobs import enqueue
from deskpilot.kit.pagination import Page, decode_time_cursor, encode_cursor
from deskpilot.knowledge.diffing import unified_diff
from deskpilot.knowledge.repository import (
    ArticleChangeRepository,
    ArticleRepository,
    CategoryRepository,
    VersionRepository,
)
from deskpilot.knowledge.schemas import (
    INDEX_ARTICLE_JOB,
    REINDEX_WORKSPACE_JOB,
    ArticleChangeRead,
    ArticleCreate,
    ArticleFilter,
    ArticleRead,
    ArticleSummary,
    ArticleUpdate,
    CategoryCreate,
    CategoryRead,
    DiffRead,
    IndexArticle,
    VersionRead,
    VersionSummary,
    is_blank,
)
from deskpilot.models.knowledge import (
    Article,
    ArticleChange,
    ArticleChangeAction,
    ArticleStatus,
    ArticleVersion,
    KnowledgeCategory,
    Visibility,
)

log = logging.getLogger(__name__)

BUILT_IN_CATEGORIES: dict[str, str] = {
    "product-information": "Product information",
    "faq": "FAQ",
    "cases": "Cases",
    "policies": "Policies",
    "technical-documentation": "Technical documentation",
    "news": "News",
}
MAX_CATEGORIES = 500


# Categories


async def ensure_categories(session: AsyncSession, workspace_id: str) -> None:
    """Create the built-in categories a workspace lacks (idempotent; run on first use)."""
    repository = CategoryRepository(session, workspace_id)
    existing = {c.slug for c in await repository.ordered()}
    missing = [slug for slug in BUILT_IN_CATEGORIES if slug not in existing]
    for slug in missing:
        repository.add(
            KnowledgeCategory(workspace_id=workspace_id, slug=slug, name=BUILT_IN_CATEGORIES[slug])
        )
    if missing:
        await session.flush()


async def list_categories(session: AsyncSession, workspace_id: str) -> list[CategoryRead]:
    await ensure_categories(session, workspace_id)
    categories = await CategoryRepository(session, workspace_id).ordered()
    return [CategoryRead.model_validate(c) for c in categories]


async def create_category(
    session: AsyncSession, workspace_id: str, body: CategoryCreate
) -> CategoryRead:
    await ensure_categories(session, workspace_id)
    repository = CategoryRepository(session, workspace_id)
    if await repository.by_slug(body.slug) is not None:
        raise Conflict(
            f"a category {body.slug!r} exists", fields=[FieldError("body.slug", "is taken")]
        )
    await require_unique_name(session, workspace_id, body.name)
    if len(await repository.ordered()) >= MAX_CATEGORIES:
        raise Conflict(f"a workspace has at most {MAX_CATEGORIES} categories")
    category = repository.add(
        KnowledgeCategory(
            workspace_id=workspace_id, slug=body.slug, name=body.name, description=body.description
        )
    )
    await session.flush()
    return CategoryRead.model_validate(category)


async def require_unique_name(
    session: AsyncSession, workspace_id: str, name: str, other_than: str | None = None
) -> None:
    """Conflict when another category of the workspace (not the one with id ``other_than``)
    has the name ``name``, ignoring case: two categories named alike cannot be told apart."""
    wanted = name.strip().casefold()
    for category in await CategoryRepository(session, workspace_id).ordered():
        if category.id != other_than and category.name.strip().casefold() == wanted:
            raise Conflict(
                f"the category {category.slug!r} is already named {category.name!r}",
                fields=[FieldError("body.name", "is taken")],
            )


async def category_id(
    session: AsyncSession, workspace_id: str, slug: str | None, field: str = "body.category"
) -> str | None:
    """The id of the category ``slug``, read ignoring case (None for None); an unknown slug is
    a 422 on ``field``."""
    if slug is None:
        return None
    slug = slug.strip().lower()
    await ensure_categories(session, workspace_id)
    category = await CategoryRepository(session, workspace_id).by_slug(slug)
    if category is None:
        raise InvalidInput.field(field, f"no category {slug!r}; GET /api/v1/kb/categories")
    return category.id


async def _category_slugs(session: AsyncSession, workspace_id: str) -> dict[str, str]:
    return {c.id: c.slug for c in await CategoryRepository(session, workspace_id).ordered()}


# Articles


def queue_reindex(session: AsyncSession, workspace_id: str) -> None:
    """Embed every article of the workspace again (its embedder changed), job by job."""
    enqueue(session, REINDEX_WORKSPACE_JOB, workspace_id=workspace_id)


def queue_index(session: AsyncSession, article: Article) -> None:
    enqueue(
        session,
        INDEX_ARTICLE_JOB,
        IndexArticle(article_id=article.id),
        workspace_id=article.workspace_id,
    )


def _add_version(
    session: AsyncSession,
    article: Article,
    number: int,
    title: str,
    body: str,
    author_id: str | None,
    note: str | None,
) -> ArticleVersion:
    version = ArticleVersion(
        workspace_id=article.workspace_id,
        article_id=article.id,
        number=number,
        title=title,
        body=body,
        author_id=author_id,
        note=note,
        created_at=utcnow(),
    )
    VersionRepository(session, article.workspace_id).add(version)
    return version


def record_change(
    session: AsyncSession,
    article: Article,
    action: ArticleChangeAction,
    changes: dict[str, Any],
    author_id: str | None,
    when: datetime,
) -> None:
    """One entry of the article's history, in the caller's transaction."""
    ArticleChangeRepository(session, article.workspace_id).add(
        ArticleChange(
            workspace_id=article.workspace_id,
            article_id=article.id,
            author_id=author_id,
            action=action,
            changes=changes,
            created_at=when,
        )
    )


def stored(value: object, slugs: dict[str, str] | None = None) -> Any:
    """A metadata value as the history stores it (JSON): a category by its slug, a date as
    ISO text, an enum by its value."""
    if slugs is not None and isinstance(value, str):
        return slugs.get(value, value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [str(item) for item in value]
    return str(value) if value is not None else None


async def create_article(
    session: AsyncSession,
    workspace_id: str,
    body: ArticleCreate,
    author_id: str | None,
    external_id: str | None = None,
) -> Article:
    """A new article whose version 1 is a draft."""
    article = Article(
        workspace_id=workspace_id,
        category_id=await category_id(session, workspace_id, body.category),
        title=body.title,
        language=body.language,
        visibility=body.visibility,
        status=ArticleStatus.DRAFT,
        owner_team=body.owner_team,
        tags=body.tags,
        review_due_on=body.review_due_on,
        external_id=external_id,
        current_version=1,
        published_version=None,
    )
    ArticleRepository(session, workspace_id).add(article)
    await session.flush()
    _add_version(session, article, 1, body.title, body.body, author_id, body.note)
    await session.flush()
    return article


async def _current(session: AsyncSession, article: Article) -> ArticleVersion:
    version = await VersionRepository(session, article.workspace_id).number(
        article.id, article.current_version
    )
    if version is None:  # cannot happen: versions are never deleted alone
        raise NotFound.of("version", str(article.current_version))
    return version


async def read_article(session: AsyncSession, workspace_id: str, article_id: str) -> ArticleRead:
    article = await ArticleRepository(session, workspace_id).get_or_404(article_id)
    return await _read(session, article)


async def _read(session: AsyncSession, article: Article) -> ArticleRead:
    current = await _current(session, article)
    slugs = await _category_slugs(session, article.workspace_id)
    return ArticleRead(
        id=article.id,
        title=current.title,
        body=current.body,
        category=slugs.get(article.category_id) if article.category_id else None,
        language=article.language,
        visibility=article.visibility,
        status=article.status,
        tags=list(article.tags or []),
        owner_team=article.owner_team,
        review_due_on=article.review_due_on,
        external_id=article.external_id,
        current_version=article.current_version,
        published_version=article.published_version,
        created_at=article.created_at,
        updated_at=article.updated_at,
    )


PUBLIC_FIELDS = ("visibility", "language", "category")
"""Metadata the index carries: on a published article a change shows at once (where it appears,
or whether the public sees it at all), so it needs the publish role like publishing does."""

REVIEW_FIELDS = ("review_due_on",)
"""Metadata that decides when a published article is due for review: moving it is what marking
the article reviewed does (``POST .../reviewed``), so it needs the publish role too."""


async def update_article(
    session: AsyncSession,
    workspace_id: str,
    article_id: str,
    body: ArticleUpdate,
    author_id: str | None,
    *,
    publish_refusal: str | None,
) -> Article:
    """Change the fields given. A new title or body makes a new current version (the published
    one stays until published again); metadata that the index carries (language, visibility,
    category) re-indexes a published article at once, and its review date is what marking it
    reviewed moves, so changing those there is refused with Forbidden when ``publish_refusal``
    says why the caller may not publish (None: it may), and nothing changes. Metadata changes
    are recorded in the article's history and logged, with the author (versions hold title and
    body). A stale ``base_version`` or ``base_updated_at`` is a Conflict. The article's row is
    locked first, as in ``publish`` and ``rollback``: concurrent writers of one article take
    turns, and the later one sees what the earlier saved (a 409, not a duplicate version)."""
    article = await ArticleRepository(session, workspace_id).lock_or_404(article_id)
    _require_current(article, body.base_version, "edit", "body.base_version")
    _require_unchanged(article, body.base_updated_at)
    given = body.model_fields_set
    new_category = (
        await category_id(session, workspace_id, body.category)
        if "category" in given
        else article.category_id
    )
    after: dict[str, object] = {
        "visibility": body.visibility if body.visibility is not None else article.visibility,
        "language": body.language if body.language is not None else article.language,
        "category": new_category,
        "tags": body.tags if body.tags is not None else list(article.tags or []),
        "owner_team": body.owner_team if "owner_team" in given else article.owner_team,
        "review_due_on": body.review_due_on if "review_due_on" in given else article.review_due_on,
    }
    before: dict[str, object] = {
        "visibility": article.visibility,
        "language": article.language,
        "category": article.category_id,
        "tags": list(article.tags or []),
        "owner_team": article.owner_team,
        "review_due_on": article.review_due_on,
    }
    changed = {name: (before[name], after[name]) for name in after if after[name] != before[name]}
    public = [name for name in PUBLIC_FIELDS if name in changed]
    review = [name for name in REVIEW_FIELDS if name in changed]
    if (
        (public or review)
        and article.status == ArticleStatus.PUBLISHED
        and publish_refusal is not None
    ):
        why = (["changes what the public sees at once"] if public else []) + (
            ["moves its review date, as marking it reviewed does"] if review else []
        )
        raise Forbidden(
            f"changing the {' and '.join(public + review)} of a published article "
            f"{' and '.join(why)}, so it {publish_refusal}",
        )
    article.category_id = new_category
    if body.language is not None:
        article.language = body.language
    if body.visibility is not None:
        article.visibility = body.visibility
    if body.tags is not None:
        article.tags = body.tags
    if "owner_team" in given:
        article.owner_team = body.owner_team
    if "review_due_on" in given:
        article.review_due_on = body.review_due_on
    current = await _current(session, article)
    title = body.title if body.title is not None else current.title
    text = body.body if body.body is not None else current.body
    if (title, text) != (current.title, current.body):
        article.current_version += 1
        article.title = title
        _add_version(session, article, article.current_version, title, text, author_id, body.note)
    article.updated_at = now = utcnow()
    if public and article.status == ArticleStatus.PUBLISHED:
        queue_index(session, article)
    if changed:
        slugs = await _category_slugs(session, workspace_id) if "category" in changed else {}
        record_change(
            session,
            article,
            ArticleChangeAction.METADATA,
            {
                name: [
                    stored(old, slugs if name == "category" else None),
                    stored(new, slugs if name == "category" else None),
                ]
                for name, (old, new) in changed.items()
            },
            author_id,
            now,
        )
        log.info(
            "knowledge article %s metadata changed by %s: %s",
            article.id,
            author_id or "system",
            ", ".join(f"{name} {old!s} -> {new!s}" for name, (old, new) in changed.items()),
            extra={
                "event": "knowledge.article_metadata_changed",
                "workspace_id": workspace_id,
                "article_id": article.id,
                "author_id": author_id,
                "changes": {name: [str(old), str(new)] for name, (old, new) in changed.items()},
            },
        )
    await session.flush()
    return article


async def list_articles(
    session: AsyncSession,
    workspace_id: str,
    filters: ArticleFilter,
    cursor: str | None,
    limit: int,
) -> Page[ArticleSummary]:
    after: tuple[datetime, str] | None = decode_time_cursor(cursor) if cursor else None
    rows = await ArticleRepository(session, workspace_id).page(filters, after, limit + 1)
    return _page(rows, limit, ArticleSummary)


async def versions(
    session: AsyncSession, workspace_id: str, article_id: str
) -> list[VersionSummary]:
    await ArticleRepository(session, workspace_id).get_or_404(article_id)
    rows = await VersionRepository(session, workspace_id).of_article(article_id)
    return [VersionSummary.model_validate(v) for v in reversed(rows)]


async def changes(
    session: AsyncSession, workspace_id: str, article_id: str, cursor: str | None, limit: int
) -> Page[ArticleChangeRead]:
    """The article's history of metadata and status changes, newest first."""
    await ArticleRepository(session, workspace_id).get_or_404(article_id)
    after: tuple[datetime, str] | None = decode_time_cursor(cursor) if cursor else None
    rows = await ArticleChangeRepository(session, workspace_id).page(article_id, after, limit + 1)
    return _page(rows, limit, ArticleChangeRead)


_Read = TypeVar("_Read", bound=BaseModel)


class _TimeOrdered(Protocol):
    id: str
    created_at: datetime


def _page(rows: Sequence[_TimeOrdered], limit: int, read: type[_Read]) -> Page[_Read]:
    """``limit`` of the ``limit + 1`` rows read, and the cursor after them if there are more."""
    items = [read.model_validate(row) for row in rows[:limit]]
    last = rows[limit - 1] if len(rows) > limit else None
    return Page(items=items, next_cursor=encode_cursor(last.created_at, last.id) if last else None)


async def _version(
    session: AsyncSession, workspace_id: str, article_id: str, number: int, field: str
) -> ArticleVersion:
    version = await VersionRepository(session, workspace_id).number(article_id, number)
    if version is None:
        raise InvalidInput.field(field, f"article has no version {number}")
    return version


async def version(
    session: AsyncSession, workspace_id: str, article_id: str, number: int
) -> VersionRead:
    await ArticleRepository(session, workspace_id).get_or_404(article_id)
    found = await VersionRepository(session, workspace_id).number(article_id, number)
    if found is None:
        raise NotFound.of("version", str(number))
    return VersionRead.model_validate(found)


async def diff(
    session: AsyncSession, workspace_id: str, article_id: str, old: int | None, new: int | None
) -> DiffRead:
    article = await ArticleRepository(session, workspace_id).get_or_404(article_id)
    if new is None:
        new = article.current_version
    if old is None:
        published = article.published_version
        old = published if published is not None and published != new else max(1, new - 1)
    before = await _version(session, workspace_id, article_id, old, "query.from")
    after = await _version(session, workspace_id, article_id, new, "query.to")
    return DiffRead(from_version=old, to_version=new, diff=unified_diff(before, after))


def _require_current(article: Article, version: int | None, what: str, field: str) -> None:
    """Conflict when ``version``, the current version someone read, is no longer current:
    another editor saved since (a stale edit or publish would overwrite or publish unread
    text). A version that was never saved is a 422 on ``field``."""
    if version is not None and version > article.current_version:
        raise InvalidInput.field(
            field,
            f"there is no version {version} (the current version is {article.current_version})",
        )
    if version is not None and version != article.current_version:
        raise Conflict(
            f"version {article.current_version} of this article was saved after version "
            f"{version}, which your {what} started from; reload it and {what} again"
        )


def _require_unchanged(article: Article, base: datetime | None) -> None:
    """Conflict when the article changed after ``base``, the ``updated_at`` someone read: an
    edit of metadata alone (tags, category, visibility, owner team, review date) makes no new
    version, so only this catches an edit that would silently overwrite it."""
    if base is not None and base != article.updated_at:
        raise Conflict(
            f"this article was changed at {article.updated_at.isoformat()}, after the copy "
            f"your edit started from (updated_at {base.isoformat()}): its text or its metadata "
            "may differ from what you saw; reload it and edit again"
        )


async def publish(
    session: AsyncSession,
    workspace_id: str,
    article_id: str,
    *,
    author_id: str | None = None,
    version: int | None = None,
) -> Article:
    """Publish the current version (also un-archives); ``author_id`` goes into the history.
    ``version``, the version the publisher reviewed, must still be the current one (409). A
    draft may be saved without text, but a version whose body shows nothing (empty, spaces,
    invisible characters) is not published: 422 on ``body``."""
    article = await ArticleRepository(session, workspace_id).lock_or_404(article_id)
    _require_current(article, version, "publish", "body.version")
    if (
        article.status == ArticleStatus.PUBLISHED
        and article.published_version == article.current_version
    ):
        return article  # nothing changes: no job, no history
    current = await VersionRepository(session, workspace_id).number(
        article_id, article.current_version
    )
    if current is not None and is_blank(current.body):
        raise InvalidInput.field("body", "an article without text cannot be published")
    what = {
        "version": article.current_version,
        "status": [str(article.status), str(ArticleStatus.PUBLISHED)],
    }
    article.status = ArticleStatus.PUBLISHED
    article.published_version = article.current_version
    article.updated_at = now = utcnow()
    queue_index(session, article)
    record_change(session, article, ArticleChangeAction.PUBLISHED, what, author_id, now)
    await session.flush()
    return article


async def published_versions(session: AsyncSession, article: Article) -> set[int]:
    """The versions the article ever published, from its history (publish entries, and
    rollbacks that went live) and its current ``published_version``."""
    repository = ArticleChangeRepository(session, article.workspace_id)
    rows = await repository.all(
        repository.select().where(
            ArticleChange.article_id == article.id,
            ArticleChange.action.in_(
                (ArticleChangeAction.PUBLISHED, ArticleChangeAction.ROLLED_BACK)
            ),
        )
    )
    found = {article.published_version} if article.published_version is not None else set()
    for row in rows:
        # a publish, or a rollback of a published article (it went live at once)
        published = row.action == ArticleChangeAction.PUBLISHED
        number = row.changes.get("version")
        if (published or "published_version" in row.changes) and isinstance(number, int):
            found.add(number)
    return found


async def archive(
    session: AsyncSession, workspace_id: str, article_id: str, *, author_id: str | None = None
) -> Article:
    """Withdraw the article from search and the help center; its versions stay."""
    article = await ArticleRepository(session, workspace_id).get_or_404(article_id)
    if article.status == ArticleStatus.ARCHIVED:
        return article
    was_published = article.status == ArticleStatus.PUBLISHED
    what = {"status": [str(article.status), str(ArticleStatus.ARCHIVED)]}
    article.status = ArticleStatus.ARCHIVED
    article.updated_at = now = utcnow()
    if was_published:
        queue_index(session, article)
    record_change(session, article, ArticleChangeAction.ARCHIVED, what, author_id, now)
    await session.flush()
    return article


async def rollback(
    session: AsyncSession, workspace_id: str, article_id: str, number: int, author_id: str | None
) -> Article:
    """A NEW version with version ``number``'s text; published at once when the article is.
    The current version is no version to roll back to (409: publishing it is what makes it
    live)."""
    article = await ArticleRepository(session, workspace_id).lock_or_404(article_id)
    old = await _version(session, workspace_id, article_id, number, "body.version")
    if number == article.current_version:
        raise Conflict(
            f"version {number} is the current version already; to make it live, publish it"
        )
    article.current_version += 1
    article.title = old.title
    _add_version(
        session,
        article,
        article.current_version,
        old.title,
        old.body,
        author_id,
        f"rollback to version {number}",
    )
    article.updated_at = now = utcnow()
    what: dict[str, Any] = {"source_version": number, "version": article.current_version}
    if article.status == ArticleStatus.PUBLISHED:
        what["published_version"] = [article.published_version, article.current_version]
        article.published_version = article.current_version
        queue_index(session, article)
    record_change(session, article, ArticleChangeAction.ROLLED_BACK, what, author_id, now)
    await session.flush()
    return article


async def delete_article(session: AsyncSession, workspace_id: str, article_id: str) -> None:
    """Delete an article with its versions and history; the index job then finds it gone and
    drops its chunks (they also go by cascade on PostgreSQL)."""
    repository = ArticleRepository(session, workspace_id)
    article = await repository.get_or_404(article_id)
    await VersionRepository(session, workspace_id).remove_article(article_id)
    await ArticleChangeRepository(session, workspace_id).remove_article(article_id)
    queue_index(session, article)
    await repository.delete(article)
    await session.flush()


def visible_to_public(article: Article) -> bool:
    return article.status == ArticleStatus.PUBLISHED and article.visibility == Visibility.PUBLIC


# The public help center: published, public articles only, their published version's text.


async def help_articles(
    session: AsyncSession, workspace_id: str, language: str | None
) -> list[tuple[Article, ArticleVersion]]:
    """Published public articles in ``language`` (every language for None), by title."""
    articles = await ArticleRepository(session, workspace_id).published_public(language)
    pairs = [(a.id, a.published_version) for a in articles if a.published_version is not None]
    versions = await VersionRepository(session, workspace_id).numbers(pairs)
    found = [
        (a, versions[(a.id, a.published_version)])
        for a in articles
        if a.published_version is not None and (a.id, a.published_version) in versions
    ]
    return sorted(found, key=lambda pair: (pair[1].title.lower(), pair[0].id))


async def help_categories(session: AsyncSession, workspace_id: str) -> list[KnowledgeCategory]:
    """The workspace's categories by slug (the help center shows those with articles)."""
    return list(await CategoryRepository(session, workspace_id).ordered())


async def help_languages(session: AsyncSession, workspace_id: str) -> list[str]:
    return await ArticleRepository(session, workspace_id).languages_published_public()


async def help_article(
    session: AsyncSession, workspace_id: str, article_id: str
) -> tuple[Article, ArticleVersion]:
    """A published public article with its published version; anything else is a 404."""
    article = await ArticleRepository(session, workspace_id).get(article_id)
    if article is None or not visible_to_public(article) or article.published_version is None:
        raise NotFound.of("article", article_id)
    version = await VersionRepository(session, workspace_id).number(
        article.id, article.published_version
    )
    if version is None:
        raise NotFound.of("article", article_id)
    return article, version
