"""Customers: the search list and one customer's page (the 360 with their conversations and
tickets). The 360 itself is drawn by ``static/console/customer360.js`` from the JSON API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from deskpilot.conversations import service as conversations
from deskpilot.conversations.schemas import ConversationFilter
from deskpilot.customers import service as customers
from deskpilot.kit.deps import SessionDep
from deskpilot.kit.errors import InvalidInput, NotFound
from deskpilot.tickets import service as tickets
from deskpilot.tickets.events import ticket_data
from deskpilot.tickets.schemas import TicketFilter
from deskpilot.web.console.pages import member_of, not_found, render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25
RELATED = 20  # conversations and tickets shown on a customer's page


@router.get("/customers", response_class=HTMLResponse)
async def customer_list(
    request: Request,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=400)] = None,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> Response:
    ctx = await member_of(request, session, "viewer")
    if isinstance(ctx, Response):
        return ctx
    query = q.strip() if q and q.strip() else None
    try:
        rows, next_cursor = await customers.search_customers(
            session, ctx.workspace.id, query, cursor, PAGE_SIZE
        )
    except InvalidInput:  # a cursor that is not one of ours: start again
        rows, next_cursor = await customers.search_customers(
            session, ctx.workspace.id, query, None, PAGE_SIZE
        )
    return render(
        request,
        ctx,
        "console/customers.html",
        customers=rows,
        q=query or "",
        next_cursor=next_cursor,
        first_page=cursor is None,
    )


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
async def customer_page(customer_id: str, request: Request, session: SessionDep) -> Response:
    ctx = await member_of(request, session, "viewer")
    if isinstance(ctx, Response):
        return ctx
    try:
        customer = await customers.live_customer(session, ctx.workspace.id, customer_id)
    except NotFound:
        return not_found(request, ctx)
    views, _ = await conversations.list_conversations(
        session, ctx.workspace.id, ConversationFilter(customer_id=customer.id), None, RELATED
    )
    ticket_views, _ = await tickets.list_tickets(
        session, ctx.workspace.id, TicketFilter(customer_id=customer.id), None, RELATED
    )
    return render(
        request,
        ctx,
        "console/customer.html",
        customer=customer,
        merged_from=customer_id if customer.id != customer_id else None,
        conversations=views,
        tickets=[ticket_data(v.ticket, v.conversation_ids) for v in ticket_views],
    )
