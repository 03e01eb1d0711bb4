"""Rules and macros: saving them (checked strictly), their run log, dry runs, applying macros."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.bus import Bus
from deskpilot.kit.errors import Conflict, FieldError, InvalidInput
from deskpilot.kit.pagination import decode_time_cursor, encode_cursor
from deskpilot.models import AutomationRule, Macro, RuleRun
from deskpilot.tickets import service as tickets
from deskpilot.tickets.automation import actions, conditions, engine
from deskpilot.tickets.automation.repository import (
    MacroRepository,
    RuleRepository,
    RuleRunRepository,
)
from deskpilot.tickets.automation.schemas import (
    TRIGGERS,
    DryRunRead,
    MacroCreate,
    MacroUpdate,
    RuleCreate,
    RuleUpdate,
)
from deskpilot.tickets.schemas import Actor
from deskpilot.tickets.service import TicketView


def check_rule(
    trigger: str, given_conditions: Sequence[object], given_actions: Sequence[object]
) -> None:
    """422 naming every problem (``conditions[1].op``) unless the rule is sound."""
    errors: list[FieldError] = []
    if trigger not in TRIGGERS:
        errors.append(FieldError("trigger", f"must be one of {', '.join(TRIGGERS)}"))
    errors += conditions.validate(given_conditions)
    errors += actions.validate(given_actions)
    if errors:
        raise InvalidInput.of(errors)


async def list_rules(session: AsyncSession, workspace_id: str) -> Sequence[AutomationRule]:
    return await RuleRepository(session, workspace_id).ordered()


async def get_rule(session: AsyncSession, workspace_id: str, rule_id: str) -> AutomationRule:
    return await RuleRepository(session, workspace_id).get_or_404(rule_id)


async def create_rule(session: AsyncSession, workspace_id: str, data: RuleCreate) -> AutomationRule:
    check_rule(data.trigger, data.conditions, data.actions)
    repository = RuleRepository(session, workspace_id)
    if await repository.by_name(data.name) is not None:
        raise Conflict(f"a rule named {data.name!r} exists already")
    rule = repository.add(
        AutomationRule(
            workspace_id=workspace_id,
            name=data.name,
            description=data.description,
            trigger=data.trigger,
            conditions=data.conditions,
            actions=data.actions,
            position=data.position if data.position is not None else 0,
            is_active=data.is_active if data.is_active is not None else True,
        )
    )
    await session.flush()
    return rule


async def update_rule(
    session: AsyncSession, workspace_id: str, rule_id: str, data: RuleUpdate
) -> AutomationRule:
    repository = RuleRepository(session, workspace_id)
    rule = await repository.get_or_404(rule_id)
    given = data.model_dump(exclude_unset=True)
    for field in ("name", "trigger", "conditions", "actions", "position", "is_active"):
        if field in given and given[field] is None:
            raise InvalidInput.field(field, "cannot be null")
    if "actions" in given and not given["actions"]:
        raise InvalidInput.field("actions", "a rule needs at least one action")
    check_rule(
        given.get("trigger", rule.trigger),
        given.get("conditions", rule.conditions),
        given.get("actions", rule.actions),
    )
    renamed = "name" in given and given["name"] != rule.name
    if renamed and await repository.by_name(given["name"]) is not None:
        raise Conflict(f"a rule named {given['name']!r} exists already")
    for field, value in given.items():
        setattr(rule, field, value)
    await session.flush()
    return rule


async def delete_rule(session: AsyncSession, workspace_id: str, rule_id: str) -> None:
    repository = RuleRepository(session, workspace_id)
    await repository.delete(await repository.get_or_404(rule_id))
    await session.flush()


async def list_runs(
    session: AsyncSession, workspace_id: str, rule_id: str, cursor: str | None, limit: int
) -> tuple[Sequence[RuleRun], str | None]:
    """A rule's runs, newest first, and the cursor of the next page (None at the end)."""
    await RuleRepository(session, workspace_id).get_or_404(rule_id)
    after = decode_time_cursor(cursor) if cursor else None
    rows = await RuleRunRepository(session, workspace_id).page(rule_id, after, limit + 1)
    page = list(rows[:limit])
    more = len(rows) > limit
    return page, (encode_cursor(page[-1].created_at, page[-1].id) if more and page else None)


async def dry_run_rule(
    session: AsyncSession, workspace_id: str, data: RuleCreate, limit: int
) -> DryRunRead:
    check_rule(data.trigger, data.conditions, data.actions)
    return await engine.dry_run(session, workspace_id, data.conditions, data.actions, limit)


async def dry_run_saved(
    session: AsyncSession, workspace_id: str, rule_id: str, limit: int
) -> DryRunRead:
    rule = await get_rule(session, workspace_id, rule_id)
    return await engine.dry_run(session, workspace_id, rule.conditions, rule.actions, limit)


async def list_macros(session: AsyncSession, workspace_id: str) -> Sequence[Macro]:
    return await MacroRepository(session, workspace_id).ordered()


async def get_macro(session: AsyncSession, workspace_id: str, macro_id: str) -> Macro:
    return await MacroRepository(session, workspace_id).get_or_404(macro_id)


def _check_macro(given_actions: Sequence[object]) -> None:
    errors = actions.validate(given_actions)
    if errors:
        raise InvalidInput.of(errors)


async def create_macro(session: AsyncSession, workspace_id: str, data: MacroCreate) -> Macro:
    _check_macro(data.actions)
    repository = MacroRepository(session, workspace_id)
    if await repository.by_name(data.name) is not None:
        raise Conflict(f"a macro named {data.name!r} exists already")
    macro = repository.add(
        Macro(
            workspace_id=workspace_id,
            name=data.name,
            description=data.description,
            actions=data.actions,
        )
    )
    await session.flush()
    return macro


async def update_macro(
    session: AsyncSession, workspace_id: str, macro_id: str, data: MacroUpdate
) -> Macro:
    repository = MacroRepository(session, workspace_id)
    macro = await repository.get_or_404(macro_id)
    given = data.model_dump(exclude_unset=True)
    for field in ("name", "actions"):
        if field in given and given[field] is None:
            raise InvalidInput.field(field, "cannot be null")
    if "actions" in given:
        _check_macro(given["actions"])
    renamed = "name" in given and given["name"] != macro.name
    if renamed and await repository.by_name(given["name"]) is not None:
        raise Conflict(f"a macro named {given['name']!r} exists already")
    for field, value in given.items():
        setattr(macro, field, value)
    await session.flush()
    return macro


async def delete_macro(session: AsyncSession, workspace_id: str, macro_id: str) -> None:
    repository = MacroRepository(session, workspace_id)
    await repository.delete(await repository.get_or_404(macro_id))
    await session.flush()


async def apply_macro(
    session: AsyncSession,
    bus: Bus,
    workspace_id: str,
    ticket_id: str,
    macro_id: str,
    actor: Actor,
) -> TicketView:
    """Take the macro's actions on the ticket as ``actor``, all or nothing: the first action
    that cannot be done is the error, and the request's transaction rolls the rest back."""
    macro = await get_macro(session, workspace_id, macro_id)
    view = await tickets.get_ticket(session, workspace_id, ticket_id)
    event: dict[str, Any] = {"name": "macro.applied", "id": None, "data": {}}
    context = actions.ActionContext(
        session,
        bus,
        workspace_id,
        actor,
        {"macro": {"id": macro.id, "name": macro.name}},
        event | {"data": {"conversation_ids": view.conversation_ids}},
    )
    for action in macro.actions:
        await actions.execute(context, view.ticket.id, action)
    return await tickets.get_ticket(session, workspace_id, ticket_id)
