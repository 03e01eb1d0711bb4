"""HTTP for the Customer 360 (profiles, merges, reviews, timeline) and the events API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from deskpilot.auth.dependencies import AdminAuth, AgentAuth, ViewerAuth
from deskpilot.customers import dedupe, events_api, merging, service, timeline
from deskpilot.customers.schemas import (
    PURPOSE_PATTERN,
    AliasCall,
    AnyCall,
    BatchRequest,
    ConsentRead,
    ConsentUpdate,
    Customer360,
    CustomerRead,
    CustomerUpdate,
    DedupeQueued,
    IdentifyCall,
    IdentityRead,
    MergeRead,
    MergeRequest,
    PageCall,
    ReviewRead,
    SegmentRef,
    SegmentResponse,
    TimelineEntryRead,
    TimelinePage,
    TrackCall,
)
from deskpilot.kit.deps import SessionDep
from deskpilot.kit.pagination import Page
from deskpilot.models import ReviewStatus

router = APIRouter(prefix="/api/v1/customers", tags=["customers"])
events_router = APIRouter(prefix="/api/v1/events", tags=["events"])

Limit = Annotated[int, Query(ge=1, le=200)]
Purpose = Annotated[str, Path(pattern=PURPOSE_PATTERN)]


def _page(entries: list[timeline.TimelineEntry], next_cursor: str | None) -> TimelinePage:
    return TimelinePage(
        items=[
            TimelineEntryRead(kind=e.kind, id=e.id, at=e.at, summary=e.summary, data=e.data)
            for e in entries
        ],
        next_cursor=next_cursor,
    )


@router.get("")
async def list_customers(
    principal: ViewerAuth,
    session: SessionDep,
    q: Annotated[
        str | None, Query(max_length=400, description="Any identifier, or part of a name.")
    ] = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[CustomerRead]:
    """Live profiles, newest first. `q` matches a normalised email, phone (E.164), external id
    or channel handle exactly, or a name case-insensitively anywhere in it."""
    rows, next_cursor = await service.search_customers(
        session, principal.workspace_id, q, cursor, limit
    )
    return Page(items=[CustomerRead.model_validate(c) for c in rows], next_cursor=next_cursor)


@router.get("/reviews")
async def list_reviews(
    principal: ViewerAuth,
    session: SessionDep,
    status: ReviewStatus | None = ReviewStatus.PENDING,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[ReviewRead]:
    """Uncertain matches, newest first, with their score and evidence."""
    rows, next_cursor = await merging.list_reviews(
        session, principal.workspace_id, status, cursor, limit
    )
    return Page(items=[ReviewRead.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post("/reviews/{review_id}/merge")
async def accept_review(review_id: str, principal: AgentAuth, session: SessionDep) -> MergeRead:
    """Merge the pair (the older profile survives); 409 if the review was decided."""
    merge = await merging.accept_review(
        session, principal.workspace_id, review_id, by=principal.actor
    )
    return MergeRead.model_validate(merge)


@router.post("/reviews/{review_id}/reject")
async def reject_review(review_id: str, principal: AgentAuth, session: SessionDep) -> ReviewRead:
    review = await merging.reject_review(
        session, principal.workspace_id, review_id, by=principal.actor
    )
    return ReviewRead.model_validate(review)


@router.post("/merges/{merge_id}/undo")
async def undo_merge(merge_id: str, principal: AgentAuth, session: SessionDep) -> MergeRead:
    """Unmerge: both profiles get back their identities, orders, events, conversations."""
    merge = await merging.undo_merge(session, principal.workspace_id, merge_id, by=principal.actor)
    return MergeRead.model_validate(merge)


@router.get("/{customer_id}")
async def get_customer(customer_id: str, principal: ViewerAuth, session: SessionDep) -> Customer360:
    """The 360. A merged profile's id answers with its survivor and `merged_into` set."""
    workspace_id = principal.workspace_id
    customer = await service.live_customer(session, workspace_id, customer_id)
    entries, next_cursor = await timeline.timeline(session, workspace_id, customer.id)
    segments = await service.segments_of(session, workspace_id, customer.id)
    return Customer360(
        **CustomerRead.model_validate(customer).model_dump(),
        requested_id=customer_id,
        merged_into=customer.id if customer.id != customer_id else None,
        identities=[
            IdentityRead.model_validate(i)
            for i in await service.identities_of(session, workspace_id, customer.id)
        ],
        consents=[
            ConsentRead.model_validate(c)
            for c in await service.consents_of(session, workspace_id, customer.id)
        ],
        segments=[SegmentRef(id=s.id, name=s.name, since=since) for s, since in segments],
        timeline=_page(entries, next_cursor),
    )


@router.patch("/{customer_id}")
async def update_customer(
    customer_id: str, body: CustomerUpdate, principal: AgentAuth, session: SessionDep
) -> CustomerRead:
    """Change traits: email and phone are normalised (and become identities), country is
    ISO 3166-1 alpha-2, language and locale are language tags."""
    customer = await service.update_traits(
        session, principal.workspace_id, customer_id, body.model_dump(exclude_unset=True)
    )
    return CustomerRead.model_validate(customer)


@router.put("/{customer_id}/consents/{purpose}")
async def put_consent(
    customer_id: str,
    purpose: Purpose,
    body: ConsentUpdate,
    principal: AgentAuth,
    session: SessionDep,
) -> ConsentRead:
    consent = await service.set_consent(
        session, principal.workspace_id, customer_id, purpose, body.status, body.source
    )
    return ConsentRead.model_validate(consent)


@router.post("/{customer_id}/merge")
async def merge_customer(
    customer_id: str, body: MergeRequest, principal: AgentAuth, session: SessionDep
) -> MergeRead:
    """Merge `other_id` into this profile; the answer records what moved (for undo)."""
    merge = await merging.merge_customers(
        session,
        principal.workspace_id,
        customer_id,
        body.other_id,
        reason=body.reason,
        merged_by=principal.actor,
    )
    return MergeRead.model_validate(merge)


@router.get("/{customer_id}/timeline")
async def get_timeline(
    customer_id: str,
    principal: ViewerAuth,
    session: SessionDep,
    cursor: str | None = None,
    limit: Limit = 50,
) -> TimelinePage:
    """Conversations, customer-visible messages, orders and events, newest first."""
    entries, next_cursor = await timeline.timeline(
        session, principal.workspace_id, customer_id, cursor, limit
    )
    return _page(entries, next_cursor)


# --- Segment-compatible events ----------------------------------------------------------------


async def _ingest(principal: AgentAuth, session: SessionDep, calls: list[AnyCall]) -> None:
    await events_api.ingest(session, principal.workspace_id, calls)


@events_router.post("/identify")
async def identify(
    body: IdentifyCall, principal: AgentAuth, session: SessionDep
) -> SegmentResponse:
    await _ingest(principal, session, [body])
    return SegmentResponse()


@events_router.post("/track")
async def track(body: TrackCall, principal: AgentAuth, session: SessionDep) -> SegmentResponse:
    await _ingest(principal, session, [body])
    return SegmentResponse()


@events_router.post("/page")
async def page(body: PageCall, principal: AgentAuth, session: SessionDep) -> SegmentResponse:
    await _ingest(principal, session, [body])
    return SegmentResponse()


@events_router.post("/alias")
async def alias(body: AliasCall, principal: AgentAuth, session: SessionDep) -> SegmentResponse:
    await _ingest(principal, session, [body])
    return SegmentResponse()


@events_router.post("/batch")
async def batch(body: BatchRequest, principal: AgentAuth, session: SessionDep) -> SegmentResponse:
    """Up to 500 calls, each with its `type`; a bad item is a 422 naming `body.batch.<index>`
    and nothing of the batch is stored."""
    await _ingest(principal, session, events_api.parse_batch(body))
    return SegmentResponse()


@router.post("/deduplicate", status_code=202)
async def deduplicate(
    principal: AdminAuth,
    session: SessionDep,
    dry_run: Annotated[bool, Query(description="Count what would change; change nothing.")] = False,
) -> DedupeQueued:
    """Queue a probabilistic deduplication of the workspace's profiles (`customer.deduplicate`):
    confident duplicates are merged (undoable), uncertain pairs go to the review queue."""
    job = dedupe.request_deduplication(session, principal.workspace_id, dry_run=dry_run)
    return DedupeQueued(job_id=job.id, name=job.name, dry_run=dry_run)
