"""HTTP for automation rules (admins write, viewers read), their run log and dry runs, and
macros (admins write, agents read and apply)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from deskpilot.auth.dependencies import AdminAuth, AgentAuth, ViewerAuth
from deskpilot.auth.principal import Principal
from deskpilot.kit.deps import ResourcesDep, SessionDep
from deskpilot.kit.pagination import Page
from deskpilot.tickets.automation import service
from deskpilot.tickets.automation.schemas import (
    DryRunOptions,
    DryRunRead,
    DryRunRequest,
    MacroCreate,
    MacroRead,
    MacroUpdate,
    RuleCreate,
    RuleRead,
    RuleRunRead,
    RuleUpdate,
)
from deskpilot.tickets.events import ticket_data
from deskpilot.tickets.schemas import Actor, TicketRead

router = APIRouter(prefix="/api/v1/automation/rules", tags=["automation"])
macros_router = APIRouter(tags=["automation"])

Limit = Annotated[int, Query(ge=1, le=200)]


def _actor(principal: Principal) -> Actor:
    if principal.user_id is not None:
        return Actor("user", principal.user_id)
    return Actor("api_key", principal.api_key_id)


@router.get("")
async def list_rules(principal: ViewerAuth, session: SessionDep) -> list[RuleRead]:
    """Every rule, in the order rules run (position, then age)."""
    rules = await service.list_rules(session, principal.workspace_id)
    return [RuleRead.model_validate(r) for r in rules]


@router.post("", status_code=201)
async def create_rule(body: RuleCreate, principal: AdminAuth, session: SessionDep) -> RuleRead:
    """A rule: when `trigger` fires and every condition holds, take the actions in order."""
    return RuleRead.model_validate(await service.create_rule(session, principal.workspace_id, body))


@router.post("/dry-run")
async def dry_run(body: DryRunRequest, principal: AdminAuth, session: SessionDep) -> DryRunRead:
    """Try an unsaved rule on the most recent tickets: what it would match and do. Nothing is
    changed or logged."""
    rule = RuleCreate.model_validate(body.model_dump(exclude={"limit"}))
    return await service.dry_run_rule(session, principal.workspace_id, rule, body.limit)


@router.get("/{rule_id}")
async def get_rule(rule_id: str, principal: ViewerAuth, session: SessionDep) -> RuleRead:
    return RuleRead.model_validate(await service.get_rule(session, principal.workspace_id, rule_id))


@router.patch("/{rule_id}")
async def update_rule(
    rule_id: str, body: RuleUpdate, principal: AdminAuth, session: SessionDep
) -> RuleRead:
    """Change a rule; pause it with `is_active: false`."""
    rule = await service.update_rule(session, principal.workspace_id, rule_id, body)
    return RuleRead.model_validate(rule)


@router.delete("/{rule_id}", status_code=204)
async def delete_rule(rule_id: str, principal: AdminAuth, session: SessionDep) -> None:
    """Delete a rule with its run log."""
    await service.delete_rule(session, principal.workspace_id, rule_id)


@router.post("/{rule_id}/dry-run")
async def dry_run_saved(
    rule_id: str,
    principal: AdminAuth,
    session: SessionDep,
    body: Annotated[DryRunOptions | None, Body()] = None,
) -> DryRunRead:
    """Try a saved rule on the most recent tickets (`{"limit": 100}` by default)."""
    limit = (body or DryRunOptions()).limit
    return await service.dry_run_saved(session, principal.workspace_id, rule_id, limit)


@router.get("/{rule_id}/runs")
async def list_runs(
    rule_id: str,
    principal: ViewerAuth,
    session: SessionDep,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[RuleRunRead]:
    """The rule's run log, newest first. Pass `next_cursor` back as `cursor` for more."""
    runs, next_cursor = await service.list_runs(
        session, principal.workspace_id, rule_id, cursor, limit
    )
    return Page(items=[RuleRunRead.model_validate(r) for r in runs], next_cursor=next_cursor)


@macros_router.get("/api/v1/macros")
async def list_macros(principal: AgentAuth, session: SessionDep) -> list[MacroRead]:
    macros = await service.list_macros(session, principal.workspace_id)
    return [MacroRead.model_validate(m) for m in macros]


@macros_router.post("/api/v1/macros", status_code=201)
async def create_macro(body: MacroCreate, principal: AdminAuth, session: SessionDep) -> MacroRead:
    """A macro: actions (the same as rules take) an agent applies to a ticket in one click."""
    macro = await service.create_macro(session, principal.workspace_id, body)
    return MacroRead.model_validate(macro)


@macros_router.get("/api/v1/macros/{macro_id}")
async def get_macro(macro_id: str, principal: AgentAuth, session: SessionDep) -> MacroRead:
    macro = await service.get_macro(session, principal.workspace_id, macro_id)
    return MacroRead.model_validate(macro)


@macros_router.patch("/api/v1/macros/{macro_id}")
async def update_macro(
    macro_id: str, body: MacroUpdate, principal: AdminAuth, session: SessionDep
) -> MacroRead:
    macro = await service.update_macro(session, principal.workspace_id, macro_id, body)
    return MacroRead.model_validate(macro)


@macros_router.delete("/api/v1/macros/{macro_id}", status_code=204)
async def delete_macro(macro_id: str, principal: AdminAuth, session: SessionDep) -> None:
    await service.delete_macro(session, principal.workspace_id, macro_id)


@macros_router.post("/api/v1/tickets/{ticket_id}/macros/{macro_id}")
async def apply_macro(
    ticket_id: str,
    macro_id: str,
    principal: AgentAuth,
    session: SessionDep,
    resources: ResourcesDep,
) -> TicketRead:
    """Apply the macro's actions to the ticket as the caller; answers the changed ticket."""
    view = await service.apply_macro(
        session, resources.bus, principal.workspace_id, ticket_id, macro_id, _actor(principal)
    )
    return ticket_data(view.ticket, view.conversation_ids)
