"""Feedback in, a ticket out: classify it, file it, and answer at once when the knowledge base
can. Never commits (the request owns the transaction).

1. Attachments are checked (count, size, type) before anything is written.
2. The AI's understanding (language, sentiment, intent) and the category classifier run in a
   thread.
3. The visitor's email, with consent, resolves to a customer the way channel intake does
   (a new profile when nobody matches); the ticket is then theirs (``Actor("customer")``),
   else it is filed by ``Actor("system")``.
4. The ticket (source ``feedback``) gets the type, category, language, labels, the text and
   the attachments; a private note explains the classification.
5. A question the knowledge base supports (the chat engine's retrieval, extractive writer and
   support threshold) is answered on the spot: the answer is a public comment by
   ``Actor("bot")`` and the ticket stays open for a person.
"""

from __future__ import annotations

import asyncio
import fnmatch
from typing import Any
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.ai import service as ai
from deskpilot.ai.pipeline import KnowledgeRetriever
from deskpilot.ai.replies.compose import Composed, ExtractiveWriter
from deskpilot.ai.understanding.annotate import understand
from deskpilot.customers.identity import normalise_email
from deskpilot.customers.service import SenderHandle, resolve_sender
from deskpilot.feedback.classify import Classification, classify
from deskpilot.feedback.schemas import (
    ALLOWED_TYPES,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    CitationRead,
    FeedbackResult,
    FeedbackSubmit,
    InstantAnswer,
    Upload,
)
from deskpilot.kit.deps import Resources
from deskpilot.kit.errors import InvalidInput, NotFound
from deskpilot.knowledge.retrieval.embeddings import get_embedder
from deskpilot.models import Ticket, TicketSource, Workspace
from deskpilot.tickets import service as tickets
from deskpilot.tickets.schemas import SYSTEM, Actor, TicketCreate, reference
from deskpilot.tickets.tracking.tokens import signing_key, tracking_url
from deskpilot.workspaces.service import find_workspace_by_slug

FEEDBACK_CHANNEL = "feedback"
"""The channel part of the identity a feedback contact gets (``feedback:<email>``)."""
SUBJECT_CHARS = 120
MIN_SUPPORT = 1.0  # the engine's own threshold for answering from knowledge


async def workspace_of(session: AsyncSession, slug: str) -> Workspace:
    """The workspace whose form this is; 404 for an unknown slug."""
    workspace = await find_workspace_by_slug(session, slug)
    if workspace is None:
        raise NotFound.of("feedback form", slug)
    return workspace


def check_uploads(uploads: list[Upload]) -> None:
    """InvalidInput (``attachments``) for too many files, a file too big or of a type not
    taken; nothing is stored then."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise InvalidInput.field("attachments", f"at most {MAX_ATTACHMENTS} files")
    for upload in uploads:
        base = upload.content_type.split(";")[0].strip().lower()
        if not any(fnmatch.fnmatchcase(base, allowed) for allowed in ALLOWED_TYPES):
            raise InvalidInput.field(
                "attachments", f"{upload.filename}: files of type {base!r} are not accepted"
            )
        if len(upload.data) > MAX_ATTACHMENT_BYTES:
            raise InvalidInput.field(
                "attachments", f"{upload.filename}: a file may be at most 5 MB"
            )
        if not upload.data:
            raise InvalidInput.field("attachments", f"{upload.filename}: the file is empty")


async def classify_feedback(
    session: AsyncSession, workspace: Workspace, data: FeedbackSubmit
) -> Classification:
    settings = await ai.get_settings(session, workspace.id)
    taxonomy = await ai.taxonomy_of(session, workspace.id)
    default_language = data.language if data.language in settings.languages else None

    def run() -> Classification:
        understood = understand(
            data.text,
            taxonomy.classifier,
            languages=settings.languages,
            default_language=default_language or workspace.default_language,
        )
        return classify(
            data.text,
            understood,
            data.category,
            get_embedder(),
            negative_sentiment=settings.negative_sentiment,
        )

    return await asyncio.to_thread(run)


async def instant_answer(
    session: AsyncSession, resources: Resources, workspace: Workspace, text: str, language: str
) -> InstantAnswer | None:
    """The knowledge base's answer to ``text``, or None when nothing there supports one."""
    passages = await KnowledgeRetriever(session, workspace.id, resources).passages(text, language)
    composed: Composed | None = await ExtractiveWriter().write(text, passages, language)
    if composed is None or composed.support < MIN_SUPPORT:
        return None
    slug = quote(workspace.slug, safe="")
    return InstantAnswer(
        text=composed.text,
        citations=[
            CitationRead(
                article_id=c.article_id,
                title=c.title,
                url=f"/help/{slug}/articles/{quote(c.article_id, safe='')}",
            )
            for c in composed.citations
        ],
    )


def _subject(text: str) -> str:
    first = text.strip().splitlines()[0].strip()
    return first if len(first) <= SUBJECT_CHARS else first[: SUBJECT_CHARS - 1].rstrip() + "…"


async def _contact(session: AsyncSession, workspace: Workspace, data: FeedbackSubmit) -> str | None:
    """The customer the visitor's email resolves to (created if new); None without one."""
    if data.email is None or not data.consent:
        return None
    customer = await resolve_sender(
        session,
        workspace.id,
        FEEDBACK_CHANNEL,
        SenderHandle(external_id=normalise_email(data.email), name=data.name, email=data.email),
    )
    return customer.id


async def submit_feedback(
    session: AsyncSession,
    resources: Resources,
    workspace: Workspace,
    data: FeedbackSubmit,
    uploads: list[Upload],
) -> FeedbackResult:
    """File the feedback as a ticket; see the module docstring for the steps."""
    check_uploads(uploads)
    classification = await classify_feedback(session, workspace, data)
    customer_id = await _contact(session, workspace, data)
    actor = Actor("customer", customer_id) if customer_id else SYSTEM
    stored: list[dict[str, Any]] = [
        dict(resources.files.save(workspace.id, u.filename, u.content_type, u.data).as_dict())
        for u in uploads
    ]
    view = await tickets.create_ticket(
        session,
        resources.bus,
        workspace.id,
        TicketCreate(
            subject=_subject(data.text),
            type=classification.type,
            category=classification.category.category,
            language=classification.language,
            labels=classification.labels,
            description=data.text,
            customer_id=customer_id,
        ),
        actor,
        TicketSource.FEEDBACK,
        attachments=stored,
    )
    ticket = view.ticket
    note = classification.explanation()
    if data.name and customer_id is None:  # a name alone matches no customer: keep it here
        note += f" Contact: {data.name}."
    bot = Actor("bot")
    await tickets.add_comment(
        session, resources.bus, workspace.id, ticket.id, note, bot, public=False
    )
    answer = None
    if classification.is_question:
        answer = await instant_answer(
            session, resources, workspace, data.text, classification.language
        )
        if answer is not None:
            await tickets.add_comment(
                session, resources.bus, workspace.id, ticket.id, answer.text, bot, public=True
            )
    return FeedbackResult(
        reference=reference(ticket.number),
        ticket_id=ticket.id,
        type=classification.type.value,
        category=classification.category.category,
        language=classification.language,
        sentiment=classification.sentiment_label,
        answer=answer,
        tracking_url=_tracking_link(resources, workspace, ticket),
    )


def _tracking_link(resources: Resources, workspace: Workspace, ticket: Ticket) -> str:
    return tracking_url(
        resources.public_url, workspace.slug, ticket, signing_key(resources.secret_box)
    )
