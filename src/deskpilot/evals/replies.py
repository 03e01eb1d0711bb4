"""``deskpilot eval replies``: run scripted conversations through the whole AI engine and score
the bot's last reply of each against what the suite expects.

A suite is a self-contained JSON or YAML file (docs/ai-evaluation.md):

- ``knowledge``: articles (``key``, ``title``, ``body``, ``language``, ``category``,
  ``visibility``), published;
- ``customers``: ``email``, ``name``, optional ``phone``, ``zip`` and ``orders`` (``id``,
  ``status``, ``items``, ``total``, ``tracking``, optional ``carrier``);
- ``cases``: ``id``, optional ``customer`` (an email the channel has verified), ``turns`` (the
  customer's messages in order) and ``expect`` for the last turn: ``decision`` (one or a list),
  optional ``cites`` (an article key), ``action``, ``language``, ``reply_contains``,
  ``reply_excludes``.

Everything is loaded into a fresh workspace of a temporary SQLite database (bot on, default
settings and taxonomy, articles indexed with the configured embedder). Each case is a new
conversation on an API channel: every turn goes through intake (as the channel would hand it
over) and then through ``pipeline.handle_message`` in its own transaction, as the job would.
The orders are put back as the suite wrote them before each case, so a case that cancels an
order does not change what the next one sees.

Scores: ``decision_accuracy`` over all cases; ``citation_accuracy``, ``action_accuracy`` and
``language_accuracy`` over the cases that expect a citation, an action or a language;
``excluded_text_leaks`` counts cases in which ANY bot reply contains an excluded text;
``wrong_actions`` counts cases in which an action the case did not expect ran in the last turn,
or a data-changing action ran in any earlier turn; ``internal_citations`` counts cases in which
an internal article was cited. A case fails when any of its expectations is not met.
"""

from __future__ import annotations

import asyncio
import copy
import json
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import httpx
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

# The task modules register the jobs that intake and the pipeline queue (never run here).
import deskpilot.ai.tasks
import deskpilot.channels.tasks
import deskpilot.customers.tasks
import deskpilot.knowledge.tasks
import deskpilot.segments.tasks
import deskpilot.webhooks.tasks  # noqa: F401
from deskpilot.ai.pipeline import handle_message
from deskpilot.conversations.intake import InboundMessage, receive
from deskpilot.customers.service import SenderHandle
from deskpilot.kit.bus.memory import InProcessBus
from deskpilot.kit.crypto import SecretBox, new_token
from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.errors import InvalidInput, field_errors
from deskpilot.kit.ratelimit import RateLimiter
from deskpilot.kit.storage import FileStore
from deskpilot.knowledge.indexing import reindex
from deskpilot.knowledge.retrieval.embeddings import get_embedder
from deskpilot.migrations.runner import upgrade
from deskpilot.models import (
    Article,
    ArticleStatus,
    ArticleVersion,
    Channel,
    Customer,
    CustomerIdentity,
    IdentityKind,
    KnowledgeCategory,
    Order,
    Visibility,
)
from deskpilot.workspaces.schemas import WorkspaceCreate
from deskpilot.workspaces.service import create_workspace

SUITES = Path(__file__).resolve().parent / "suites"
DATA_CHANGING = frozenset({"cancel_order", "return_order", "change_address"})
DecisionName = Literal["answer", "action", "clarify", "handoff"]


class SuiteError(InvalidInput):
    """A suite file that cannot be read or does not follow the format (names the field)."""

    code = "invalid_suite"


# --- the suite format -----------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class KnowledgeSpec(_Strict):
    key: str = Field(min_length=1)
    title: str = Field(min_length=1)
    body: str = Field(min_length=1)
    language: str = Field("en", min_length=2, max_length=16)
    category: str | None = None
    visibility: Visibility = Visibility.PUBLIC


class ItemSpec(_Strict):
    name: str = Field(min_length=1)
    item_id: str | None = None
    price: float = 0.0
    quantity: int = Field(1, ge=1)
    options: dict[str, Any] = Field(default_factory=dict)


class OrderSpec(_Strict):
    id: str = Field(min_length=1)
    status: str = Field(min_length=1)
    items: list[ItemSpec | str] = Field(default_factory=list)
    total: Decimal = Decimal("0")
    tracking: list[str] = Field(default_factory=list)
    carrier: str | None = None
    payment_method: str = "credit_card_1000001"

    @field_validator("tracking", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else ([] if value is None else value)


class CustomerSpec(_Strict):
    email: str = Field(min_length=3)
    name: str = Field(min_length=1)
    phone: str | None = None
    zip: str | None = None
    orders: list[OrderSpec] = Field(default_factory=list)


class ExpectSpec(_Strict):
    decision: list[DecisionName] = Field(min_length=1)
    cites: str | None = None
    action: str | None = None
    language: str | None = None
    reply_contains: list[str] = Field(default_factory=list)
    reply_excludes: list[str] = Field(default_factory=list)

    @field_validator("decision", "reply_contains", "reply_excludes", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class CaseSpec(_Strict):
    id: str = Field(min_length=1)
    customer: str | None = None
    turns: list[str] = Field(min_length=1)
    expect: ExpectSpec

    @field_validator("turns")
    @classmethod
    def _no_empty_turn(cls, value: list[str]) -> list[str]:
        if any(not turn.strip() for turn in value):
            raise ValueError("a turn must have text")
        return value


class SuiteSpec(_Strict):
    name: str | None = None
    description: str | None = None
    knowledge: list[KnowledgeSpec] = Field(default_factory=list)
    customers: list[CustomerSpec] = Field(default_factory=list)
    cases: list[CaseSpec] = Field(min_length=1)


def suite_paths(name_or_path: str) -> list[Path]:
    """A file path; a packaged suite's bare name (``demo_shop_en``); or ``all`` of them."""
    if name_or_path == "all":
        return sorted(SUITES.glob("*.yaml"))
    candidate = Path(name_or_path)
    if candidate.is_file():
        return [candidate]
    for suffix in (".yaml", ".yml", ".json"):
        packaged = SUITES / f"{name_or_path}{suffix}"
        if packaged.is_file():
            return [packaged]
    known = ", ".join(p.stem for p in sorted(SUITES.glob("*.yaml")))
    raise SuiteError.field(
        "suite", f"no suite file at {name_or_path!r} (packaged suites: {known}, or all)"
    )


def load_suite(path: Path) -> SuiteSpec:
    """Read and check a suite; every problem names its field (``cases[3].expect.decision``)."""
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise SuiteError.field("suite", f"{path.name} cannot be read: {exc}") from None
    if not isinstance(raw, dict):
        raise SuiteError.field("suite", f"{path.name} must hold a mapping with cases")
    try:
        suite = SuiteSpec.model_validate(raw)
    except ValidationError as exc:
        raise SuiteError.of(field_errors(exc.errors(include_url=False))) from None
    _check_references(suite)
    return suite


def _check_references(suite: SuiteSpec) -> None:
    keys = [a.key for a in suite.knowledge]
    emails = [c.email.lower() for c in suite.customers]
    orders = [o.id for c in suite.customers for o in c.orders]
    cases = [c.id for c in suite.cases]
    for what, values in (("knowledge", keys), ("customers", emails), ("cases", cases)):
        dupes = sorted({v for v in values if values.count(v) > 1})
        if dupes:
            raise SuiteError.field(what, f"duplicate {', '.join(dupes)}")
    if len(set(orders)) != len(orders):
        raise SuiteError.field("customers.orders.id", "an order id is used twice")
    for index, case in enumerate(suite.cases):
        where = f"cases[{index}]"
        if case.customer is not None and case.customer.lower() not in emails:
            raise SuiteError.field(f"{where}.customer", f"{case.customer!r} is not a customer")
        if case.expect.cites is not None and case.expect.cites not in keys:
            raise SuiteError.field(f"{where}.expect.cites", f"no article {case.expect.cites!r}")


# --- loading a suite into a workspace -------------------------------------------------------


@dataclass(slots=True)
class Shop:
    workspace_id: str
    channel: Channel
    article_ids: dict[str, str]  # suite key -> article id
    internal_ids: set[str]
    orders: dict[str, dict[str, Any]]  # order row id -> its columns as the suite wrote them


def _item(item: ItemSpec | str, number: int) -> dict[str, Any]:
    spec = ItemSpec(name=item) if isinstance(item, str) else item
    return {
        "name": spec.name,
        "item_id": spec.item_id or f"{9000000000 + number}",
        "price": spec.price,
        "options": spec.options,
        "quantity": spec.quantity,
    }


def _order_columns(order: OrderSpec, first_item: int) -> dict[str, Any]:
    items = [_item(item, first_item + i) for i, item in enumerate(order.items)]
    fulfillment: dict[str, Any] = {"tracking_id": list(order.tracking)}
    if order.carrier:
        fulfillment["carrier"] = order.carrier
    return {
        "status": order.status,
        "items": items,
        "total": order.total,
        "fulfillments": [fulfillment] if order.tracking else [],
        "payment_methods": [
            {
                "transaction_type": "payment",
                "amount": float(order.total),
                "payment_method_id": order.payment_method,
            }
        ],
        "shipping_address": {
            "address1": "1 Eval Street",
            "city": "Springfield",
            "zip": "10001",
            "country": "US",
        },
    }


async def load_shop(database: Database, suite: SuiteSpec) -> Shop:
    embedder = await asyncio.to_thread(get_embedder)
    async with database.transaction() as session:
        workspace = await create_workspace(
            session, WorkspaceCreate(slug="eval-replies", name="Reply evaluation")
        )
        ws = workspace.id
        channel = Channel(workspace_id=ws, type="api", name="Eval API", public_key="eval-replies")
        session.add(channel)
        categories: dict[str, KnowledgeCategory] = {}
        for name in sorted({a.category for a in suite.knowledge if a.category}):
            categories[name] = KnowledgeCategory(workspace_id=ws, slug=name[:80], name=name)
        session.add_all(categories.values())
        await session.flush()
        articles = [
            Article(
                workspace_id=ws,
                title=spec.title,
                language=spec.language,
                visibility=spec.visibility,
                status=ArticleStatus.PUBLISHED,
                category_id=categories[spec.category].id if spec.category else None,
                external_id=spec.key,
                current_version=1,
                published_version=1,
            )
            for spec in suite.knowledge
        ]
        session.add_all(articles)
        await session.flush()
        session.add_all(
            ArticleVersion(
                workspace_id=ws, article_id=a.id, number=1, title=spec.title, body=spec.body
            )
            for a, spec in zip(articles, suite.knowledge, strict=True)
        )
        orders: dict[str, dict[str, Any]] = {}
        items_seen = 0
        for spec in suite.customers:
            customer = Customer(
                workspace_id=ws,
                name=spec.name,
                email=spec.email,
                phone=spec.phone,
                postcode=spec.zip,
            )
            session.add(customer)
            await session.flush()
            session.add(
                CustomerIdentity(
                    workspace_id=ws,
                    customer_id=customer.id,
                    kind=IdentityKind.EMAIL,
                    value=spec.email.strip().lower(),
                )
            )
            for order_spec in spec.orders:
                columns = _order_columns(order_spec, items_seen)
                items_seen += len(order_spec.items)
                order = Order(
                    workspace_id=ws, external_id=order_spec.id, customer_id=customer.id, **columns
                )
                session.add(order)
                await session.flush()
                orders[order.id] = columns
    await reindex(database, ws, embedder)
    return Shop(
        workspace_id=ws,
        channel=channel,
        article_ids={spec.key: a.id for a, spec in zip(articles, suite.knowledge, strict=True)},
        internal_ids={a.id for a in articles if a.visibility != Visibility.PUBLIC},
        orders=orders,
    )


async def restore_orders(database: Database, shop: Shop) -> None:
    """Put every order back as the suite wrote it (a case may have cancelled one)."""
    async with database.transaction() as session:
        for order_id, columns in shop.orders.items():
            order = await session.get(Order, order_id)
            if order is not None:
                for name, value in columns.items():
                    setattr(order, name, copy.deepcopy(value))


# --- running and scoring the cases ----------------------------------------------------------


@dataclass(slots=True)
class TurnResult:
    decision: str  # "none" when the bot stayed quiet (the conversation is with people)
    reply: str
    citations: list[str]  # article ids
    action: str | None  # the action's name, when the decision involved one
    language: str


@dataclass(slots=True)
class CaseResult:
    case: CaseSpec
    turns: list[TurnResult]
    problems: list[str] = field(default_factory=list)
    decision_ok: bool = False
    cites_ok: bool | None = None
    action_ok: bool | None = None
    language_ok: bool | None = None
    leaked: bool = False
    wrong_action: bool = False
    internal_cited: bool = False


async def run_case(
    resources: Resources, shop: Shop, case: CaseSpec, number: int
) -> list[TurnResult]:
    """Each turn: intake as the channel hands it over, then the AI job, each in its own
    transaction (as the worker would run it)."""
    database = resources.database
    sender = SenderHandle(
        external_id=f"case-{number}", email=case.customer, verified=case.customer is not None
    )
    results: list[TurnResult] = []
    for index, text in enumerate(case.turns):
        async with database.transaction() as session:
            intake = await receive(
                session,
                resources.bus,
                resources.files,
                shop.channel,
                InboundMessage(
                    sender=sender,
                    text=text,
                    external_id=f"case-{number}-{index}",
                    thread_key=f"case-{number}",
                ),
            )
            message_id = intake.message.id
        async with database.transaction() as session:
            handled = await handle_message(session, resources, shop.workspace_id, message_id)
        results.append(_turn_result(handled))
    return results


def _turn_result(handled: Any) -> TurnResult:
    if handled is None:
        return TurnResult("none", "", [], None, "")
    language = str(handled.understanding.language)
    outcome = handled.outcome
    if outcome is None:
        return TurnResult("none", "", [], None, language)
    action = outcome.action.get("name") if outcome.action else None
    return TurnResult(
        str(outcome.decision.value),
        outcome.reply,
        [c.article_id for c in outcome.citations],
        str(action) if action else None,
        language,
    )


def score_case(case: CaseSpec, turns: list[TurnResult], shop: Shop) -> CaseResult:
    result = CaseResult(case, turns)
    expect, last = case.expect, turns[-1]
    result.decision_ok = last.decision in expect.decision
    if not result.decision_ok:
        result.problems.append(f"decision {last.decision}, expected {'|'.join(expect.decision)}")
    if expect.cites is not None:
        result.cites_ok = shop.article_ids[expect.cites] in last.citations
        if not result.cites_ok:
            result.problems.append(f"did not cite {expect.cites}")
    if expect.action is not None:
        result.action_ok = last.action == expect.action
        if not result.action_ok:
            result.problems.append(f"action {last.action}, expected {expect.action}")
    if expect.language is not None:
        result.language_ok = last.language == expect.language
        if not result.language_ok:
            result.problems.append(f"language {last.language}, expected {expect.language}")
    reply = last.reply.casefold()
    for text in expect.reply_contains:
        if text.casefold() not in reply:
            result.problems.append(f"reply lacks {text!r}")
    for text in expect.reply_excludes:
        if any(text.casefold() in turn.reply.casefold() for turn in turns):
            result.leaked = True
            result.problems.append(f"a reply contains excluded {text!r}")
    ran_last = last.action if last.decision == "action" else None
    earlier = {t.action for t in turns[:-1] if t.decision == "action" and t.action}
    if (ran_last and ran_last != expect.action) or earlier & DATA_CHANGING:
        result.wrong_action = True
        result.problems.append(f"unexpected action {ran_last or ', '.join(sorted(earlier))}")
    if any(set(t.citations) & shop.internal_ids for t in turns):
        result.internal_cited = True
        result.problems.append("cited an internal article")
    return result


def _share(values: list[bool | None]) -> float | None:
    counted = [v for v in values if v is not None]
    return round(sum(counted) / len(counted), 4) if counted else None


def summarise(results: list[CaseResult], seconds: float) -> dict[str, Any]:
    return {
        "n": len(results),
        "decision_accuracy": _share([r.decision_ok for r in results]),
        "citation_accuracy": _share([r.cites_ok for r in results]),
        "action_accuracy": _share([r.action_ok for r in results]),
        "language_accuracy": _share([r.language_ok for r in results]),
        "excluded_text_leaks": sum(r.leaked for r in results),
        "wrong_actions": sum(r.wrong_action for r in results),
        "internal_citations": sum(r.internal_cited for r in results),
        "failing": [{"id": r.case.id, "why": "; ".join(r.problems)} for r in results if r.problems],
        "seconds": round(seconds, 1),
    }


@asynccontextmanager
async def eval_resources(folder: Path, database_url: str | None = None) -> AsyncIterator[Resources]:
    """What the pipeline needs, all local: a fresh SQLite database (or the empty database at
    ``database_url``), the in-process bus, files under ``folder``, a throwaway secret key;
    nothing from the environment but the embedder."""
    database = Database(database_url or f"sqlite+aiosqlite:///{folder / 'eval.db'}")
    limiter = RateLimiter(5, 60, None)
    http = httpx.AsyncClient(timeout=httpx.Timeout(15.0), follow_redirects=False)
    try:
        await upgrade(database)
        yield Resources(
            database=database,
            bus=InProcessBus(),
            secret_box=SecretBox(new_token(24)),
            login_limiter=limiter,
            files=FileStore(folder / "files"),
            http=http,
        )
    finally:
        await http.aclose()
        await limiter.aclose()
        await database.dispose()


async def run_suite(suite: SuiteSpec) -> list[CaseResult]:
    with tempfile.TemporaryDirectory(prefix="deskpilot-eval-replies-") as tmp:
        async with eval_resources(Path(tmp)) as resources:
            shop = await load_shop(resources.database, suite)
            results = []
            for number, case in enumerate(suite.cases, start=1):
                await restore_orders(resources.database, shop)
                turns = await run_case(resources, shop, case, number)
                results.append(score_case(case, turns, shop))
            return results


async def _evaluate(name_or_path: str) -> dict[str, Any]:
    paths = suite_paths(name_or_path)
    suites = [(path.stem, load_suite(path)) for path in paths]  # all checked before any run
    started = time.perf_counter()
    every: list[CaseResult] = []
    per_suite: dict[str, Any] = {}
    for name, suite in suites:
        began = time.perf_counter()
        results = await run_suite(suite)
        per_suite[name] = summarise(results, time.perf_counter() - began)
        every.extend(results)
    if len(suites) == 1:
        return {"suite": suites[0][0], **per_suite[suites[0][0]]}
    prefixed = [f"{name}:" for name, suite in suites for _ in suite.cases]
    combined = summarise(every, time.perf_counter() - started)
    combined["failing"] = [
        {"id": f"{p}{r.case.id}", "why": "; ".join(r.problems)}
        for p, r in zip(prefixed, every, strict=True)
        if r.problems
    ]
    return {"suite": name_or_path, **combined, "suites": per_suite}


def evaluate_replies(name_or_path: str) -> dict[str, Any]:
    return asyncio.run(_evaluate(name_or_path))
