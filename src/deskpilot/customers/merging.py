"""Merging two profiles into one, undoing a merge, and the review queue of uncertain pairs.

A merge moves the other profile's identities, orders, events, conversations and consents to the
survivor, fills the survivor's empty traits from the other profile (the survivor wins every
conflict; tags are united; attributes are united with the survivor's keys winning) and marks
the other profile ``merged_into_id``. The ``CustomerMerge`` row records exactly what moved (the
ids of every kind) and the survivor's traits as they were, so ``undo_merge`` puts every row back
where it was and both profiles read as before.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.customers.repository import (
    Customer360Repository,
    CustomerRepository,
    MergeRepository,
    ReviewRepository,
    TimeKey,
)
from deskpilot.customers.service import live_customer
from deskpilot.kit.clock import utcnow
from deskpilot.kit.errors import Conflict, InvalidInput
from deskpilot.kit.pagination import decode_time_cursor, encode_cursor
from deskpilot.models import (
    Consent,
    Conversation,
    Customer,
    CustomerEvent,
    CustomerIdentity,
    CustomerMerge,
    MatchReview,
    Order,
    ReviewStatus,
)

# What moves with a merge, by the key it has in CustomerMerge.moved.
MOVED_KINDS: dict[str, type[Any]] = {
    "identities": CustomerIdentity,
    "orders": Order,
    "events": CustomerEvent,
    "conversations": Conversation,
    "consents": Consent,
}
# Traits filled from the other profile when the survivor has none.
FILLED_TRAITS = (
    "name",
    "email",
    "phone",
    "language",
    "locale",
    "country",
    "date_of_birth",
    "city",
    "address",
    "postcode",
)


def _plain(value: Any) -> Any:
    """A trait value as JSON keeps it (dates as ISO strings)."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def _fill_traits(survivor: Customer, other: Customer) -> dict[str, Any]:
    """Fill the survivor's gaps from ``other``; the survivor's values before, by trait."""
    before: dict[str, Any] = {}
    for name in FILLED_TRAITS:
        mine, theirs = getattr(survivor, name), getattr(other, name)
        if mine in (None, "") and theirs not in (None, ""):
            before[name] = _plain(mine)
            setattr(survivor, name, theirs)
    tags = list(dict.fromkeys([*survivor.tags, *other.tags]))
    if tags != survivor.tags:
        before["tags"] = list(survivor.tags)
        survivor.tags = tags
    attributes = {**other.attributes, **survivor.attributes}
    if attributes != survivor.attributes:
        before["attributes"] = dict(survivor.attributes)
        survivor.attributes = attributes
    return before


def _restore_traits(survivor: Customer, before: dict[str, Any]) -> None:
    for name, value in before.items():
        if name == "date_of_birth" and isinstance(value, str):
            value = date.fromisoformat(value)
        setattr(survivor, name, value)


async def merge_customers(
    session: AsyncSession,
    workspace_id: str,
    survivor_id: str,
    other_id: str,
    *,
    reason: str,
    evidence: dict[str, Any] | None = None,
    merged_by: str | None = None,
) -> CustomerMerge:
    """Merge ``other_id`` into ``survivor_id`` (both followed to their live profiles).

    422 on ``body.other_id`` when the two are already one profile.
    """
    survivor = await live_customer(session, workspace_id, survivor_id)
    other = await live_customer(session, workspace_id, other_id)
    if survivor.id == other.id:
        raise InvalidInput.field("body.other_id", "is the same profile (or was merged into it)")
    records = Customer360Repository(session, workspace_id)
    moved: dict[str, Any] = {}
    for kind, model in MOVED_KINDS.items():
        ids = await records.ids_of(model, other.id)
        await records.reassign(model, ids, other.id, survivor.id)
        moved[kind] = ids
    moved["traits_before"] = _fill_traits(survivor, other)
    other.merged_into_id = survivor.id
    merge = MergeRepository(session, workspace_id).add(
        CustomerMerge(
            workspace_id=workspace_id,
            survivor_id=survivor.id,
            merged_id=other.id,
            reason=reason,
            evidence=evidence or {},
            moved=moved,
            merged_by=merged_by,
            created_at=utcnow(),
        )
    )
    reviews = ReviewRepository(session, workspace_id)
    for review in await reviews.pending_between([survivor.id, other.id]):
        review.status, review.decided_at, review.decided_by = (
            ReviewStatus.MERGED,
            utcnow(),
            merged_by,
        )
    await session.flush()
    return merge


async def undo_merge(
    session: AsyncSession, workspace_id: str, merge_id: str, *, by: str | None = None
) -> CustomerMerge:
    """Put back every row the merge moved and the survivor's traits as they were.

    409 when it was undone already, or when the survivor has since been merged into another
    profile, or another profile into it after this merge (undo those first, newest first).
    """
    merges = MergeRepository(session, workspace_id)
    merge = await merges.get_or_404(merge_id)
    if merge.undone_at is not None:
        raise Conflict(f"merge {merge.id!r} was already undone")
    customers = CustomerRepository(session, workspace_id)
    survivor = await customers.get_or_404(merge.survivor_id)
    merged = await customers.get_or_404(merge.merged_id)
    if survivor.merged_into_id is not None:
        raise Conflict(
            f"customer {survivor.id!r} was merged into {survivor.merged_into_id!r} since: "
            "undo that merge first"
        )
    later = [m for m in await merges.active_into(survivor.id) if m.created_at > merge.created_at]
    if later:
        raise Conflict(f"undo the later merges into {survivor.id!r} first: {later[0].id!r}")
    records = Customer360Repository(session, workspace_id)
    for kind, model in MOVED_KINDS.items():
        await records.reassign(model, merge.moved.get(kind, []), survivor.id, merged.id)
    _restore_traits(survivor, merge.moved.get("traits_before", {}))
    merged.merged_into_id = None
    merge.undone_at = utcnow()
    merge.evidence = {**merge.evidence, "undone_by": by}
    await session.flush()
    return merge


async def list_reviews(
    session: AsyncSession,
    workspace_id: str,
    status: ReviewStatus | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[MatchReview], str | None]:
    after: TimeKey | None = decode_time_cursor(cursor) if cursor else None
    rows = list(await ReviewRepository(session, workspace_id).page(status, after, limit))
    next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id) if len(rows) == limit else None
    return rows, next_cursor


async def _pending(session: AsyncSession, workspace_id: str, review_id: str) -> MatchReview:
    review = await ReviewRepository(session, workspace_id).get_or_404(review_id)
    if review.status != ReviewStatus.PENDING:
        raise Conflict(f"match review {review.id!r} was already decided: {review.status}")
    return review


async def accept_review(
    session: AsyncSession, workspace_id: str, review_id: str, *, by: str | None
) -> CustomerMerge:
    """Merge the pair of a pending review: the older profile survives."""
    review = await _pending(session, workspace_id, review_id)
    a = await live_customer(session, workspace_id, review.customer_a_id)
    b = await live_customer(session, workspace_id, review.customer_b_id)
    survivor, other = sorted((a, b), key=lambda c: (c.created_at, c.id))
    merge = await merge_customers(
        session,
        workspace_id,
        survivor.id,
        other.id,
        reason=f"match review {review.id}",
        evidence={"review_id": review.id, "score": review.score, **review.evidence},
        merged_by=by,
    )
    review.status, review.decided_at, review.decided_by = ReviewStatus.MERGED, utcnow(), by
    return merge


async def reject_review(
    session: AsyncSession, workspace_id: str, review_id: str, *, by: str | None
) -> MatchReview:
    review = await _pending(session, workspace_id, review_id)
    review.status, review.decided_at, review.decided_by = ReviewStatus.REJECTED, utcnow(), by
    await session.flush()
    return review
