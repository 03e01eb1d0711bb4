"""Import articles from files: Markdown, HTML, CSV/JSON FAQs, JSONL.

Every item has an external id (the file path, or the path and the row's id or question), so
importing the same files again updates the articles (a new version when the text changed)
instead of duplicating them; a file as it was when last imported leaves an article edited by
hand since as it is. An item in another language than the article of its external id is an
article of its own (external id ``path#lang=ru``): a translation never overwrites the
original. A bad item is reported and skipped; the others are imported.

- Markdown (``.md``): YAML front matter at the very start (between ``---`` lines) may name the
  ``title``, ``tags``, ``category``, ``language`` and ``visibility`` (which must be the
  import's), and ``draft: true`` or ``published: false``, which keep it unpublished; else the
  title is the first ``# `` heading outside code fences (removed from the body), else the file
  name; a folder of the path that names a category puts the article in it.
- HTML (``.html``): the title is ``<title>`` or the first ``<h1>`` (removed from the body only
  when it is the title); the body becomes Markdown (headings, paragraphs, nested lists, tables
  with one-line cells, ``<pre>`` as code blocks, quotes, definition lists), its text escaped so
  that it shows as written (see ``deskpilot.knowledge.html_import``).
- CSV, JSON and JSONL: FAQ rows (see ``deskpilot.knowledge.import_rows``), one article per row,
  with its own ``visibility`` when the row names one. Importing such a file again also names
  the articles of rows it no longer holds (outcome ``not_in_file``), to be archived by hand.

An item's language is its own (a ``language`` column or key), else the import's ``language``
option, else the one its text is written in among the workspace's enabled languages (the
workspace's default when that cannot be told). Importing again updates the text, and the
language and visibility only when the item names them: a language corrected by hand stays,
like the visibility, the tags (kept unless the item has tags) and the category (kept unless
the item, a folder or the ``category`` option names one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.errors import DeskPilotError, InvalidInput
from deskpilot.kit.language import detect_language
from deskpilot.knowledge import service
from deskpilot.knowledge.html_import import html_to_markdown
from deskpilot.knowledge.import_rows import (
    ROW_SUFFIXES,
    ImportItemError,
    Item,
    decode,
    external_id_of,
    first_value,
    read_metadata,
    rows_of,
)
from deskpilot.knowledge.repository import (
    ArticleRepository,
    CategoryRepository,
    VersionRepository,
    workspace_languages,
)
from deskpilot.knowledge.schemas import (
    LANGUAGE,
    ArticleCreate,
    ArticleUpdate,
    ImportItemResult,
    ImportResult,
)
from deskpilot.models.knowledge import Article, ArticleStatus, Visibility

MARKDOWN = {".md", ".markdown", ".txt"}
HTML = {".html", ".htm"}
SUFFIXES = MARKDOWN | HTML | ROW_SUFFIXES
DETECT_CHARS = 2000
"""The language of an item is told from the start of its title and text (enough, and fast)."""
NOT_IN_FILE = "not_in_file"
"""The outcome of an article whose row its file no longer holds."""
IN_LANGUAGE = "#lang="
"""Ends the external id of an item's article in another language than its external id's."""
_LANGUAGE_SUFFIX = re.compile(rf"{IN_LANGUAGE}[A-Za-z0-9-]+\Z")
DRAFT = {"draft": True, "published": False}
"""Front matter that keeps a file unpublished: ``draft: true`` (Hugo), ``published: false``
(Jekyll)."""
TRUE = {"true", "yes", "on", "1"}
FALSE = {"false", "no", "off", "0"}


@dataclass(frozen=True, slots=True)
class Source:
    path: str  # relative, with "/" between folders
    data: bytes


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """``language`` is for items that name none (None: detect each one's). ``publish_refusal``
    says why the importer may not publish (None: it may): then an item that would change the
    visibility, language or category of a published article fails and that article stays."""

    language: str | None = None
    category: str | None = None
    visibility: Visibility = Visibility.PUBLIC
    publish: bool = False
    publish_refusal: str | None = None


@dataclass(frozen=True, slots=True)
class _Run:
    """One import: where it writes, what it goes by, the workspace's languages."""

    session: AsyncSession
    workspace_id: str
    options: ImportOptions
    slugs: set[str]
    default_language: str
    enabled: list[str]
    author_id: str | None


@dataclass(slots=True)
class _Held:
    """What one file held: the external ids of its items and of their articles, and whether
    any item could be imported."""

    keys: set[str] = field(default_factory=set)
    imported: bool = False


FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
FRONT_MATTER_END = {"---", "..."}


def _front_matter(lines: list[str]) -> tuple[dict[str, Any], list[str]]:
    """The YAML front matter at the very start of a Markdown file (between ``---`` lines), and
    the lines after it. The keys the importer reads must be text (tags: text or a list of it);
    other keys are ignored."""
    if not lines or lines[0].rstrip() != "---":
        return {}, lines
    end = next((i for i, line in enumerate(lines) if i and line.rstrip() in FRONT_MATTER_END), 0)
    if not end:
        raise ImportItemError("starts with --- but its front matter has no closing --- line")
    try:
        # BaseLoader: every value stays text (no "yes" read as true nor dates as dates).
        value = yaml.load("\n".join(lines[1:end]), Loader=yaml.BaseLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "cannot be read"
        raise ImportItemError(f"front matter is not valid YAML: {problem}") from None
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise ImportItemError("front matter must be key: value lines")
    meta = {str(key).strip().lower(): v for key, v in value.items()}
    for key in ("title", "category", "language", "lang", "visibility", "tags", *DRAFT):
        field_value = meta.get(key, "")
        items = field_value if key == "tags" and isinstance(field_value, list) else [field_value]
        if not all(isinstance(v, str) for v in items):
            kind = "text or a list of text" if key == "tags" else "text"
            raise ImportItemError(f"front matter {key}: must be {kind}")
    return meta, lines[end + 1 :]


_SETEXT_TITLE = re.compile(r"[ ]{0,3}\S[^\n]*\n[ ]{0,3}=+[ \t]*\Z")
_ANY_HEADING = re.compile(r"[ ]{0,3}#{1,6}[ \t]+(\S.*?)[ \t#]*\Z")


def _markdown(source: Source) -> Item:
    text = decode(source.data).replace("\r\n", "\n").replace("\r", "\n")
    path = PurePosixPath(source.path)
    meta, lines = _front_matter(text.split("\n"))
    title = first_value(meta, "title")
    fence: str | None = None  # the fence of the code block the line is in
    for index, line in enumerate(lines):
        opening = FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)
        elif fence is not None:
            closing = line.strip()
            if len(closing) >= len(fence) and closing == fence[0] * len(closing):
                fence = None
        elif title is None and line.startswith("# "):
            title = line[2:].strip()
            del lines[index]
            break
        elif title is None and _SETEXT_TITLE.match("\n".join(lines[index : index + 2])):
            title = line.strip()  # "Title" underlined with "===="
            del lines[index : index + 2]
            break
    if title is None:  # no top heading: a heading of any level that opens the file
        first = next((n for n, line in enumerate(lines) if line.strip()), None)
        heading = _ANY_HEADING.match(lines[first]) if first is not None else None
        if heading is not None and first is not None:
            title = heading.group(1).strip()
            del lines[first]
    body = "\n".join(lines).strip()
    if not title:
        title = path.stem.replace("-", " ").replace("_", " ")
    item = Item(
        external_id=external_id_of(source.path),
        title=" ".join(title.split()),
        body=body,
        folders=tuple(path.parent.parts),
    )
    read_metadata(item, meta)
    visibility = first_value(meta, "visibility")
    item.front_matter_visibility = str(visibility).strip() if visibility is not None else None
    item.draft = _draft(meta)
    return item


def _draft(meta: dict[str, Any]) -> str | None:
    """The front matter that keeps the file a draft, as written (None: none does)."""
    for key, makes_a_draft in DRAFT.items():
        value = first_value(meta, key)
        if value is None:
            continue
        flag = str(value).strip().lower()
        if flag not in TRUE | FALSE:
            raise ImportItemError(f"front matter {key}: must be true or false, not {value!r}")
        if (flag in TRUE) == makes_a_draft:
            return f"{key}: {str(value).strip()}"
    return None


def _html(source: Source) -> Item:
    try:
        page = html_to_markdown(decode(source.data))
    except RecursionError:  # the converter caps nesting; this is its last resort
        raise ImportItemError("is nested too deeply") from None
    body = page.body
    title = page.title or page.h1 or PurePosixPath(source.path).stem
    if page.h1 and title == page.h1 and page.h1_line and body.split("\n", 1)[0] == page.h1_line:
        body = body[len(page.h1_line) :].strip()  # the heading is the title: not twice
    return Item(
        external_id=external_id_of(source.path),
        title=title,
        body=body,
        folders=tuple(PurePosixPath(source.path).parent.parts),
    )


@dataclass(frozen=True, slots=True)
class Found:
    """What a path holds: the files to import, and the other files, which are skipped (named
    relative to the folder, so the caller can say which)."""

    sources: list[Source]
    skipped: list[str]


def sources_from_path(path: Path) -> Found:
    """A file, or every importable file under a folder (sorted), named relative to it; hidden
    files and folders are left out, other files are skipped and named."""
    if path.is_file():
        return Found([Source(path=path.name, data=path.read_bytes())], [])
    if not path.is_dir():
        raise InvalidInput.field("path", f"no such file or folder: {path}")
    files = [
        file.relative_to(path)
        for file in sorted(path.rglob("*"))
        if file.is_file() and not any(part.startswith(".") for part in file.relative_to(path).parts)
    ]
    importable = [file for file in files if file.suffix.lower() in SUFFIXES]
    skipped = [file.as_posix() for file in files if file.suffix.lower() not in SUFFIXES]
    if not importable:
        raise InvalidInput.field(
            "path",
            f"no file to import in {path}"
            + (f" (skipped {named(skipped)})" if skipped else "")
            + ": use .md, .html, .csv, .json, .jsonl",
        )
    sources = [Source(path=f.as_posix(), data=(path / f).read_bytes()) for f in importable]
    return Found(sources, skipped)


def named(paths: list[str], shown: int = 10) -> str:
    """``a.pdf, b.png and 3 more``: a list of files, short enough for one line."""
    more = len(paths) - shown
    return ", ".join(paths[:shown]) + (f" and {more} more" if more > 0 else "")


def items_of(source: Source) -> list[Item]:
    """The articles one file holds (or one item with an error)."""
    suffix = PurePosixPath(source.path).suffix.lower()
    try:
        if suffix in MARKDOWN:
            items = [_markdown(source)]
        elif suffix in HTML:
            items = [_html(source)]
        elif suffix in ROW_SUFFIXES:
            items = list(rows_of(source.path, decode(source.data)))
        else:
            items = []
    except ImportItemError as exc:
        return [Item(external_id=external_id_of(source.path), error=str(exc))]
    if suffix in SUFFIXES:
        if not items:
            return [Item(external_id=external_id_of(source.path), error="is empty: no rows")]
        for item in items:
            if item.error is None and not (item.body or "").strip():
                item.error = "has no text"
        return items
    return [
        Item(
            external_id=external_id_of(source.path),
            error=f"unknown file type {suffix or '(none)'}: use .md, .html, .csv, .json, .jsonl",
        )
    ]


async def import_sources(
    session: AsyncSession,
    workspace_id: str,
    sources: list[Source],
    options: ImportOptions,
    author_id: str | None,
    max_items: int | None = None,
) -> ImportResult:
    """Create or update one article per item; errors are reported per item, then the articles
    of rows that their CSV, JSON or JSONL file no longer holds (outcome ``not_in_file``). With
    ``max_items``, files holding more items are refused (422) before anything is written."""
    if options.language is not None and not LANGUAGE.match(options.language):
        raise InvalidInput.field("body.language", "must be a language tag such as en, zh or pt-BR")
    await service.ensure_categories(session, workspace_id)
    slugs = {c.slug for c in await CategoryRepository(session, workspace_id).ordered()}
    if options.category is not None:  # a slug is read ignoring case, as a folder's name is
        options = replace(options, category=options.category.strip().lower())
    if options.category is not None and options.category not in slugs:
        raise InvalidInput.field("body.category", f"no category {options.category!r}")
    files = [(source.path, items_of(source)) for source in sources]
    count = sum(len(items) for _, items in files)
    if max_items is not None and count > max_items:
        raise InvalidInput.field(
            "body.files",
            f"hold {count} articles; at most {max_items} in one request: split them, "
            "or use `deskpilot import kb`",
        )
    default_language, enabled = await workspace_languages(session, workspace_id)
    run = _Run(session, workspace_id, options, slugs, default_language, enabled, author_id)
    result = ImportResult()
    held = await _import_files(run, files, result)
    for path, file in held.items():
        if PurePosixPath(path).suffix.lower() in ROW_SUFFIXES:
            result.items.extend(await _not_in_file(run, path, file))
    return result


async def _import_files(
    run: _Run, files: list[tuple[str, list[Item]]], result: ImportResult
) -> dict[str, _Held]:
    """Import every item into ``result``; what each file (by path) held."""
    seen: set[str] = set()
    held: dict[str, _Held] = {}
    for path, items in files:
        file = held.setdefault(path, _Held())
        for item in items:
            if item.error is None and item.external_id in seen:
                # Two rows with the same id (or question) would overwrite each other each time.
                item.error = "repeats the id (or question) of an earlier item; it was skipped"
            seen.add(item.external_id)
            outcome = await _import_item(run, item)
            file.keys.update((item.external_id, outcome.external_id))
            file.imported = file.imported or outcome.outcome != "failed"
            _count(result, outcome)
    return held


def _count(result: ImportResult, outcome: ImportItemResult) -> None:
    result.items.append(outcome)
    if outcome.outcome == "created":
        result.created += 1
    elif outcome.outcome == "updated":
        result.updated += 1
    elif outcome.outcome == "unchanged":
        result.unchanged += 1
    else:
        result.failed += 1


def _failed(item: Item, error: str) -> ImportItemResult:
    return ImportItemResult(
        external_id=item.external_id, outcome="failed", error=error, warning=item.warning
    )


def _article_of(item: Item, run: _Run) -> ArticleCreate:
    """The article the item makes; ImportItemError says why it makes none."""
    if item.error is not None:
        raise ImportItemError(item.error)
    visibility = _visibility_of(item, run.options)
    category = _category_of(item, run.slugs, run.options)
    if category is not None and category not in run.slugs:
        raise ImportItemError(f"category: no category {category!r}")
    try:
        return ArticleCreate(
            title=item.title or "",
            body=item.body or "",
            category=category,
            language=_language_of(item, run),
            visibility=visibility,
            tags=item.tags,
            note="import",
        )
    except ValidationError as exc:
        problem = exc.errors()[0]
        reason = str(problem["msg"]).removeprefix("Value error, ")
        where = ".".join(str(p) for p in problem["loc"])
        raise ImportItemError(f"{where}: {reason}") from None


def _visibility_of(item: Item, options: ImportOptions) -> Visibility:
    """The row's own visibility, else the import's; front matter must name the import's."""
    named = item.front_matter_visibility
    if named is not None and _visibility(named, "front matter visibility") != options.visibility:
        raise ImportItemError(
            f"front matter visibility: {named!r} is not this import's visibility "
            f"({options.visibility.value}): import it on its own with that visibility"
        )
    if item.visibility is None:
        return options.visibility
    return _visibility(item.visibility, "visibility")


def _visibility(value: str, name: str) -> Visibility:
    """``value`` (any case) as a visibility; ``name`` says where the file gave it."""
    try:
        return Visibility(value.strip().lower())
    except ValueError:
        raise ImportItemError(f"{name} must be public or internal, not {value!r}") from None


def _category_of(item: Item, slugs: set[str], options: ImportOptions) -> str | None:
    if item.category is not None:
        return item.category.lower()  # slugs are lower case, as for folders
    for folder in reversed(item.folders):
        if folder.lower() in slugs:
            return folder.lower()
    return options.category


def _language_of(item: Item, run: _Run) -> str:
    """The item's own language, else ``--language``, else the language its text is written in."""
    if item.language is not None:
        return item.language
    if run.options.language is not None:
        return run.options.language
    return _written_in(item.title, item.body, run)


def _written_in(title: str | None, body: str | None, run: _Run) -> str:
    """The language the text is written in among the workspace's enabled ones (the workspace's
    default when that cannot be told)."""
    text = f"{title or ''}\n{body or ''}"[:DETECT_CHARS]
    guess = detect_language(text, run.enabled, default=run.default_language)
    return guess.code or run.default_language


async def _import_item(run: _Run, item: Item) -> ImportItemResult:
    try:
        create = _article_of(item, run)
        external_id, existing, original = await _match(run, item, create.language)
        if existing is None and original is not None and item.visibility is None:
            # a translation of an internal article is internal too (it may hold the same codes)
            hidden = original.visibility == Visibility.INTERNAL
            create = (
                create.model_copy(update={"visibility": Visibility.INTERNAL}) if hidden else create
            )
        outcome, article = await _write(run, item, create, external_id, existing)
    except (ImportItemError, DeskPilotError) as exc:
        return _failed(item, str(exc))
    return ImportItemResult(
        external_id=external_id,
        article_id=article.id,
        outcome=outcome,
        warning=_warning(item, run.options),
    )


def _warning(item: Item, options: ImportOptions) -> str | None:
    """What was read but not imported, and that front matter kept a published file a draft."""
    warnings = [item.warning] if item.warning else []
    if options.publish and item.draft is not None:
        warnings.append(f"front matter {item.draft}: imported as a draft, not published")
    return "; ".join(warnings) or None


async def _match(
    run: _Run, item: Item, language: str
) -> tuple[str, Article | None, Article | None]:
    """The external id and the article of the item: the article of its external id, unless
    that one is in another language; then the one of its external id with its language
    (``policies/returns.md#lang=ru``), so that a translation never overwrites the original.
    Third, that original in another language, or None."""
    articles = ArticleRepository(run.session, run.workspace_id)
    existing = await articles.by_external_id(item.external_id)
    if existing is not None and await _same_language(run, existing, item, language):
        return item.external_id, existing, None
    in_language = external_id_of(f"{item.external_id}{IN_LANGUAGE}{language}")
    other = await articles.by_external_id(in_language)
    if other is None and existing is None:
        return item.external_id, None, None
    return in_language, other, existing


async def _same_language(run: _Run, article: Article, item: Item, language: str) -> bool:
    """The article is in ``language``, or the text it was last imported with is written in
    the language the item's text is (its language was set by hand, by ``--language`` or by
    a row that names it, which makes it no other article)."""
    if article.language == language:
        return True
    versions = VersionRepository(run.session, run.workspace_id)
    imported = await versions.last_with_note(article.id, "import")
    return imported is not None and _written_in(imported.title, imported.body, run) == (
        _written_in(item.title, item.body, run)
    )


async def _write(
    run: _Run, item: Item, create: ArticleCreate, external_id: str, existing: Article | None
) -> tuple[str, Article]:
    """Create or update the article, then publish it if the import publishes: the outcome."""
    if existing is not None and await _edited_since_same_import(run, existing, create):
        # the file is as it was last imported and the article was edited since: the
        # edits stay (and stay unpublished when they are), the import brings nothing new
        return "unchanged", existing
    if existing is None:
        article = await service.create_article(
            run.session, run.workspace_id, create, run.author_id, external_id=external_id
        )
        outcome = "created"
    else:
        before = existing.current_version
        article = await _update(run, item, create, existing.id)
        outcome = "updated" if article.current_version != before else "unchanged"
    if await _published(run, item, article, outcome):
        outcome = "updated" if outcome == "unchanged" else outcome
    return outcome, article


async def _update(run: _Run, item: Item, create: ArticleCreate, article_id: str) -> Article:
    """The text, and what the item names; what an editor owns stays as it is."""
    skip = {"owner_team", "review_due_on"}
    if item.visibility is None:
        skip.add("visibility")  # keep the visibility set by hand
    if not item.tags:
        skip.add("tags")  # keep the tags set by hand
    if item.language is None:
        skip.add("language")  # keep a language set by hand (or detected before)
    if create.category is None:
        skip.add("category")  # nothing names one: keep the category set by hand
    return await service.update_article(
        run.session,
        run.workspace_id,
        article_id,
        ArticleUpdate(**create.model_dump(exclude=skip)),
        run.author_id,
        publish_refusal=run.options.publish_refusal,
    )


async def _published(run: _Run, item: Item, article: Article, outcome: str) -> bool:
    """Publish the article if the import publishes, unless its front matter keeps it a draft
    or it was archived by hand and its file brings nothing new; whether it was published."""
    kept_archived = article.status == ArticleStatus.ARCHIVED and outcome == "unchanged"
    live = (
        article.status == ArticleStatus.PUBLISHED
        and article.published_version == article.current_version
    )
    if not run.options.publish or item.draft is not None or kept_archived or live:
        return False
    await service.publish(run.session, run.workspace_id, article.id, author_id=run.author_id)
    return True


async def _edited_since_same_import(run: _Run, article: Article, item: ArticleCreate) -> bool:
    """The article's last imported version has the item's title and body, and a newer
    version (an edit by hand, a rollback) was made after it."""
    versions = VersionRepository(run.session, run.workspace_id)
    imported = await versions.last_with_note(article.id, "import")
    return (
        imported is not None
        and imported.number < article.current_version
        and (imported.title, imported.body) == (item.title, item.body)
    )


async def _not_in_file(run: _Run, path: str, file: _Held) -> list[ImportItemResult]:
    """The articles of earlier rows of the file (external ids ``path#...``) that it no longer
    holds; archived ones aside. A file none of whose rows could be imported names none."""
    if not file.imported:
        return []
    articles = ArticleRepository(run.session, run.workspace_id)
    query = articles.select().where(
        Article.external_id.startswith(f"{path}#", autoescape=True),
        Article.status != ArticleStatus.ARCHIVED,
    )
    return [
        ImportItemResult(
            external_id=article.external_id,
            article_id=article.id,
            outcome=NOT_IN_FILE,
            warning=(
                f"{article.title!r} ({article.status}, {article.language}) is no longer in "
                f"{path}: archive it if it is out of date"
            ),
        )
        for article in await articles.all(query.order_by(Article.external_id))
        if article.external_id is not None
        and not {article.external_id, _LANGUAGE_SUFFIX.sub("", article.external_id)} & file.keys
    ]
