"""Settings: automation rules (list, enable, edit conditions and actions as rows, dry run),
macros (actions as rows) and canned responses."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from deskpilot.kit.deps import SessionDep
from deskpilot.tickets.automation import service
from deskpilot.tickets.automation.actions import ACTIONS
from deskpilot.tickets.automation.conditions import FIELDS, OPS
from deskpilot.tickets.automation.schemas import TRIGGERS
from deskpilot.tickets.responses import service as responses
from deskpilot.web.console.pages import member_of
from deskpilot.web.console.settings.common import settings_page

router = APIRouter(include_in_schema=False)

RESPONSES_SHOWN = 200  # the most the API lists at once


def vocabulary() -> dict[str, Any]:
    """What the rule editor offers: fields (with their kind and choices), operators, actions
    (with their parameters)."""
    return {
        "fields": {
            name: {"kind": spec.kind, "choices": [str(c) for c in spec.choices]}
            for name, spec in FIELDS.items()
        },
        "ops": list(OPS),
        "actions": {
            name: {"required": list(spec.required), "optional": list(spec.optional)}
            for name, spec in ACTIONS.items()
        },
    }


@router.get("/settings/rules", response_class=HTMLResponse)
async def rules_page(request: Request, session: SessionDep) -> Response:
    ctx = await member_of(request, session, "admin")
    if isinstance(ctx, Response):
        return ctx
    rules = await service.list_rules(session, ctx.workspace.id)
    macros = await service.list_macros(session, ctx.workspace.id)
    canned = await responses.list_responses(session, ctx.workspace.id, None, RESPONSES_SHOWN)
    return settings_page(
        request,
        ctx,
        "rules",
        rules=rules,
        macros=macros,
        canned=canned,
        triggers=TRIGGERS,
        vocabulary=vocabulary(),
    )
