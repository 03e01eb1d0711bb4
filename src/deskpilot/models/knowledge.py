"""The knowledge base: categories, articles with versions, feedback, the search index, gaps."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from deskpilot.kit.clock import utcnow
from deskpilot.kit.db import Base
from deskpilot.kit.ids import ID_LENGTH
from deskpilot.models.base import Timestamped, WorkspaceScoped, enum_column, id_column


class Visibility(enum.StrEnum):
    PUBLIC = "public"  # help center and customers
    INTERNAL = "internal"  # agents and the AI only


class ArticleStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class ArticleChangeAction(enum.StrEnum):
    """What an entry of an article's history records (its text's history is its versions)."""

    METADATA = "metadata"  # visibility, language, category, tags, owner team, review date
    PUBLISHED = "published"  # the current version went live (from draft, archived or published)
    ARCHIVED = "archived"
    ROLLED_BACK = "rolled_back"  # a new version with an older version's text
    REVIEWED = "reviewed"  # someone checked it: the next review date moved


class KnowledgeCategory(WorkspaceScoped, Timestamped, Base):
    __tablename__ = "knowledge_categories"
    __table_args__ = (UniqueConstraint("workspace_id", "slug"),)

    id: Mapped[str] = id_column("kbc")
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)


class Article(WorkspaceScoped, Timestamped, Base):
    """An article; its text lives in versions. ``published_version`` is what search and the
    help center show; ``current_version`` is the newest edit (maybe a draft)."""

    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_workspace_status", "workspace_id", "status"),)

    id: Mapped[str] = id_column("art")
    category_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("knowledge_categories.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(16))
    visibility: Mapped[Visibility] = mapped_column(
        enum_column(Visibility), default=Visibility.PUBLIC
    )
    status: Mapped[ArticleStatus] = mapped_column(
        enum_column(ArticleStatus), default=ArticleStatus.DRAFT
    )
    owner_team: Mapped[str | None] = mapped_column(String(100))
    tags: Mapped[list[str]] = mapped_column(default=list)
    review_due_on: Mapped[date | None]
    external_id: Mapped[str | None] = mapped_column(String(300))  # source id of an import
    current_version: Mapped[int] = mapped_column(default=1)
    published_version: Mapped[int | None]


class ArticleVersion(WorkspaceScoped, Base):
    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[str] = id_column("arv")
    article_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("articles.id", ondelete="CASCADE")
    )
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # Markdown
    author_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArticleChange(WorkspaceScoped, Base):
    """One entry of an article's history: who changed its metadata or status, and when.
    ``changes`` is ``{"field": [old, new]}`` for metadata (the category as its slug), and for
    the status actions the version numbers involved (see ``knowledge.service``)."""

    __tablename__ = "knowledge_article_changes"
    __table_args__ = (
        Index("ix_knowledge_article_changes_article", "workspace_id", "article_id", "created_at"),
    )

    id: Mapped[str] = id_column("arc")
    article_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("articles.id", ondelete="CASCADE")
    )
    author_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))  # user or API key
    action: Mapped[ArticleChangeAction] = mapped_column(enum_column(ArticleChangeAction))
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArticleFeedback(WorkspaceScoped, Base):
    """Helpful or not, against the version that was shown."""

    __tablename__ = "article_feedback"
    __table_args__ = (Index("ix_article_feedback_article", "article_id", "version"),)

    id: Mapped[str] = id_column("afb")
    article_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("articles.id", ondelete="CASCADE")
    )
    version: Mapped[int]
    helpful: Mapped[bool]
    comment: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(40))  # help_center, ai_answer, agent
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KnowledgeChunk(WorkspaceScoped, Base):
    """One searchable passage of a published article version: the index that never lies."""

    __tablename__ = "knowledge_chunks"
    __table_args__ = (Index("ix_knowledge_chunks_article", "article_id", "version"),)

    id: Mapped[str] = id_column("kch")
    article_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("articles.id", ondelete="CASCADE")
    )
    version: Mapped[int]
    position: Mapped[int]
    heading: Mapped[str | None] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text)  # tokens the app made (segmented, stemmed)
    language: Mapped[str] = mapped_column(String(16))
    visibility: Mapped[Visibility] = mapped_column(enum_column(Visibility))
    category_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)  # float32, normalised
    embedding_model: Mapped[str | None] = mapped_column(String(120))


class UnansweredQuestion(WorkspaceScoped, Base):
    """A question the AI could not answer from the knowledge base: input to the gaps report."""

    __tablename__ = "unanswered_questions"

    id: Mapped[str] = id_column("unq")
    question: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    conversation_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
