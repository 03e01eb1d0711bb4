"""Request and response models of the knowledge base, and the payload of its index job."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator

from deskpilot.kit.errors import InvalidInput
from deskpilot.models.knowledge import ArticleChangeAction, ArticleStatus, Visibility

INDEX_ARTICLE_JOB = "knowledge.index_article"
REINDEX_WORKSPACE_JOB = "knowledge.reindex_workspace"

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}\Z")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z")
LANGUAGE_SCHEMA: dict[str, Any] = {"pattern": r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"}
MAX_VERSION = 2**31 - 1
"""The largest version number a request may name (larger ones cannot exist; the database's
integers are 64-bit at most, so a bigger number must be refused before any query)."""
MAX_TAG_LENGTH = 100
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
NUL = "\x00"


class IndexArticle(BaseModel):
    """Rebuild one article's search chunks from its published version (or drop them)."""

    article_id: str


BLANK_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
"""Unicode categories that show nothing: control and format characters (zero-width space,
byte-order mark, direction marks) and every kind of space and line separator."""


def is_blank(value: str) -> bool:
    """Whether ``value`` shows nothing: empty, or only spaces and invisible characters (a
    zero-width space is as blank as a space)."""
    return all(ch.isspace() or unicodedata.category(ch) in BLANK_CATEGORIES for ch in value)


def _text(value: str) -> str:
    """A one-line text (a title, a name): stripped, not blank (invisible characters alone are
    blank), no control characters."""
    value = value.strip()
    if is_blank(value):
        raise ValueError("must not be blank")
    if CONTROL.search(value):
        raise ValueError("must be one line without control characters")
    return value


def _no_nul(value: str | None) -> str | None:
    """Free text (Markdown, notes, comments) may hold any character but NUL, which
    PostgreSQL cannot store in text."""
    if value is not None and NUL in value:
        raise ValueError("must not contain NUL characters")
    return value


def canonical_language(value: str) -> str:
    """A language tag in its usual case: language lower, script title, region upper (``ZH`` is
    ``zh``, ``zh-cn`` is ``zh-CN``, ``zh-hant-tw`` is ``zh-Hant-TW``); not checked here."""
    primary, *rest = value.strip().split("-")
    parts = [primary.lower()]
    for part in rest:
        if len(part) == 4 and part.isalpha():
            parts.append(part.title())
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            parts.append(part.upper())
        else:
            parts.append(part.lower())
    return "-".join(parts)


def search_language(value: str | None, field: str) -> str | None:
    """A language filter of a query string, written as article languages are stored
    (``canonical_language``); blank is no filter; anything that is not a language tag raises
    InvalidInput naming ``field``."""
    value = (value or "").strip()
    if not value:
        return None
    value = canonical_language(value)
    if not LANGUAGE.match(value):
        raise InvalidInput.field(field, "must be a language tag such as en, zh or pt-BR")
    return value


def _date_text(value: Any) -> Any:
    """Dates come as ``YYYY-MM-DD``: a number (which pydantic would read as a timestamp) is
    refused."""
    if isinstance(value, int | float):
        raise ValueError("must be a date such as 2027-06-01")
    return value


def _optional_line(value: str | None) -> str | None:
    """An optional one-line text: blank means none."""
    if value is None or not value.strip():
        return None
    return _text(value)


def _language(value: str) -> str:
    value = canonical_language(value)
    if not LANGUAGE.match(value):
        raise ValueError("must be a language tag such as en, zh or pt-BR")
    return value


def _tags(value: list[str]) -> list[str]:
    seen: list[str] = []
    for tag in value:
        tag = tag.strip().lower()
        if not tag:
            raise ValueError("tags must not be blank")
        if len(tag) > MAX_TAG_LENGTH:
            raise ValueError(f"tags must be at most {MAX_TAG_LENGTH} characters")
        if CONTROL.search(tag):
            raise ValueError("tags must not contain control characters")
        if tag not in seen:
            seen.append(tag)
    return seen


class CategoryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str = Field(
        min_length=1,
        max_length=80,
        description="Lowercase letters, digits, -.",
        json_schema_extra={"pattern": SLUG.pattern.removesuffix("\\Z") + "$"},
    )
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError("must be lowercase letters, digits and -")
        return value

    _name = field_validator("name")(_text)
    _description = field_validator("description")(_no_nul)


class CategoryUpdate(BaseModel):
    """A new name or description; the slug stays (links and imports use it)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        """Checked as ``CategoryCreate`` checks it: stripped, not blank, one line."""
        return None if value is None else _text(value)

    _description = field_validator("description")(_no_nul)


class CategoryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    slug: str
    name: str
    description: str | None


class ArticleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    body: str = Field(max_length=200_000, description="Markdown.")
    category: str | None = Field(default=None, description="A category slug.")
    language: str = Field(default="en", max_length=16, json_schema_extra=LANGUAGE_SCHEMA)
    visibility: Visibility = Visibility.PUBLIC
    tags: list[str] = Field(default_factory=list, max_length=50)
    owner_team: str | None = Field(default=None, max_length=100)
    review_due_on: date | None = Field(default=None, description="YYYY-MM-DD.")
    note: str | None = Field(default=None, max_length=500, description="Why this version.")

    _title = field_validator("title")(_text)
    _lang = field_validator("language")(_language)
    _tag = field_validator("tags")(_tags)
    _body = field_validator("body", "note")(_no_nul)
    _owner = field_validator("owner_team")(_optional_line)
    _due = field_validator("review_due_on", mode="before")(_date_text)


class ArticleUpdate(BaseModel):
    """Only the fields given change. A new title or body makes a new version."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=300)
    body: str | None = Field(default=None, max_length=200_000)
    category: str | None = None
    language: str | None = Field(default=None, max_length=16, json_schema_extra=LANGUAGE_SCHEMA)
    visibility: Visibility | None = None
    tags: list[str] | None = Field(default=None, max_length=50)
    owner_team: str | None = Field(default=None, max_length=100)
    review_due_on: date | None = Field(default=None, description="YYYY-MM-DD.")
    note: str | None = Field(default=None, max_length=500)
    base_version: StrictInt | None = Field(
        default=None,
        ge=1,
        le=MAX_VERSION,
        description="The current version the edit started from: when another version has "
        "been saved since, the edit is refused (409) and nothing changes.",
    )
    base_updated_at: datetime | None = Field(
        default=None,
        description="The article's updated_at when the edit started (as read): when anything "
        "about it has changed since (its text, or only metadata such as tags, category, "
        "visibility, owner team or review date), the edit is refused (409) and nothing "
        "changes. Without a time zone it is UTC.",
    )

    @field_validator("title")
    @classmethod
    def _title(cls, value: str | None) -> str | None:
        return None if value is None else _text(value)

    @field_validator("language")
    @classmethod
    def _lang(cls, value: str | None) -> str | None:
        return None if value is None else _language(value)

    @field_validator("tags")
    @classmethod
    def _tag(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _tags(value)

    _body = field_validator("body", "note")(_no_nul)
    _owner = field_validator("owner_team")(_optional_line)
    _due = field_validator("review_due_on", mode="before")(_date_text)

    @field_validator("base_updated_at", mode="before")
    @classmethod
    def _base_text(cls, value: Any) -> Any:
        if isinstance(value, int | float):  # pydantic would read it as a Unix time
            raise ValueError("must be the article's updated_at, such as 2027-06-01T09:30:00Z")
        return value

    @field_validator("base_updated_at")
    @classmethod
    def _base_time(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """What a list of articles is narrowed by (category as an id)."""

    status: ArticleStatus | None = None
    category_id: str | None = None
    language: str | None = None
    visibility: Visibility | None = None
    tag: str | None = None
    q: str | None = None


class PublishRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: StrictInt | None = Field(
        default=None,
        ge=1,
        le=MAX_VERSION,
        description="The version the publisher reviewed: when it is no longer the current "
        "version, nothing is published (409).",
    )


class RollbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: StrictInt = Field(ge=1, le=MAX_VERSION)  # not true, "2" or 2.0


class ArticleRead(BaseModel):
    id: str
    title: str
    body: str = Field(description="The text of the current version.")
    category: str | None = Field(description="The category slug.")
    language: str
    visibility: Visibility
    status: ArticleStatus
    tags: list[str]
    owner_team: str | None
    review_due_on: date | None
    external_id: str | None
    current_version: int
    published_version: int | None
    created_at: datetime
    updated_at: datetime


class ArticleSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    language: str
    visibility: Visibility
    status: ArticleStatus
    tags: list[str]
    current_version: int
    published_version: int | None
    updated_at: datetime


class VersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    title: str
    body: str
    author_id: str | None
    note: str | None
    created_at: datetime


class VersionSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    title: str
    author_id: str | None
    note: str | None
    created_at: datetime


class ArticleChangeRead(BaseModel):
    """One entry of an article's history (its text's history is its versions)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    article_id: str
    action: ArticleChangeAction
    author_id: str | None = Field(
        description="The user or API key that made the change (as for versions); null when "
        "nobody signed in made it (the CLI's imports)."
    )
    changes: dict[str, Any] = Field(
        description='metadata: {"field": [old, new]} (the category by slug, the review date as '
        'an ISO date); published: {"version": n, "status": [old, "published"]}; archived: '
        '{"status": [old, "archived"]}; rolled_back: {"source_version": n, "version": m}, plus '
        '"published_version": [old, m] when the rollback went live at once; reviewed: '
        '{"review_due_on": [old, new]}.'
    )
    created_at: datetime


class DiffRead(BaseModel):
    from_version: int
    to_version: int
    diff: str = Field(description="A unified diff of the title and the body.")


class ImportItemResult(BaseModel):
    external_id: str
    article_id: str | None = None
    outcome: str = Field(
        description="created, updated, unchanged, failed, or not_in_file (an article an earlier "
        "import of the same file made that the file no longer holds; nothing is changed)"
    )
    error: str | None = None
    warning: str | None = Field(
        default=None, description="What the item held that was not imported (extra CSV columns)."
    )


class ImportResult(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    items: list[ImportItemResult] = Field(default_factory=list)


# The quality loop: feedback, the review queue, knowledge gaps (knowledge/quality.py)


class FeedbackCreate(BaseModel):
    """Helpful or not, from an agent or an AI answer (the help center has its own form)."""

    model_config = ConfigDict(extra="forbid")

    helpful: StrictBool
    comment: str | None = Field(default=None, max_length=2000)
    version: int | None = Field(
        default=None,
        ge=1,
        le=MAX_VERSION,
        description="The version that was shown; default the published one.",
    )
    source: Literal["agent", "ai_answer"] = "agent"

    @field_validator("comment")
    @classmethod
    def _comment(cls, value: str | None) -> str | None:
        value = _no_nul(value)
        return (value.strip() or None) if value is not None else None


class FeedbackRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    article_id: str
    version: int
    helpful: bool
    comment: str | None
    source: str
    created_at: datetime


class VersionFeedback(BaseModel):
    version: int
    helpful: int
    not_helpful: int
    total: int
    helpful_ratio: float = Field(description="helpful / total")


class FeedbackComment(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    helpful: bool
    comment: str | None
    source: str
    created_at: datetime


class FeedbackSummary(BaseModel):
    article_id: str
    published_version: int | None
    versions: list[VersionFeedback] = Field(description="Versions with feedback, newest first.")
    recent_comments: list[FeedbackComment] = Field(description="Newest first.")


class ReviewReason(enum.StrEnum):
    REVIEW_DUE = "review_due"  # review_due_on is today or past
    POOR_FEEDBACK = "poor_feedback"  # the published version's feedback is poor


class ReviewItem(BaseModel):
    article: ArticleSummary
    review_due_on: date | None
    reasons: list[ReviewReason]
    helpful: int = Field(description="Helpful votes on the published version.")
    votes: int = Field(description="All votes on the published version.")


class ReviewedRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    review_due_on: date | None = Field(
        default=None,
        description="The next review date (after today); default in 180 days.",
    )

    _due = field_validator("review_due_on", mode="before")(_date_text)


class KnowledgeGap(BaseModel):
    """Similar questions the AI could not answer: one missing or weak article."""

    count: int
    examples: list[str] = Field(description="Up to 5 distinct questions, newest first.")
    terms: list[str] = Field(description="The words that weigh most in the group.")
    languages: list[str]
    conversation_ids: list[str] = Field(description="Up to 5, newest first.")
    first_seen: datetime
    last_seen: datetime


class GapReport(BaseModel):
    days: int
    questions: int = Field(description="Unanswered questions in the window (at most the cap).")
    method: str = Field(description="tfidf, or tfidf+embeddings when an embedder is configured.")
    gaps: list[KnowledgeGap] = Field(description="Largest first.")
