"""HTTP for the AI engine: settings, the intent taxonomy, reply previews, agent assist, runs.

Admins change settings and intents; agents preview replies, ask for suggestions and read runs;
viewers read settings, intents and runs.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from deskpilot.ai import assist as assisting
from deskpilot.ai import pipeline, service
from deskpilot.ai.provider_check import check_provider
from deskpilot.ai.schemas import (
    Assist,
    CitationRead,
    IntentRead,
    IntentUpdate,
    IntentWrite,
    PreviewRead,
    PreviewRequest,
    ProviderCheck,
    RunRead,
    SettingsRead,
    SettingsUpdate,
)
from deskpilot.auth.dependencies import AdminAuth, AgentAuth, ViewerAuth
from deskpilot.kit.deps import ResourcesDep, SessionDep
from deskpilot.kit.errors import InvalidInput

# Every error comes in the project's format ({"error": {"code", "message", "fields"}}); listed
# so the schema tells clients (and contract tests) which statuses to expect.
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "The body is not JSON"},
    404: {"description": "No such intent, conversation or customer in this workspace"},
    409: {"description": "The change conflicts with the taxonomy (a name in use, too few)"},
}

router = APIRouter(prefix="/api/v1/ai", tags=["ai"], responses=ERRORS)


@router.get("/settings")
async def get_settings(principal: ViewerAuth, session: SessionDep) -> SettingsRead:
    return SettingsRead.model_validate(await service.get_settings(session, principal.workspace_id))


@router.patch("/settings")
async def update_settings(
    change: SettingsUpdate, principal: AdminAuth, session: SessionDep
) -> SettingsRead:
    """Provider (``builtin`` or ``openai`` with base URL, models and the name of the workspace
    secret holding the key), thresholds, languages, VIP segments, actions on or off."""
    settings = await service.update_settings(session, principal.workspace_id, change)
    return SettingsRead.model_validate(settings)


@router.post("/settings/check")
async def check_settings(
    principal: AdminAuth, session: SessionDep, resources: ResourcesDep
) -> ProviderCheck:
    """Try the saved provider configuration: one short request to the chat model and one to
    the embedding model if set, with no retries and outside the breaker, each reported with
    its latency or what failed (HTTP status, timeout, malformed answer, a missing key secret).
    ``builtin`` needs no endpoint and is always ok. Save a change before checking it."""
    settings = await service.get_settings(session, principal.workspace_id)
    return await check_provider(session, settings, resources.secret_box, resources.http)


@router.get("/intents")
async def list_intents(principal: ViewerAuth, session: SessionDep) -> list[IntentRead]:
    """The workspace's taxonomy (the default one until it is changed)."""
    intents = await service.list_intents(session, principal.workspace_id)
    return [IntentRead.model_validate(i) for i in intents]


@router.post("/intents", status_code=201)
async def create_intent(body: IntentWrite, principal: AdminAuth, session: SessionDep) -> IntentRead:
    return IntentRead.model_validate(
        await service.create_intent(session, principal.workspace_id, body)
    )


@router.get("/intents/{intent_id}")
async def get_intent(intent_id: str, principal: ViewerAuth, session: SessionDep) -> IntentRead:
    return IntentRead.model_validate(
        await service.get_intent(session, principal.workspace_id, intent_id)
    )


@router.patch("/intents/{intent_id}")
async def update_intent(
    intent_id: str, change: IntentUpdate, principal: AdminAuth, session: SessionDep
) -> IntentRead:
    """New examples retrain the classifier before the next message."""
    return IntentRead.model_validate(
        await service.update_intent(session, principal.workspace_id, intent_id, change)
    )


@router.delete("/intents/{intent_id}", status_code=204)
async def delete_intent(intent_id: str, principal: AdminAuth, session: SessionDep) -> None:
    await service.delete_intent(session, principal.workspace_id, intent_id)


@router.post("/reply-preview")
async def reply_preview(
    body: PreviewRequest, principal: AgentAuth, session: SessionDep, resources: ResourcesDep
) -> PreviewRead:
    """The whole pipeline on ``text`` without sending: the decision, reply, citations, action
    and reason. ``customer_id`` or ``email`` names a customer the caller has verified."""
    customer_id = await assisting.customer_for_preview(
        session, principal.workspace_id, body.customer_id, body.email
    )
    history = [turn.text for turn in body.history if turn.role == "customer"]
    result = await pipeline.preview(
        session,
        principal.workspace_id,
        body.text,
        customer_id=customer_id,
        history=history,
        resources=resources,
    )
    outcome = result.outcome
    return PreviewRead(
        decision=outcome.decision,
        reason=outcome.reason,
        reply=outcome.reply,
        language=result.understanding.language,
        intent=result.understanding.intent,
        confidence=result.understanding.confidence,
        sentiment=result.understanding.sentiment.score,
        citations=[
            CitationRead(article_id=c.article_id, version=c.version, title=c.title)
            for c in outcome.citations
        ],
        action=outcome.action,
        annotations=result.understanding.annotations(),
        latency_ms=round(result.latency_ms, 2),
    )


@router.get("/conversations/{conversation_id}/assist")
async def assist(
    conversation_id: str, principal: AgentAuth, session: SessionDep, resources: ResourcesDep
) -> Assist:
    """A suggested reply to the customer's last message, with its sources, and a summary."""
    return await assisting.assist(session, resources, principal.workspace_id, conversation_id)


@router.get("/runs")
async def list_runs(
    principal: ViewerAuth,
    session: SessionDep,
    message_id: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    conversation_id: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> list[RunRead]:
    """The engine's decisions for one message or one conversation (newest first)."""
    if message_id:
        runs = await service.runs_of_message(session, principal.workspace_id, message_id)
    elif conversation_id:
        runs = await service.runs_of_conversation(session, principal.workspace_id, conversation_id)
    else:
        raise InvalidInput.field("message_id", "give message_id or conversation_id")
    return [RunRead.model_validate(r) for r in runs]
