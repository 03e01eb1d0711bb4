"""The ``deskpilot`` command."""

from __future__ import annotations

import asyncio
import getpass
import signal
import sys
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
import uvicorn
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.ai.service import warm_default
from deskpilot.app import build_worker, create_app, open_resources
from deskpilot.auth import credentials, users
from deskpilot.auth.schemas import MemberCreate
from deskpilot.config import Settings
from deskpilot.demo.service import load_demo
from deskpilot.imports import service as imports
from deskpilot.imports.readers import FileFormat, guess_format, parse_mapping_option
from deskpilot.imports.records import ImportKind
from deskpilot.kit.db import Database
from deskpilot.kit.errors import DeskPilotError, InvalidInput, field_errors
from deskpilot.kit.logging import configure_logging
from deskpilot.migrations.runner import upgrade
from deskpilot.models import Role, Workspace
from deskpilot.workspaces import service as workspaces
from deskpilot.workspaces.schemas import WorkspaceCreate

app = typer.Typer(help="DeskPilot: AI-first customer service.", no_args_is_help=True)
user_app = typer.Typer(help="Manage users.", no_args_is_help=True)
apikey_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
workspace_app = typer.Typer(help="Manage workspaces.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(apikey_app, name="apikey")
app.add_typer(workspace_app, name="workspace")
import_app = typer.Typer(help="Import customers and orders from files.", no_args_is_help=True)
app.add_typer(import_app, name="import")

T = TypeVar("T")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


def _invalid(exc: ValidationError) -> typer.Exit:
    """One line per refused field, like the API's ``fields``, instead of pydantic's report."""
    return _fail(InvalidInput.of(field_errors(exc.errors())).message)


def _in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Migrate, then run ``work`` in one transaction; a DeskPilotError becomes a clean exit 1."""
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)

    async def run() -> T:
        database = Database(settings.effective_database_url)
        try:
            await upgrade(database)
            async with database.transaction() as session:
                return await work(session)
        finally:
            await database.dispose()

    try:
        return asyncio.run(run())
    except DeskPilotError as exc:
        raise _fail(exc.message) from None


async def _pick_workspace(session: AsyncSession, slug: str | None) -> Workspace:
    if slug is not None:
        return await workspaces.get_workspace_by_slug(session, slug)
    found = await workspaces.list_workspaces(session)
    if len(found) != 1:
        names = ", ".join(w.slug for w in found) or "none yet"
        raise DeskPilotError(f"say which workspace with --workspace (there are: {names})", 400)
    return found[0]


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Listen address.")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port.")] = None,
    worker: Annotated[bool, typer.Option(help="Run a job worker in this process.")] = True,
) -> None:
    """Migrate the database and serve the app (API, web UI, WebSocket, in-process worker)."""
    overrides: dict[str, object] = {"run_worker": worker}
    if host:
        overrides["host"] = host
    if port:
        overrides["port"] = port
    settings = Settings(**overrides)  # type: ignore[arg-type]
    configure_logging(settings.log_level, settings.log_format)
    typer.echo(f"DeskPilot is serving on http://{settings.host}:{settings.port}", err=True)
    if worker:
        _warm_ai()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        ws="websockets-sansio",
    )


def _warm_ai() -> None:
    """Load the embedding model and train the default intent classifier in the background, so
    the first customer message does not wait for them."""
    threading.Thread(target=warm_default, name="warm-ai", daemon=True).start()


@app.command()
def migrate() -> None:
    """Apply every pending database migration."""

    async def nothing(_: AsyncSession) -> None:
        return None

    _in_transaction(nothing)
    typer.echo("database is at the newest migration", err=True)


@app.command()
def worker(
    concurrency: Annotated[int | None, typer.Option(help="Jobs run at once.")] = None,
) -> None:
    """Run a job worker process (as many as you like, on PostgreSQL)."""
    settings = Settings()
    if concurrency:
        settings = Settings(worker_concurrency=concurrency)
    configure_logging(settings.log_level, settings.log_format)
    _warm_ai()

    async def run() -> None:
        async with open_resources(settings) as resources:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            await build_worker(settings, resources).run(stop)

    asyncio.run(run())


@app.command()
def demo() -> None:
    """Load the demo workspace and its admin (safe to run again)."""
    settings = Settings()

    async def load(session: AsyncSession) -> None:
        login = await load_demo(session, admin_password=settings.demo_password)
        state = "loaded" if login.created else "already loaded"
        typer.echo(f"demo workspace '{login.workspace_slug}' {state}", err=True)
        typer.echo(f"demo admin login: {login.email} / {login.password}", err=True)

    _in_transaction(load)


@workspace_app.command("create")
def workspace_create(
    slug: str,
    name: Annotated[str, typer.Option(help="Display name.")],
    language: Annotated[str, typer.Option(help="Default language.")] = "en",
    timezone: Annotated[str, typer.Option(help="IANA time zone.")] = "UTC",
) -> None:
    """Create a workspace (a tenant)."""
    try:
        data = WorkspaceCreate(slug=slug, name=name, default_language=language, timezone=timezone)
    except ValidationError as exc:
        raise _invalid(exc) from None

    async def create(session: AsyncSession) -> str:
        return (await workspaces.create_workspace(session, data)).id

    typer.echo(_in_transaction(create))


@workspace_app.command("list")
def workspace_list() -> None:
    """List workspaces: slug, id and name."""

    async def read(session: AsyncSession) -> list[str]:
        return [f"{w.slug}\t{w.id}\t{w.name}" for w in await workspaces.list_workspaces(session)]

    for line in _in_transaction(read):
        typer.echo(line)


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="Sign-in email.")],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    role: Annotated[Role, typer.Option(help="Role in the workspace.")] = Role.AGENT,
    workspace: Annotated[str | None, typer.Option(help="Workspace slug.")] = None,
    password_stdin: Annotated[bool, typer.Option(help="Read the password from stdin.")] = False,
) -> None:
    """Create a user in a workspace; asks for the password (or reads it with --password-stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")

    try:
        valid = MemberCreate(email=email, name=name or email, password=password, role=role)
    except ValidationError as exc:
        raise _invalid(exc) from None

    async def create(session: AsyncSession) -> str:
        target = await _pick_workspace(session, workspace)
        user = await users.create_user(
            session, email=valid.email, name=valid.name, password=valid.password
        )
        await users.add_member(session, target.id, user, role, by=None)
        return user.id

    typer.echo(_in_transaction(create))


@apikey_app.command("create")
def apikey_create(
    role: Annotated[Role, typer.Option(help="Role the key acts with.")] = Role.AGENT,
    workspace: Annotated[str | None, typer.Option(help="Workspace slug.")] = None,
    name: Annotated[str, typer.Option(help="What the key is for.")] = "cli",
) -> None:
    """Create an API key and print only the key on stdout (it is not shown again)."""

    async def create(session: AsyncSession) -> str:
        target = await _pick_workspace(session, workspace)
        _, token = await credentials.create_api_key(
            session, target.id, name=name, role=role, created_by=None
        )
        return token

    typer.echo(_in_transaction(create))


ImportMap = Annotated[
    list[str] | None,
    typer.Option("--map", help='field=Column pairs, e.g. --map email=Email,name="Full Name".'),
]
ImportFormat = Annotated[
    FileFormat | None, typer.Option("--format", help="Default: from the file name.")
]
ImportRegion = Annotated[
    str | None, typer.Option(help="Region of national phone numbers (ISO 3166, e.g. DE).")
]


def _import(
    kind: ImportKind,
    path: Path,
    mapping: list[str] | None,
    workspace: str | None,
    file_format: FileFormat | None,
    region: str | None,
) -> None:
    """Stream the file into one transaction; print the outcome; exit 1 if rows were refused."""
    try:
        parsed = parse_mapping_option(mapping or [])
    except ValueError as exc:
        raise _fail(str(exc)) from None
    chosen = file_format or guess_format(path.name)
    if chosen is None:
        raise _fail("say --format csv, json or ndjson (the file name does not)")
    if not path.is_file():
        raise _fail(f"no such file: {path}")

    async def run(session: AsyncSession) -> list[str]:
        target = await _pick_workspace(session, workspace)
        with path.open("rb") as stream:
            job = await imports.import_file(
                session, target.id, kind, stream, chosen, parsed,
                filename=path.name, default_region=region.upper() if region else None,
            )  # fmt: skip
        return [imports.summary(job), *imports.error_lines(job)]

    summary, *errors = _in_transaction(run)
    for line in errors:
        typer.echo(line, err=True)
    typer.echo(summary, err=True)
    if errors:
        raise typer.Exit(code=1)


@import_app.command("customers")
def import_customers(
    file: Path,
    map_: ImportMap = None,
    workspace: Annotated[str | None, typer.Option(help="Workspace slug.")] = None,
    format_: ImportFormat = None,
    region: ImportRegion = None,
) -> None:
    """Upsert customers from a CSV, JSON array or NDJSON file (all rows or none)."""
    _import(ImportKind.CUSTOMERS, file, map_, workspace, format_, region)


@import_app.command("orders")
def import_orders(
    file: Path,
    map_: ImportMap = None,
    workspace: Annotated[str | None, typer.Option(help="Workspace slug.")] = None,
    format_: ImportFormat = None,
    region: ImportRegion = None,
) -> None:
    """Upsert orders from a CSV, JSON array or NDJSON file, linked to their customers."""
    _import(ImportKind.ORDERS, file, map_, workspace, format_, region)


@import_app.command("kb")
def import_kb(
    path: Path,
    workspace: Annotated[str | None, typer.Option(help="Workspace slug.")] = None,
    language: Annotated[
        str | None,
        typer.Option(help="Language of items that name none (default: detected from the text)."),
    ] = None,
    category: Annotated[str | None, typer.Option(help="Category slug by default.")] = None,
    visibility: Annotated[str, typer.Option(help="public or internal.")] = "public",
    publish: Annotated[bool, typer.Option(help="Publish what is imported.")] = False,
) -> None:
    """Import knowledge articles from Markdown, HTML, CSV/JSON FAQs or JSONL (a file or a
    folder); importing again updates the same articles (a language set by hand stays)."""
    from deskpilot.knowledge import importing
    from deskpilot.knowledge.schemas import ImportResult
    from deskpilot.models.knowledge import Visibility

    if visibility not in {v.value for v in Visibility}:
        raise _fail("--visibility is public or internal")

    async def run(session: AsyncSession) -> ImportResult:
        target = await _pick_workspace(session, workspace)
        options = importing.ImportOptions(
            language=language, category=category, visibility=Visibility(visibility), publish=publish
        )
        return await importing.import_sources(session, target.id, found.sources, options, None)

    try:
        found = importing.sources_from_path(path)
    except DeskPilotError as exc:
        raise _fail(exc.message) from None
    if found.skipped:
        typer.echo(
            f"skipped {len(found.skipped)} file(s) that are not .md, .html, .csv, .json or "
            f".jsonl: {importing.named(found.skipped)}",
            err=True,
        )
    result = _in_transaction(run)
    for item in result.items:
        if item.error is not None:
            typer.echo(f"{item.external_id}: {item.error}", err=True)
        elif item.warning is not None:
            typer.echo(f"{item.external_id}: warning: {item.warning}", err=True)
    typer.echo(
        f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
        f"{result.failed} failed",
        err=True,
    )
    if result.failed:
        raise typer.Exit(code=1)


eval_app = typer.Typer(help="Measure DeskPilot on data sets (prints JSON).", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


@eval_app.command("identity")
def eval_identity(
    dataset: Annotated[
        str, typer.Option(help="fake_1000, febrl3 (in ../shared/datasets/identity/) or a CSV path.")
    ],
    json_: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
) -> None:
    """Batch identity resolution on a labelled data set: pairwise precision, recall, F1."""
    import json

    # Imported here: numpy and the pinyin tables are not worth loading for every command.
    from deskpilot.evals.identity import evaluate_identity

    try:
        result = evaluate_identity(dataset)
    except DeskPilotError as exc:
        raise _fail(exc.message) from None
    if json_:
        typer.echo(json.dumps(result))
    else:
        for key, value in result.items():
            typer.echo(f"{key:>16}  {value}")


@eval_app.command("retrieval")
def eval_retrieval(
    dataset: Annotated[
        str,
        typer.Option(help="tau2_banking_kb (in ../shared/datasets/) or a folder path."),
    ] = "tau2_banking_kb",
    json_: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
) -> None:
    """Knowledge search on a labelled data set: recall@5, recall@10, MRR, latency per mode."""
    import json

    from deskpilot.evals.retrieval import evaluate_retrieval

    try:
        result = evaluate_retrieval(dataset)
    except DeskPilotError as exc:
        raise _fail(exc.message) from None
    if json_:
        typer.echo(json.dumps(result))
    else:
        typer.echo(json.dumps(result, indent=2))


@eval_app.command("replies")
def eval_replies(
    suite: Annotated[
        str,
        typer.Option(help="demo_shop_en, demo_shop_zh, demo_shop_ru, all, or a suite file path."),
    ] = "all",
    json_: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
) -> None:
    """Scripted conversations through the whole AI engine: decision, citation, action accuracy."""
    import json

    from deskpilot.evals.replies import evaluate_replies

    try:
        result = evaluate_replies(suite)
    except DeskPilotError as exc:
        raise _fail(exc.message) from None
    typer.echo(
        json.dumps(result, ensure_ascii=False)
        if json_
        else json.dumps(result, indent=2, ensure_ascii=False)
    )


@eval_app.command("intents")
def eval_intents(
    dataset: Annotated[
        str,
        typer.Option(help="banking77, clinc150 (in ../shared/datasets/) or a JSON file path."),
    ],
    shots: Annotated[
        int | None, typer.Option(help="Train on N examples per intent (seeded sample).")
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
) -> None:
    """Intent classification on a labelled data set: accuracy (and out-of-scope recall)."""
    import json

    from deskpilot.evals.intents import evaluate_intents

    try:
        result = evaluate_intents(dataset, shots)
    except DeskPilotError as exc:
        raise _fail(exc.message) from None
    typer.echo(json.dumps(result) if json_ else json.dumps(result, indent=2))


@eval_app.command("sentiment")
def eval_sentiment(
    dataset: Annotated[
        str, typer.Option(help="waimai_10k (in ../shared/datasets/) or a CSV with label,text.")
    ] = "waimai_10k",
    seed: Annotated[int, typer.Option(help="Seed of the train/test split.")] = 13,
    json_: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
) -> None:
    """Sentiment accuracy: train on at most half of the data set, test on the rest."""
    import json

    from deskpilot.evals.sentiment import evaluate_sentiment

    try:
        result = evaluate_sentiment(dataset, seed=seed)
    except DeskPilotError as exc:
        raise _fail(exc.message) from None
    typer.echo(json.dumps(result, ensure_ascii=False) if json_ else json.dumps(result, indent=2))


kb_app = typer.Typer(help="Knowledge base maintenance.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")


@kb_app.command("reindex")
def kb_reindex(
    workspace: Annotated[
        str | None, typer.Option(help="Workspace slug (default: every workspace).")
    ] = None,
) -> None:
    """Rebuild the search chunks of every article from its published version, each workspace
    with its own embedder (its AI settings' embedding model, or the deployment's)."""
    from deskpilot.knowledge.indexing import reindex
    from deskpilot.knowledge.retrieval.workspace_embedders import embedder_for

    settings = Settings()

    async def run() -> dict[str, int]:
        async with open_resources(settings) as resources:
            database = resources.database
            await upgrade(database)
            async with database.transaction() as session:
                chosen = (
                    [await workspaces.get_workspace_by_slug(session, workspace)]
                    if workspace is not None
                    else list(await workspaces.list_workspaces(session))
                )
                embedders = [(w.id, await embedder_for(session, w.id, resources)) for w in chosen]
            totals = {"articles": 0, "chunks": 0}
            for workspace_id, embedder in embedders:
                counts = await reindex(database, workspace_id, embedder)
                totals = {name: totals[name] + counts[name] for name in totals}
            return totals

    try:
        counts = asyncio.run(run())
    except DeskPilotError as exc:
        raise _fail(exc.message) from None
    typer.echo(f"reindexed {counts['articles']} articles into {counts['chunks']} chunks")


customers_app = typer.Typer(help="Customer 360 maintenance.", no_args_is_help=True)
app.add_typer(customers_app, name="customers")


@customers_app.command("dedupe")
def customers_dedupe(
    workspace: Annotated[str | None, typer.Option(help="Workspace slug.")] = None,
    dry_run: Annotated[
        bool, typer.Option(help="Run now and print what would change; change nothing.")
    ] = False,
) -> None:
    """Queue `customer.deduplicate` (a worker runs it), or with --dry-run count it here."""
    from deskpilot.customers import dedupe

    async def run(session: AsyncSession) -> str:
        target = await _pick_workspace(session, workspace)
        if dry_run:
            found = await dedupe.deduplicate(session, target.id, dry_run=True)
            return found.line()
        return f"queued job {dedupe.request_deduplication(session, target.id).id}"

    typer.echo(_in_transaction(run))


def main() -> None:
    app()
