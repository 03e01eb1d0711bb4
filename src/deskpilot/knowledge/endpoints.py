"""HTTP for the knowledge base: categories, articles, versions, publishing, imports.

Agents create and edit drafts; publishing, archiving, rollback (it publishes at once when the
article is published), publishing on import, and changing a published article's visibility,
language or category (over PATCH or a re-import: it shows at once) or review date (PATCH:
it moves the article on the review queue, as marking it reviewed does) need the workspace's
``knowledge_publish_role`` (admin by default, or agent; ``PublisherAuth``); deletion needs an
admin. Viewers read, including each article's history (``/changes``: who changed its metadata
or status, and when).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile

from deskpilot.auth.dependencies import AdminAuth, AgentAuth, ViewerAuth
from deskpilot.auth.principal import Principal
from deskpilot.kit.deps import SessionDep
from deskpilot.kit.errors import Forbidden, PayloadTooLarge
from deskpilot.kit.pagination import Page
from deskpilot.knowledge import categories, importing, quality, service
from deskpilot.knowledge.schemas import (
    MAX_VERSION,
    ArticleChangeRead,
    ArticleCreate,
    ArticleFilter,
    ArticleRead,
    ArticleSummary,
    ArticleUpdate,
    CategoryCreate,
    CategoryRead,
    CategoryUpdate,
    DiffRead,
    ImportResult,
    PublishRequest,
    RollbackRequest,
    VersionRead,
    VersionSummary,
    search_language,
)
from deskpilot.models.knowledge import ArticleStatus, Visibility

router = APIRouter(prefix="/api/v1/kb", tags=["knowledge"])


async def _publisher(principal: AgentAuth, session: SessionDep) -> Principal:
    await quality.require_publisher(session, principal.workspace_id, principal.role)
    return principal


PublisherAuth = Annotated[Principal, Depends(_publisher)]
"""A caller with at least the workspace's ``knowledge_publish_role``."""

Limit = Annotated[int, Query(ge=1, le=200)]
MAX_UPLOAD = 20 * 1024 * 1024
MAX_IMPORT_ITEMS = 2000
"""Articles one import request may hold: each costs a few milliseconds of a transaction that
holds SQLite's write lock, so a bigger import goes through the CLI (``deskpilot import kb``)."""


@router.get("/categories")
async def list_categories(principal: ViewerAuth, session: SessionDep) -> list[CategoryRead]:
    """The built-in categories (created on first use) and the workspace's own."""
    return await service.list_categories(session, principal.workspace_id)


@router.post("/categories", status_code=201)
async def create_category(
    body: CategoryCreate, principal: AdminAuth, session: SessionDep
) -> CategoryRead:
    return await service.create_category(session, principal.workspace_id, body)


@router.patch("/categories/{slug}")
async def rename_category(
    slug: str, body: CategoryUpdate, principal: AdminAuth, session: SessionDep
) -> CategoryRead:
    """A new name or description; the slug stays."""
    return await categories.rename_category(session, principal.workspace_id, slug, body)


@router.delete("/categories/{slug}", status_code=204)
async def delete_category(
    slug: str,
    principal: AdminAuth,
    session: SessionDep,
    move_to: Annotated[str | None, Query(max_length=80)] = None,
) -> None:
    """Delete a workspace's own category; its articles move to ``move_to`` (409 without it
    when it holds articles; built-in categories are a 409: rename them instead)."""
    await categories.delete_category(
        session, principal.workspace_id, slug, move_to, principal.actor
    )


@router.post("/articles", status_code=201)
async def create_article(
    body: ArticleCreate, principal: AgentAuth, session: SessionDep
) -> ArticleRead:
    """A new article; its version 1 is a draft until published."""
    article = await service.create_article(session, principal.workspace_id, body, principal.actor)
    return await service.read_article(session, principal.workspace_id, article.id)


@router.get("/articles")
async def list_articles(
    principal: ViewerAuth,
    session: SessionDep,
    status: ArticleStatus | None = None,
    category: str | None = None,
    language: str | None = None,
    visibility: Visibility | None = None,
    tag: str | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Part of the title.")] = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[ArticleSummary]:
    """Newest first; pass ``next_cursor`` back as ``cursor`` for the next page."""
    category_id = await service.category_id(  # an empty value (a form's "any") is no filter
        session, principal.workspace_id, category or None, "query.category"
    )
    filters = ArticleFilter(
        status=status,
        category_id=category_id,
        language=search_language(language, "query.language"),
        visibility=visibility,
        tag=tag.strip().lower() if tag else None,
        q=q.strip() if q else None,
    )
    return await service.list_articles(session, principal.workspace_id, filters, cursor, limit)


@router.get("/articles/{article_id}")
async def get_article(article_id: str, principal: ViewerAuth, session: SessionDep) -> ArticleRead:
    """The article with its current version's text and both version numbers."""
    return await service.read_article(session, principal.workspace_id, article_id)


@router.patch("/articles/{article_id}")
async def update_article(
    article_id: str, body: ArticleUpdate, principal: AgentAuth, session: SessionDep
) -> ArticleRead:
    """A new title or body makes a new version; a published article keeps showing its published
    version until it is published again. Changing a published article's visibility, language
    or category shows at once, and changing its review date is marking it reviewed, so those
    need the publish role (403 otherwise, nothing changed)."""
    refusal = await quality.publish_refusal(session, principal.workspace_id, principal.role)
    await service.update_article(
        session,
        principal.workspace_id,
        article_id,
        body,
        principal.actor,
        publish_refusal=refusal,
    )
    return await service.read_article(session, principal.workspace_id, article_id)


@router.delete("/articles/{article_id}", status_code=204)
async def delete_article(article_id: str, principal: AdminAuth, session: SessionDep) -> None:
    await service.delete_article(session, principal.workspace_id, article_id)


@router.get("/articles/{article_id}/versions")
async def list_versions(
    article_id: str, principal: ViewerAuth, session: SessionDep
) -> list[VersionSummary]:
    """Every version, newest first."""
    return await service.versions(session, principal.workspace_id, article_id)


@router.get("/articles/{article_id}/changes")
async def list_changes(
    article_id: str,
    principal: ViewerAuth,
    session: SessionDep,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[ArticleChangeRead]:
    """Who changed the article's metadata, published, archived or rolled it back, and when;
    newest first; pass ``next_cursor`` back as ``cursor`` for the next page. Text edits are
    the versions."""
    return await service.changes(session, principal.workspace_id, article_id, cursor, limit)


@router.get("/articles/{article_id}/versions/{number}")
async def get_version(
    article_id: str, number: int, principal: ViewerAuth, session: SessionDep
) -> VersionRead:
    return await service.version(session, principal.workspace_id, article_id, number)


@router.get("/articles/{article_id}/diff")
async def diff_versions(
    article_id: str,
    principal: ViewerAuth,
    session: SessionDep,
    from_: Annotated[int | None, Query(alias="from", ge=1, le=MAX_VERSION)] = None,
    to: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
) -> DiffRead:
    """A unified diff of the title and body between two versions; ``to`` defaults to the
    current version, ``from`` to the published one (or the version before ``to``)."""
    return await service.diff(session, principal.workspace_id, article_id, from_, to)


@router.post("/articles/{article_id}/publish")
async def publish_article(
    article_id: str,
    principal: PublisherAuth,
    session: SessionDep,
    body: PublishRequest | None = None,
) -> ArticleRead:
    """Publish the current version: search and the help center show it from now on. With
    ``{"version": n}`` (the version the publisher reviewed), nothing is published when another
    version has been saved since (409)."""
    await service.publish(
        session,
        principal.workspace_id,
        article_id,
        author_id=principal.actor,
        version=body.version if body else None,
    )
    return await service.read_article(session, principal.workspace_id, article_id)


@router.post("/articles/{article_id}/archive")
async def archive_article(
    article_id: str, principal: PublisherAuth, session: SessionDep
) -> ArticleRead:
    await service.archive(session, principal.workspace_id, article_id, author_id=principal.actor)
    return await service.read_article(session, principal.workspace_id, article_id)


@router.post("/articles/{article_id}/rollback")
async def rollback_article(
    article_id: str, body: RollbackRequest, principal: PublisherAuth, session: SessionDep
) -> ArticleRead:
    """A new version equal to version ``version``; published at once if the article is. Needs
    the publish role (an agent can still restore old text of a draft by editing it)."""
    await service.rollback(
        session, principal.workspace_id, article_id, body.version, principal.actor
    )
    return await service.read_article(session, principal.workspace_id, article_id)


@router.post("/import")
async def import_articles(
    principal: AgentAuth,
    session: SessionDep,
    files: Annotated[list[UploadFile], File(description="Markdown, HTML, CSV, JSON, JSONL.")],
    language: Annotated[
        str | None,
        Form(description="Language of items that name none; without it, each is detected."),
    ] = None,
    category: Annotated[str | None, Form()] = None,
    visibility: Annotated[Visibility, Form()] = Visibility.PUBLIC,
    publish: Annotated[bool, Form()] = False,
) -> ImportResult:
    """Import files; each file name (with its folders) is the external id, so importing again
    updates rather than duplicates. Publishing on import needs the publish role."""
    refusal = await quality.publish_refusal(session, principal.workspace_id, principal.role)
    if publish and refusal is not None:
        raise Forbidden(f"publishing knowledge {refusal}")
    sources: list[importing.Source] = []
    for upload in files:
        data = await upload.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise PayloadTooLarge(f"{upload.filename} is larger than {MAX_UPLOAD} bytes")
        sources.append(importing.Source(path=upload.filename or "upload", data=data))
    options = importing.ImportOptions(
        language=language or None,
        category=category,
        visibility=visibility,
        publish=publish,
        publish_refusal=refusal,
    )
    return await importing.import_sources(
        session,
        principal.workspace_id,
        sources,
        options,
        principal.actor,
        max_items=MAX_IMPORT_ITEMS,
    )
